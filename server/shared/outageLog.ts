import type { Logger } from '../logger.ts';

/**
 * The log of work retried on a timer (a sealer, a timer, a watch): its first failure is a
 * warning, the next ones are silent until it succeeds again, which is said once. A database or a
 * directory down for an hour would otherwise write a warning every interval.
 */
export interface OutageLog {
  /** Whether the last try failed. */
  readonly failing: boolean;
  /** A try failed: warned only if the one before it succeeded. */
  failed(error: unknown, fields?: Record<string, unknown>): void;
  /** A try succeeded: the recovery is said only if the one before it failed. */
  succeeded(fields?: Record<string, unknown>): void;
}

/** An outage log with the two messages it writes. */
export function outageLog(
  logger: Logger,
  messages: { failed: string; recovered: string },
): OutageLog {
  let failing = false;
  return {
    get failing() {
      return failing;
    },
    failed(error, fields = {}) {
      if (!failing) logger.warn({ ...fields, err: error }, messages.failed);
      failing = true;
    },
    succeeded(fields = {}) {
      if (failing) logger.info(fields, messages.recovered);
      failing = false;
    },
  };
}
