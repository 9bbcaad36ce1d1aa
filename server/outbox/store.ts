import type pg from 'pg';
import { CUT_OFF_EVENT_TYPES, type DeliverableEvent, type StoredOutboxEvent } from './events.ts';

/** A claimed outbox row: the event, and the attempt number that identifies this claim. */
export interface Claimed {
  event: DeliverableEvent;
  attempt: number;
}

interface ClaimRow {
  id: string;
  payload: StoredOutboxEvent;
  created_at: Date;
  attempts: number;
}

/** Which due events a claim takes: any (cut-offs first), or cut-offs only. */
export type ClaimScope = 'any' | 'cut-offs';

/**
 * Claims up to `limit` events of `connector` that are due: for each key only its head (the oldest
 * row not delivered or skipped) is eligible, and only if it is not dead, not locked by another
 * worker and its retry time has come. Heads that cut someone off (`CUT_OFF_EVENT_TYPES`) come
 * first, then the oldest; `scope: 'cut-offs'` takes only those. `FOR UPDATE SKIP LOCKED` lets
 * several processes claim at once without waiting or taking the same row; the conditions are
 * repeated on the locking scan because PostgreSQL re-checks them on the newest row version there
 * (a row another worker claimed and committed since our snapshot is then skipped, not claimed
 * twice).
 */
export async function claimDue(
  pool: pg.Pool,
  connector: string,
  limit: number,
  lockSeconds: number,
  scope: ClaimScope = 'any',
): Promise<Claimed[]> {
  const { rows } = await pool.query<ClaimRow>(
    `with heads as (
       select distinct on (key) id, type, dead_at, next_attempt_at, locked_until
         from outbox_event
        where connector = $1 and delivered_at is null and skipped_at is null
        order by key, id),
     due as (
       select id from heads
        where dead_at is null and next_attempt_at <= now()
          and (locked_until is null or locked_until < now())
          and ($5::boolean is false or type = any($4::text[]))
        order by type = any($4::text[]) desc, id limit $2),
     claimable as (
       select e.id from outbox_event e
        where e.id in (select id from due)
          and e.delivered_at is null and e.skipped_at is null and e.dead_at is null
          and (e.locked_until is null or e.locked_until < now())
        for update skip locked)
     update outbox_event e
        set attempts = e.attempts + 1, locked_until = now() + make_interval(secs => $3)
       from claimable c
      where e.id = c.id
      returning e.id::text as id, e.payload, e.created_at, e.attempts`,
    [connector, limit, lockSeconds, CUT_OFF_EVENT_TYPES, scope === 'cut-offs'],
  );
  return rows
    .sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)))
    .map((row) => ({
      attempt: row.attempts,
      event: { ...row.payload, id: row.id, createdAt: new Date(row.created_at).toISOString() },
    }));
}

/**
 * Marks a claimed event delivered. The attempt number guards against a stale claim: if this
 * worker's lock expired and someone else claimed the row since, nothing is changed.
 */
export async function markDelivered(pool: pg.Pool, claimed: Claimed): Promise<void> {
  await pool.query(
    `update outbox_event set delivered_at = now(), locked_until = null, last_error = null
      where id = $1 and attempts = $2 and delivered_at is null`,
    [claimed.event.id, claimed.attempt],
  );
}

/**
 * Records a failed attempt: parked as dead when `dead` (a permanent failure, or the last allowed
 * attempt), otherwise due again after `delayMs` (computed by the database clock, which every
 * process shares).
 */
export async function markFailed(
  pool: pg.Pool,
  claimed: Claimed,
  error: string,
  dead: boolean,
  delayMs: number,
): Promise<void> {
  await pool.query(
    `update outbox_event
        set locked_until = null, last_error = $3,
            dead_at = case when $4::boolean then now() end,
            next_attempt_at = now() + make_interval(secs => $5::double precision / 1000)
      where id = $1 and attempts = $2 and delivered_at is null`,
    [claimed.event.id, claimed.attempt, error.slice(0, 2000), dead, delayMs],
  );
}
