import type pg from 'pg';
import type { Services } from '../shared/services.ts';
import { MAIL_CHANNEL } from './enqueue.ts';
import {
  type ClaimedMail,
  claimDueMails,
  mailBackoffMs,
  markMailFailed,
  markMailSent,
} from './store.ts';
import { createMailTransport, type MailTransport } from './transport.ts';

/** Worker settings (`mail.delivery` of the configuration). */
export type MailDeliverySettings = Services['config']['mail']['delivery'];

/** How `stop` ends the worker. */
export interface MailStopOptions {
  /**
   * Leave mails in flight unrecorded, as a crash would (tests): their rows stay claimed until
   * `lockSeconds` pass, then a worker sends them again.
   */
  abandon?: boolean;
}

interface SmtpFailure {
  code?: string;
  responseCode?: number;
  permanent?: boolean;
  response?: string;
  message?: string;
}

/**
 * Whether a failure will never go away by retrying this mail: the relay refused it with a 5xx
 * (nodemailer's `permanent`). A refused login (EAUTH) is the service's configuration, not the
 * mail: it is retried, so mails wait for the operator's fix instead of dying.
 */
export function isPermanentFailure(error: unknown): boolean {
  const failure = error as SmtpFailure;
  return failure?.permanent === true && failure.code !== 'EAUTH';
}

/** A short description of a failure for `last_error` and the log (never the message itself). */
function describe(error: unknown): string {
  const failure = error as SmtpFailure;
  const text = failure?.response ?? failure?.message ?? String(error);
  return failure?.code ? `${failure.code}: ${text}` : text;
}

/**
 * Sends queued mails after their transaction committed. Woken at once by `NOTIFY mail` (a
 * dedicated connection that reconnects on error) and by a poll as a fallback and for retries
 * coming due. Several processes may run workers on one database: claims use `SKIP LOCKED`.
 * Delivery is at least once: a worker that dies between the relay's acceptance and recording it
 * leaves the mail to be sent again (with the same Message-ID).
 */
export class MailWorker {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly settings: MailDeliverySettings;
  private readonly transport: MailTransport;
  private listener: pg.PoolClient | null = null;
  private poll: NodeJS.Timeout | null = null;
  private reconnect: NodeJS.Timeout | null = null;
  private running = false;
  private abandoned = false;
  private pumping = false;
  private again = false;

  constructor(
    private readonly services: Services,
    settings: Partial<MailDeliverySettings> = {},
  ) {
    this.settings = { ...services.config.mail.delivery, ...settings };
    this.transport = createMailTransport(services.config);
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

  /** Looks for due mails now (also called on every notification). */
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

  /** Stops claiming; by default waits for the mails in flight to be sent and recorded. */
  async stop(options: MailStopOptions = {}): Promise<void> {
    this.running = false;
    this.abandoned = options.abandon === true;
    if (this.poll) clearInterval(this.poll);
    if (this.reconnect) clearTimeout(this.reconnect);
    const listener = this.listener;
    this.listener = null;
    if (listener) {
      listener.removeAllListeners('notification');
      await listener.query(`unlisten ${MAIL_CHANNEL}`).catch(() => undefined);
      listener.release();
    }
    if (!this.abandoned) await Promise.allSettled([...this.inFlight]);
    // Abandoning cuts the connections of mails in flight, as a killed process's would be cut.
    this.transport.close(this.abandoned);
  }

  private async listen(): Promise<void> {
    try {
      const client = await this.services.pool.connect();
      client.on('notification', () => this.wake());
      client.on('error', (error) => {
        this.services.logger.warn({ err: error }, 'mail listener failed; reconnecting');
        if (this.listener === client) this.listener = null;
        client.release(error);
        this.scheduleReconnect();
      });
      await client.query(`listen ${MAIL_CHANNEL}`);
      if (!this.running) {
        client.release();
        return;
      }
      this.listener = client;
      this.wake();
    } catch (error) {
      this.services.logger.warn({ err: error }, 'mail listener could not connect; retrying');
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
    let claimed: ClaimedMail[];
    try {
      claimed = await claimDueMails(this.services.pool, room, this.settings.lockSeconds);
    } catch (error) {
      this.services.logger.warn({ err: error }, 'mail claim failed');
      return;
    }
    for (const mail of claimed) {
      const sending: Promise<void> = this.send(mail).finally(() => {
        this.inFlight.delete(sending);
        this.wake();
      });
      this.inFlight.add(sending);
    }
  }

  private async send(mail: ClaimedMail): Promise<void> {
    const { pool, logger } = this.services;
    try {
      const answer = await this.transport.send({
        id: mail.id,
        to: mail.recipient,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      });
      if (this.abandoned) return;
      await markMailSent(pool, mail, answer);
      logger.info({ mailId: mail.id, attempt: mail.attempt }, 'mail sent');
    } catch (error) {
      if (this.abandoned) return;
      const permanent = isPermanentFailure(error);
      const dead = permanent || mail.attempt >= this.settings.maxAttempts;
      const message = describe(error);
      const delay = mailBackoffMs(
        mail.attempt,
        this.settings.baseDelayMs,
        this.settings.maxDelayMs,
      );
      logger.warn(
        { mailId: mail.id, attempt: mail.attempt, dead },
        `mail delivery failed: ${message}`,
      );
      await markMailFailed(pool, mail, message, dead, delay).catch((failure: unknown) =>
        logger.error({ err: failure, mailId: mail.id }, 'could not record a failed mail'),
      );
    }
  }
}

/**
 * Starts this process's mail worker when mail is configured and `mail.delivery.enabled`;
 * returns a stop function (a no-op when nothing started).
 */
export async function startMail(services: Services): Promise<{ stop(): Promise<void> }> {
  const { smtp, from, delivery } = services.config.mail;
  if (!smtp || !from || !delivery.enabled) return { stop: async () => undefined };
  const worker = new MailWorker(services);
  await worker.start();
  return { stop: () => worker.stop() };
}
