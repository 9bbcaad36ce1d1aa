import type pg from 'pg';
import { OUTBOX_CHANNEL } from '../../outbox/emit.ts';
import {
  backoffMs,
  type Claimed,
  claimDue,
  markDelivered,
  markFailed,
} from '../../outbox/store.ts';
import type { Services } from '../../shared/services.ts';
import { type CoreConnector, PermanentDeliveryError } from '../connectors/types.ts';

/** Delivery settings (`core.delivery` of the configuration). */
export type DeliverySettings = Services['config']['core']['delivery'];

/** How `stop` ends the worker. */
export interface StopOptions {
  /**
   * Leave in-flight deliveries unfinished and unrecorded, as a crash would (tests): their rows
   * stay locked until `lockSeconds` pass, then another worker delivers them.
   */
  abandon?: boolean;
}

/**
 * Delivers outbox events to the connectors. Woken at once by `NOTIFY outbox` (a dedicated
 * connection that reconnects on error) and by a poll as a fallback (and for retries coming due).
 * Per connector, at most `concurrency` events are in flight, each the head of a different key, so
 * a person's events go out one after another in order while different people proceed in
 * parallel. Several processes may run workers on one database: claims use `SKIP LOCKED`.
 */
export class DeliveryWorker {
  private readonly inFlight = new Map<string, Set<Promise<void>>>();
  private readonly settings: DeliverySettings;
  private listener: pg.PoolClient | null = null;
  private poll: NodeJS.Timeout | null = null;
  private reconnect: NodeJS.Timeout | null = null;
  private running = false;
  private abandoned = false;
  private pumping = false;
  private again = false;

  constructor(
    private readonly services: Services,
    private readonly connectors: readonly CoreConnector[],
    settings: Partial<DeliverySettings> = {},
  ) {
    this.settings = { ...services.config.core.delivery, ...settings };
    for (const connector of connectors) this.inFlight.set(connector.name, new Set());
  }

  /** Starts listening and polling; resolves once the listener is connected (or has failed once). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.listen();
    this.poll = setInterval(() => this.wake(), this.settings.pollIntervalMs);
    this.poll.unref();
    this.wake();
  }

  /** Looks for due events now (also called on every notification). */
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

  /** Stops claiming; by default waits for the deliveries in flight to finish and be recorded. */
  async stop(options: StopOptions = {}): Promise<void> {
    this.running = false;
    this.abandoned = options.abandon === true;
    if (this.poll) clearInterval(this.poll);
    if (this.reconnect) clearTimeout(this.reconnect);
    const listener = this.listener;
    this.listener = null;
    if (listener) {
      listener.removeAllListeners('notification');
      await listener.query(`unlisten ${OUTBOX_CHANNEL}`).catch(() => undefined);
      listener.release();
    }
    if (this.abandoned) return;
    const pending = [...this.inFlight.values()].flatMap((set) => [...set]);
    await Promise.allSettled(pending);
  }

  private async listen(): Promise<void> {
    try {
      const client = await this.services.pool.connect();
      client.on('notification', () => this.wake());
      client.on('error', (error) => {
        this.services.logger.warn({ err: error }, 'outbox listener failed; reconnecting');
        if (this.listener === client) this.listener = null;
        client.release(error);
        this.scheduleReconnect();
      });
      await client.query(`listen ${OUTBOX_CHANNEL}`);
      if (!this.running) {
        client.release();
        return;
      }
      this.listener = client;
      // Events committed while we were not listening are picked up by this pass.
      this.wake();
    } catch (error) {
      this.services.logger.warn({ err: error }, 'outbox listener could not connect; retrying');
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

  /** Claims what each connector has room for and starts those deliveries. */
  private async pump(): Promise<void> {
    for (const connector of this.connectors) {
      const flying = this.inFlight.get(connector.name) as Set<Promise<void>>;
      const room = this.settings.concurrency - flying.size;
      if (!this.running || room <= 0) continue;
      let claimed: Claimed[];
      try {
        claimed = await claimDue(
          this.services.pool,
          connector.name,
          room,
          this.settings.lockSeconds,
        );
      } catch (error) {
        this.services.logger.warn({ err: error, connector: connector.name }, 'outbox claim failed');
        continue;
      }
      for (const item of claimed) {
        const delivery: Promise<void> = this.deliver(connector, item).finally(() => {
          flying.delete(delivery);
          // The key's next event (and anything that waited for room) is due now.
          this.wake();
        });
        flying.add(delivery);
      }
    }
  }

  private async deliver(connector: CoreConnector, claimed: Claimed): Promise<void> {
    const { pool, logger } = this.services;
    const { event, attempt } = claimed;
    try {
      await connector.deliver(event);
      if (this.abandoned) return;
      await markDelivered(pool, claimed);
    } catch (error) {
      if (this.abandoned) return;
      const permanent = error instanceof PermanentDeliveryError;
      const dead = permanent || attempt >= this.settings.maxAttempts;
      const message = error instanceof Error ? error.message : String(error);
      const delay = backoffMs(attempt, this.settings.baseDelayMs, this.settings.maxDelayMs);
      logger.warn(
        { connector: connector.name, eventId: event.id, type: event.type, attempt, dead },
        `outbox delivery failed: ${message}`,
      );
      await markFailed(pool, claimed, message, dead, delay).catch((failure: unknown) =>
        logger.error({ err: failure, eventId: event.id }, 'could not record a failed delivery'),
      );
    }
  }
}
