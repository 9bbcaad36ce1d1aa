import type pg from 'pg';
import type { Logger } from '../logger.ts';
import { outageLog } from '../shared/outageLog.ts';

/** A pool or one of its clients: whatever the caller holds. */
type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.ClientBase, 'query'>;

/**
 * Seals every staged audit event committed so far into the chain (audit_seal(), a SECURITY
 * DEFINER function of the owner role) and returns how many it sealed. `wait`: queue behind a
 * seal in progress (readers that must see the whole log: verification, checkpoints, the SIEM
 * stream, the console); otherwise give up at once when another seal holds the chain. Run it
 * outside any repeatable-read transaction, whose snapshot would predate the seal.
 */
export async function sealStagedEvents(db: Queryable, wait = true): Promise<number> {
  const { rows } = await db.query<{ sealed: string }>('select audit_seal($1)::text as sealed', [
    wait,
  ]);
  return Number(rows[0]?.sealed ?? 0);
}

/** The background sealer of one process. */
export interface Sealer {
  stop(): Promise<void>;
}

/**
 * Seals, every `intervalMs`, the events that writers committed while another seal held the chain
 * (an uncontended COMMIT seals its own), so the tail of a burst joins the chain within an interval
 * even when nothing else is written. Every process runs one; they never wait on each other.
 */
export function startSealer(pool: pg.Pool, intervalMs: number, logger: Logger): Sealer {
  let running: Promise<void> = Promise.resolve();
  const outage = outageLog(logger, {
    failed: 'audit sealer: sealing failed; will retry',
    recovered: 'audit sealer recovered',
  });
  const tick = () => {
    running = sealStagedEvents(pool, false).then(
      () => outage.succeeded(),
      (error: unknown) => outage.failed(error),
    );
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
