import type { Queryable } from '../../db/queryable.ts';
import type { SyncSource } from '../registry.ts';

// The plan's entries that match nobody and are not created (disabled, or past their last day):
// an 'unchanged' item without a person, nobody proposed in its place, and with a digest (the
// plan gives none to an entry with problems). And its conflicts with nobody linked (a login or
// e-mail taken, a reconnection proposal awaiting a decision), with no digest: never recognized
// unchanged, only known (newInScope.ts). Their keys come from the staged record, as the plan
// compared them, read by one probe of the staging's primary key per entry: a subquery in the
// select list is never turned into a join, which on the estimates of a first sync's unanalyzed
// items could read all of a million staged records to find 30,000.
const RECORD_SQL = `
insert into sync_unmatched_entry (source_id, external_id, digest, employee_id, email, username, outcome)
select $2, i.external_id, i.digest, i.keys[1], i.keys[2], i.keys[3], i.outcome
  from (select p.external_id,
               case when p.action = 'conflict' then null else p.digest end as digest,
               case when p.action = 'conflict' then 'conflict' else 'not_created' end as outcome,
               (select array[st.record->>'employeeId', st.record->>'email', st.record->>'username']
                  from sync_staging st where st.run_id = $1 and st.external_id = p.external_id) as keys
          from sync_plan_item p
         where p.run_id = $1 and p.user_id is null
           and ((p.action = 'unchanged' and p.proposed_user_id is null and p.digest is not null)
                or p.action = 'conflict')
        offset 0) i
on conflict (source_id, external_id) do update
   set digest = excluded.digest, employee_id = excluded.employee_id,
       email = excluded.email, username = excluded.username, outcome = excluded.outcome`;

// A full read returns every entry in scope: the rows of the others describe nothing any more.
// One probe of the staging per kept row, for the same reason as above.
const FORGET_UNREAD_SQL = `
delete from sync_unmatched_entry e
 where e.source_id = $2
   and (select true from sync_staging st
         where st.run_id = $1 and st.external_id = e.external_id) is null`;

/**
 * Records the entries of a directory plan that match nobody and are not created, so the next
 * reads recognize them by digest (entryDigest.ts, loadRecordedDigests) instead of planning them
 * every run: in a directory with many disabled accounts they were most of a no-change run's plan.
 * Its conflicts with nobody linked are recorded as seen, without a digest (newInScope.ts).
 * Runs in the plan's transaction before the staging is released, in a dry run too: a row
 * describes the directory, not a person, and is checked against the people before every read.
 * Nothing for HR sources (their rows carry no digest).
 */
export async function recordUnmatchedEntries(
  db: Queryable,
  runId: string,
  source: SyncSource,
  full: boolean,
): Promise<void> {
  if (source.kind !== 'directory') return;
  // Forgotten first: a first sync then finds nothing to forget.
  if (full) await db.query(FORGET_UNREAD_SQL, [runId, source.id]);
  await db.query(RECORD_SQL, [runId, source.id]);
}
