import pg from 'pg';
import type { Logger } from '../logger.ts';

/** What a listener needs of the running service. */
export interface ListenerServices {
  pool: pg.Pool;
  logger: Logger;
}

/** One channel to listen on, and what to do when it speaks. */
export interface ListenerOptions {
  /** Names the listener in log lines (`outbox`, `scheduled changes`). */
  label: string;
  /** The LISTEN/NOTIFY channel (an identifier: it is written into the LISTEN statement). */
  channel: string;
  /**
   * Called on every notification, and after every (re)connection: whatever was committed while
   * nobody listened must be looked for then, since its notification is gone.
   */
  onNotify: () => void;
}

// A channel name goes into `listen <name>` as it is; only plain identifiers are accepted.
const CHANNEL = /^[a-z_][a-z0-9_]*$/;

// How long after a lost or refused connection the next attempt is made.
const RECONNECT_MS = 1000;

/**
 * LISTEN on one channel, over a connection of its own that reconnects a second after any error.
 * Not one of the pool's connections: held for as long as the listener runs, it would leave the
 * pool one short for every queue and timer that listens (the outbox, mail, SMS, scheduled
 * changes), and a cut-off's claim would wait for a free connection.
 */
export class NotificationListener {
  private client: pg.Client | null = null;
  private reconnect: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly services: ListenerServices,
    private readonly options: ListenerOptions,
  ) {
    if (!CHANNEL.test(options.channel))
      throw new Error(`notification channel ${options.channel} is not a plain identifier`);
  }

  /** Starts listening; resolves once connected, or after the first attempt failed (it retries). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.connect();
  }

  /** Stops listening and closes the connection. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.reconnect) clearTimeout(this.reconnect);
    this.reconnect = null;
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners('notification');
      await client.end().catch(() => undefined);
    }
  }

  private async connect(): Promise<void> {
    const { pool, logger } = this.services;
    const { label, channel, onNotify } = this.options;
    const client = new pg.Client(pool.options);
    try {
      client.on('notification', () => onNotify());
      client.on('error', (error) => {
        logger.warn({ err: error }, `${label} listener failed; reconnecting`);
        if (this.client === client) this.client = null;
        void client.end().catch(() => undefined);
        this.scheduleReconnect();
      });
      await client.connect();
      await client.query(`listen ${channel}`);
      if (!this.running) {
        await client.end();
        return;
      }
      this.client = client;
      onNotify();
    } catch (error) {
      logger.warn({ err: error }, `${label} listener could not connect; retrying`);
      void client.end().catch(() => undefined);
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (!this.running || this.reconnect) return;
    this.reconnect = setTimeout(() => {
      this.reconnect = null;
      void this.connect();
    }, RECONNECT_MS);
    this.reconnect.unref();
  }
}
