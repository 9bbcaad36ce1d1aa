import type pg from 'pg';

/**
 * Claims up to `limit` due rows of a status queue table (`status = 'queued'`, `next_attempt_at`,
 * `locked_until`, `attempts`, `created_at`: mail_message, sms_message), oldest first, and
 * returns `returning` of them. `FOR UPDATE SKIP LOCKED` lets several processes claim at once
 * without waiting or taking the same row; a claim is a `locked_until` lease and one more
 * `attempts`, so the rows of a worker that died are claimed again once it passes, and only the
 * claim that holds the attempt number records the outcome. `table` and `returning` are the
 * caller's constants, never input.
 */
export async function claimQueuedRows<Row extends pg.QueryResultRow>(
  pool: pg.Pool,
  table: string,
  returning: string,
  limit: number,
  lockSeconds: number,
): Promise<Row[]> {
  const { rows } = await pool.query<Row>(
    `with due as (
       select id from ${table}
        where status = 'queued' and next_attempt_at <= now()
          and (locked_until is null or locked_until < now())
        order by next_attempt_at, created_at
        limit $1
        for update skip locked)
     update ${table} m
        set attempts = m.attempts + 1, locked_until = now() + make_interval(secs => $2)
       from due
      where m.id = due.id
      returning ${returning}`,
    [limit, lockSeconds],
  );
  return rows;
}
