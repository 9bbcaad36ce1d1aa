import type pg from 'pg';
import type { Services } from '../shared/services.ts';
import { SMS_CHANNEL } from './enqueue.ts';
import { postToGateway } from './gateway.ts';
import { type ClaimedSms, claimDueSms, recordGatewayAnswer, smsBackoffMs } from './store.ts';

/** Worker settings (`sms.delivery` of the configuration). */
export type SmsDeliverySettings = Services['config']['sms']['delivery'];

/**
 * Posts queued SMS to the gateway after their transaction committed, as the mail worker sends
 * mail: woken at once by `NOTIFY sms` (a dedicated connection that reconnects on error) and by a
 * poll for retries coming due. Several processes may run workers on one database (`SKIP LOCKED`).
 * Every answer is recorded on the message (status, body excerpt, the gateway's message id).
 * Delivery is at least once: a worker that dies between the gateway's acceptance and recording
 * it leaves the message to be posted again with the same `webhook-id`, which the gateway can
 * deduplicate.
 */
export class SmsWorker {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly settings: SmsDeliverySettings;
  private listener: pg.PoolClient | null = null;
  private poll: NodeJS.Timeout | null = null;
  private reconnect: NodeJS.Timeout | null = null;
  private running = false;
  private pumping = false;
  private again = false;

  constructor(
    private readonly services: Services,
    settings: Partial<SmsDeliverySettings> = {},
  ) {
    this.settings = { ...services.config.sms.delivery, ...settings };
  }

  /** Starts listening and polling; resolves once the listener is connected (or failed once). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.listen();
    this.poll = setInterval(() => this.wake(), this.settings.pollIntervalMs);
    this.poll.unref();
    this.wake();
  }

  /** Looks for due messages now (also called on every notification). */
  wake(): void {
    if (!this.running) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void this.pump().finally(() => {
      this.pumping = false;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  /** Stops claiming and waits for the messages in flight to be posted and recorded. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.poll) clearInterval(this.poll);
    if (this.reconnect) clearTimeout(this.reconnect);
    const listener = this.listener;
    this.listener = null;
    if (listener) {
      listener.removeAllListeners('notification');
      await listener.query(`unlisten ${SMS_CHANNEL}`).catch(() => undefined);
      listener.release();
    }
    await Promise.allSettled([...this.inFlight]);
  }

  private async listen(): Promise<void> {
    try {
      const client = await this.services.pool.connect();
      client.on('notification', () => this.wake());
      client.on('error', (error) => {
        this.services.logger.warn({ err: error }, 'SMS listener failed; reconnecting');
        if (this.listener === client) this.listener = null;
        client.release(error);
        this.scheduleReconnect();
      });
      await client.query(`listen ${SMS_CHANNEL}`);
      if (!this.running) {
        client.release();
        return;
      }
      this.listener = client;
    } catch (error) {
      this.services.logger.warn({ err: error }, 'SMS listener could not connect; retrying');
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (!this.running || this.reconnect) return;
    this.reconnect = setTimeout(() => {
      this.reconnect = null;
      void this.listen();
    }, 1000);
    this.reconnect.unref();
  }

  private async pump(): Promise<void> {
    const room = this.settings.batchSize - this.inFlight.size;
    if (!this.running || room <= 0) return;
    let claimed: ClaimedSms[];
    try {
      claimed = await claimDueSms(this.services.pool, room, this.settings.lockSeconds);
    } catch (error) {
      this.services.logger.warn({ err: error }, 'SMS claim failed');
      return;
    }
    for (const sms of claimed) {
      const sending: Promise<void> = this.send(sms).finally(() => {
        this.inFlight.delete(sending);
        this.wake();
      });
      this.inFlight.add(sending);
    }
  }

  private async send(sms: ClaimedSms): Promise<void> {
    const { pool, logger, config } = this.services;
    const gateway = config.sms.gateway;
    if (!gateway) return;
    const answer = await postToGateway(
      gateway,
      { id: sms.id, to: sms.recipient, text: sms.text },
      new Date(),
    );
    const dead = !answer.ok && (answer.permanent || sms.attempt >= this.settings.maxAttempts);
    const delay = smsBackoffMs(sms.attempt, this.settings.baseDelayMs, this.settings.maxDelayMs);
    // Never the text or the number: the text may hold a code.
    const facts = { smsId: sms.id, attempt: sms.attempt, status: answer.status, dead };
    if (answer.ok) logger.info(facts, 'SMS accepted by the gateway');
    else logger.warn(facts, `SMS gateway refused or failed: ${answer.excerpt.slice(0, 200)}`);
    await recordGatewayAnswer(pool, sms, answer, dead, delay).catch((failure: unknown) =>
      logger.error({ err: failure, smsId: sms.id }, 'could not record an SMS answer'),
    );
  }
}

/**
 * Starts this process's SMS worker when a gateway is configured and `sms.delivery.enabled`;
 * returns a stop function (a no-op when nothing started).
 */
export async function startSms(services: Services): Promise<{ stop(): Promise<void> }> {
  const { gateway, delivery } = services.config.sms;
  if (!gateway || !delivery.enabled) return { stop: async () => undefined };
  const worker = new SmsWorker(services);
  await worker.start();
  return { stop: () => worker.stop() };
}
