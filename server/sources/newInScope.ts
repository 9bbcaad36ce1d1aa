import type { Queryable } from '../db/queryable.ts';
import type { KnownDigests } from './entryDigest.ts';
import { type ReadProgress, stagePipelined } from './stageRead.ts';
import type { DirectoryReader } from './types.ts';

/**
 * SQL: the id `id` of source `$2` is one the service has no word for, so a full read would plan
 * it: nobody of the source holds it (a person deactivated by the source, whose digest was
 * forgotten, counts as nobody: they may be back), and no plan recorded it as an entry it does
 * not create (a disabled account never created) or left as a conflict with nobody linked (a
 * login taken, a proposal awaiting a decision; both in sync_unmatched_entry). Such an id came
 * into scope with no change of its own: added to a group the user filter requires (memberOf is
 * a back link; AD changes the group, not the person). Two probes of primary keys per id.
 */
const unrecorded = (id: string) => `
    not exists (select 1 from sync_unmatched_entry e where e.source_id = $2 and e.external_id = ${id})
    and not exists (select 1 from app_user u where u.source_id = $2 and u.external_id = ${id}
                      and (u.status <> 'deactivated' or u.sync_digest is not null))`;

// The run's enumerated ids (sync_absence) that its read did not stage and nobody recorded.
const ENUMERATED_SQL = `
select a.external_id from sync_absence a
 where a.run_id = $1
   and not exists (select 1 from sync_staging st where st.run_id = $1 and st.external_id = a.external_id)
   and ${unrecorded('a.external_id')}`;

// Of the given ids, those nobody recorded.
const AMONG_SQL = `
select m.id as external_id from unnest($1::text[]) m(id) where ${unrecorded('m.id')}`;

/**
 * Of these ids in scope (a watch's read of the access group's members), those the service has
 * no word for (see `unrecorded`): people who joined the scope with no change of their own.
 */
export async function newInScopeAmong(
  db: Queryable,
  sourceId: string,
  externalIds: ReadonlySet<string>,
): Promise<string[]> {
  if (externalIds.size === 0) return [];
  const { rows } = await db.query<{ external_id: string }>(AMONG_SQL, [[...externalIds], sourceId]);
  return rows.map((row) => row.external_id);
}

/**
 * After an incremental read that enumerated every id in scope (generic LDAP on every run; AD
 * when a group the user filter names changed): the ids its pages did not return and the service
 * has no word for are read by id and staged, so the plan creates (or reactivates) whoever joined
 * the scope without a change of their own, as the next full read would. Without it someone
 * added to the access group waited for the nightly full run. Returns how many ids were read
 * again, or `cancelled`. Any failure throws, as the read's.
 */
export async function stageNewInScope(
  db: Queryable,
  runId: string,
  sourceId: string,
  reader: DirectoryReader,
  progress: ReadProgress,
  cancelled: () => Promise<boolean>,
  known: KnownDigests | null,
): Promise<number | 'cancelled'> {
  if (!reader.readPeople) return 0;
  const { rows } = await db.query<{ external_id: string }>(ENUMERATED_SQL, [runId, sourceId]);
  if (rows.length === 0) return 0;
  const pages = reader.readPeople(rows.map((row) => row.external_id));
  const finished = await stagePipelined(db, runId, pages, progress, cancelled, known);
  return finished ? rows.length : 'cancelled';
}
