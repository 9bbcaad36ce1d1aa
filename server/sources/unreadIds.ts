import type { DigestSet } from './entryDigest.ts';
import type { ReadIds } from './readIds.ts';
import type { Queryable } from './reconcile/plan.ts';

/**
 * Ids of the source the read may not have returned: its people (and its entries that match
 * nobody) neither staged nor holding a digest the read met. A digest is written only by a run
 * of its own source, under the source's lock, and forgotten (set null) by any other change of
 * the person: so a person whose digest is still set holds the digest the read started from,
 * and if the read met it, it returned their entry (the digest covers the entry's id). Who is
 * left is a person whose digest was forgotten during the read, or who has none, or whose
 * digest was not met; their ids are checked against the ids read.
 */
const CANDIDATES_SQL = `
select u.external_id from app_user u
 where u.source_id = $1 and u.external_id is not null
   and not exists (select 1 from sync_staging st where st.run_id = $2 and st.external_id = u.external_id)
   and (u.sync_digest is null or u.sync_digest in (select unnest($3::uuid[])))
union
select e.external_id from sync_unmatched_entry e
 where e.source_id = $1
   and not exists (select 1 from sync_staging st where st.run_id = $2 and st.external_id = e.external_id)`;

// Ids per insert: one statement per chunk, from an array.
const CHUNK = 10_000;

/**
 * After a full read that kept its unchanged entries' ids in memory instead of staging them
 * (stageRead.ts): lists in `sync_absence` every id of the source's people and unmatched
 * entries that the read did not return, so the plan tells who left from that list (plan.ts,
 * `NotRead`). At a million people and nothing changed, the list is those who left and a query
 * finds them, where staging a million ids took several seconds of the read. Returns how many
 * ids were listed.
 */
export async function listUnread(
  db: Queryable,
  runId: string,
  sourceId: string,
  recorded: DigestSet,
  read: ReadIds,
): Promise<number> {
  const { rows } = await db.query<{ external_id: string }>(CANDIDATES_SQL, [
    sourceId,
    runId,
    recorded.unmet(),
  ]);
  const unread = rows.map((row) => row.external_id).filter((id) => !read.has(id));
  for (let at = 0; at < unread.length; at += CHUNK)
    await db.query(
      `insert into sync_absence (run_id, external_id)
       select $1, x from unnest($2::text[]) x on conflict (run_id, external_id) do nothing`,
      [runId, unread.slice(at, at + CHUNK)],
    );
  return unread.length;
}
