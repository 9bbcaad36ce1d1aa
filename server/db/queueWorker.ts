import { backoffMs } from '../shared/backoff.ts';
import { type ListenerServices, NotificationListener } from './notificationListener.ts';

/** A claimed queue item; `attempt` numbers this claim and guards its recording. */
export interface ClaimedItem {
  attempt: number;
}

/** How a queue retries: the attempts before an item is parked dead, the backoff between them. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** What a failed attempt leads to: parked for good (`dead`), or due again after `delayMs`. */
export interface FailureFate {
  dead: boolean;
  delayMs: number;
}

/** Where a queue claims from: its one table, or one part of it per destination (a connector). */
export interface QueueLane<Item> {
  /** At most this many of the lane's items in flight at once. */
  capacity: number;
  /** Claims up to `limit` due items (`FOR UPDATE SKIP LOCKED`, a lease that expires). */
  claim(limit: number): Promise<Item[]>;
  /** Names the lane in log lines (e.g. its connector). */
  logFields?: Record<string, unknown>;
}

/** What differs between queues: how an item is sent and how its outcome is recorded. */
export interface QueueHandler<Item, Sent> {
  /** Sends one claimed item; throws when the attempt failed. */
  send(item: Item): Promise<Sent>;
  /** Records a sent item (a failure here is handled as a failed attempt). */
  recordSent(item: Item, sent: Sent): Promise<void>;
  /** Whether a failure can never succeed by retrying (the item is parked dead at once). */
  isPermanent(error: unknown): boolean;
  /** Logs and records a failed attempt with its fate; never throws (it logs instead). */
  recordFailure(item: Item, error: unknown, fate: FailureFate): Promise<void>;
}

/** A queue worker's parts: its name, channel, poll, retry policy, lanes and handler. */
export interface QueueWorkerOptions<Item, Sent> {
  /** Names the queue in log lines (`outbox`, `mail`, `SMS`). */
  label: string;
  /** The LISTEN/NOTIFY channel its enqueuers notify in their transaction. */
  channel: string;
  /** Fallback poll when no notification arrives (a lost LISTEN connection, retries due). */
  pollIntervalMs: number;
  retry: RetryPolicy;
  lanes: readonly QueueLane<Item>[];
  handler: QueueHandler<Item, Sent>;
  /** Called last by `stop` (e.g. to close a transport; `abandoned` cuts its connections). */
  onStopped?: (abandoned: boolean) => void;
}

/** How `stop` ends the worker. */
export interface QueueStopOptions {
  /**
   * Leave items in flight unfinished and unrecorded, as a crash would (tests): their rows stay
   * claimed until the lease passes, then a worker sends them again.
   */
  abandon?: boolean;
}

/** What a queue worker needs of the running service. */
export type QueueServices = ListenerServices;

/**
 * Sends a table-backed queue's items after their transaction committed: the outbox to the
 * messaging core, mail, SMS. Woken at once by `NOTIFY <channel>` (a dedicated connection that
 * reconnects on error) and by a poll as a fallback and for retries coming due. Each lane keeps at
 * most `capacity` items in flight; a finished item wakes the worker for the next. Several
 * processes may run workers on one database: claims use `SKIP LOCKED`. Delivery is at least
 * once: a worker that dies between the far side's acceptance and recording it leaves the item to
 * be claimed again when its lease passes. A failed attempt is retried with backoff up to
 * `retry.maxAttempts`, or parked dead at once when the handler calls it permanent.
 */
export class QueueWorker<Item extends ClaimedItem, Sent> {
  private readonly inFlight: Set<Promise<void>>[];
  private readonly listener: NotificationListener;
  private poll: NodeJS.Timeout | null = null;
  private running = false;
  private abandoned = false;
  private pumping = false;
  private again = false;

  constructor(
    private readonly services: QueueServices,
    private readonly options: QueueWorkerOptions<Item, Sent>,
  ) {
    this.inFlight = options.lanes.map(() => new Set());
    // Items committed while nobody listened are picked up by the pass after each connection.
    this.listener = new NotificationListener(services, {
      label: options.label,
      channel: options.channel,
      onNotify: () => this.wake(),
    });
  }

  /** Starts listening and polling; resolves once the listener is connected (or failed once). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.listener.start();
    this.poll = setInterval(() => this.wake(), this.options.pollIntervalMs);
    this.poll.unref();
    this.wake();
  }

  /** Looks for due items now (also called on every notification). */
  wake(): void {
    if (!this.running) return;
    // One pump at a time; a wake during it runs one more pass after it, so none is lost.
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

  /** Stops claiming; by default waits for the items in flight to be sent and recorded. */
  async stop(options: QueueStopOptions = {}): Promise<void> {
    this.running = false;
    this.abandoned = options.abandon === true;
    if (this.poll) clearInterval(this.poll);
    await this.listener.stop();
    if (!this.abandoned) await Promise.allSettled(this.inFlight.flatMap((set) => [...set]));
    this.options.onStopped?.(this.abandoned);
  }

  /**
   * Claims what each lane has room for and starts sending those items. The lanes claim at once,
   * not one after another: a lane (a connector's cut-offs, another connector) never waits for
   * another lane's claim query.
   */
  private async pump(): Promise<void> {
    await Promise.all(this.options.lanes.map((lane, index) => this.pumpLane(lane, index)));
  }

  private async pumpLane(lane: QueueLane<Item>, index: number): Promise<void> {
    const flying = this.inFlight[index];
    if (!flying) return;
    const room = lane.capacity - flying.size;
    if (!this.running || room <= 0) return;
    let claimed: Item[];
    try {
      claimed = await lane.claim(room);
    } catch (error) {
      this.services.logger.warn(
        { err: error, ...lane.logFields },
        `${this.options.label} claim failed`,
      );
      return;
    }
    for (const item of claimed) {
      const sending: Promise<void> = this.run(item)
        .catch((error: unknown) =>
          this.services.logger.error({ err: error }, `${this.options.label} delivery crashed`),
        )
        .finally(() => {
          flying.delete(sending);
          // Room for the next (and, in the outbox, the key's next event is due now).
          this.wake();
        });
      flying.add(sending);
    }
  }

  /** Sends one item and records the outcome, unless the worker was abandoned meanwhile. */
  private async run(item: Item): Promise<void> {
    const { handler } = this.options;
    try {
      const sent = await handler.send(item);
      if (this.abandoned) return;
      await handler.recordSent(item, sent);
    } catch (error) {
      if (this.abandoned) return;
      await handler.recordFailure(item, error, this.fate(item.attempt, handler.isPermanent(error)));
    }
  }

  /** The retry policy: dead when permanent or out of attempts, else due after a backoff. */
  private fate(attempt: number, permanent: boolean): FailureFate {
    const { maxAttempts, baseDelayMs, maxDelayMs } = this.options.retry;
    return {
      dead: permanent || attempt >= maxAttempts,
      delayMs: backoffMs(attempt, baseDelayMs, maxDelayMs),
    };
  }
}
