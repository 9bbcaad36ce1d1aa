import type { Queryable } from './plan.ts';

// Plan items per statement: a first run after an upgrade (or after a change of the source's
// settings) finds every person unchanged, and a million rows in one statement would hold their
// locks for a minute.
const CHUNK = 20_000;

// The unchanged items of a seq range whose person is still the row version the plan read
// (xmin: nobody changed them since, not even between a plan and its approval).
const RECORD_SQL = `
update app_user u set sync_digest = p.digest
  from sync_plan_item p
 where p.run_id = $1 and p.seq > $2 and p.seq <= $3 and p.action = 'unchanged'
   and p.digest is not null and u.id = p.user_id and u.xmin::text::bigint = p.user_xmin
   and u.sync_digest is distinct from p.digest`;

/**
 * Before a plan is applied, its people found unchanged record their entry's digest
 * (entryDigest.ts), so that the next read stages them as ids and the next plan skips them.
 * Only an apply records: a dry run changes nothing. A person changed since the plan read them
 * keeps no digest, and is planned again next time.
 */
export async function recordUnchangedDigests(db: Queryable, runId: string): Promise<void> {
  const { rows } = await db.query<{ hi: number | null }>(
    `select max(seq) as hi from sync_plan_item
      where run_id = $1 and action = 'unchanged' and digest is not null`,
    [runId],
  );
  const hi = rows[0]?.hi ?? 0;
  for (let lo = 0; lo < hi; lo += CHUNK)
    await db.query(RECORD_SQL, [runId, lo, Math.min(hi, lo + CHUNK)]);
}
