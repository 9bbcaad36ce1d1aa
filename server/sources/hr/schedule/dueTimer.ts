import { NotificationListener } from '../../../db/notificationListener.ts';
import { outageLog } from '../../../shared/outageLog.ts';
import type { Services } from '../../../shared/services.ts';
import { fireDueChanges } from './fire.ts';

/** The channel every write to scheduled_change notifies (Migration20261218000000). */
export const SCHEDULED_CHANGE_CHANNEL = 'scheduled_change';

/** How the timer waits: its longest sleep, and its pause after a failed pass. */
export interface DueTimerOptions {
  /**
   * The longest sleep between two looks at the next due change, however far it is: bounds what a
   * lost notification or a step of the system clock can delay (the minute sweep is the net
   * below it).
   */
  maxSleepMs: number;
  /** The pause after a pass that failed (the database down): the next pass tries again. */
  retryMs: number;
}

/** One minute, one second: see DueTimerOptions. */
export const DUE_TIMER_DEFAULTS: DueTimerOptions = { maxSleepMs: 60_000, retryMs: 1_000 };

/** A running due timer. */
export interface DueTimer {
  /** When the timer looks next; null while it looks, or once stopped (diagnostics, tests). */
  nextLook(): Date | null;
  /** Stops waking; waits for a pass in progress. */
  stop(): Promise<void>;
}

// The instant of the earliest live change (scheduled_change_due_idx answers it).
const NEXT_DUE_SQL = `select min(effective_at) as next from scheduled_change
 where cancelled_at is null and fired_at is null`;

/**
 * Fires scheduled changes at their instant rather than at the next minute's sweep: a leaver's
 * termination day ends at midnight, and their sessions must end with it (the product's promise:
 * out everywhere within a second). Sleeps until the earliest live change, fires what is due
 * (fireDueChanges: one lifecycle, `skip locked`, so every process may run a timer), and looks
 * again. A notification on `scheduled_change` (any write: a change scheduled, moved, cancelled
 * or fired) makes it look at once. The minute sweep (job.ts) stays as the net.
 */
export async function startDueTimer(
  services: Services,
  options: DueTimerOptions = DUE_TIMER_DEFAULTS,
): Promise<DueTimer> {
  const { pool, logger } = services;
  let running = true;
  let timer: NodeJS.Timeout | null = null;
  let nextLook: Date | null = null;
  let passing: Promise<void> | null = null;
  let again = false;
  const outage = outageLog(logger, {
    failed: 'scheduled changes timer failed; will retry',
    recovered: 'scheduled changes timer recovered',
  });

  const sleep = (ms: number) => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!running) return;
    const delay = Math.max(0, Math.min(ms, options.maxSleepMs));
    nextLook = new Date(Date.now() + delay);
    timer = setTimeout(wake, delay);
    timer.unref();
  };

  // Fires whatever is due, then returns how long to sleep until the next change.
  const pass = async (): Promise<number> => {
    for (;;) {
      const { rows } = await pool.query<{ next: Date | null }>(NEXT_DUE_SQL);
      const next = rows[0]?.next ?? null;
      if (next === null) return options.maxSleepMs;
      const wait = next.getTime() - services.now().getTime();
      if (wait > 0) return wait;
      const fired = await fireDueChanges(services);
      if (fired.fired + fired.skipped > 0) logger.info(fired, 'scheduled changes fired on time');
      // A change due but claimed by another process's pass: theirs to fire; look again shortly.
      if (fired.fired + fired.skipped === 0) return options.retryMs;
    }
  };

  function wake(): void {
    if (!running) return;
    // One pass at a time; a wake during it runs one more pass after it, so none is lost.
    if (passing) {
      again = true;
      return;
    }
    nextLook = null;
    passing = pass()
      .then(
        (ms) => {
          outage.succeeded();
          sleep(ms);
        },
        (error: unknown) => {
          outage.failed(error);
          sleep(options.retryMs);
        },
      )
      .finally(() => {
        passing = null;
        if (again) {
          again = false;
          wake();
        }
      });
  }

  const listener = new NotificationListener(services, {
    label: 'scheduled changes',
    channel: SCHEDULED_CHANGE_CHANNEL,
    onNotify: wake,
  });
  await listener.start();
  wake();
  return {
    nextLook: () => nextLook,
    async stop() {
      running = false;
      nextLook = null;
      if (timer) clearTimeout(timer);
      await listener.stop();
      await passing;
    },
  };
}
