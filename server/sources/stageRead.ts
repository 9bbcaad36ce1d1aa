import { entryDigest, type KnownDigests } from './entryDigest.ts';
import { mappingParams } from './reconcile/groupMappings.ts';
import {
  type NormalizedPage,
  normalizePage,
  type Queryable,
  stageNormalized,
  stageUnchanged,
} from './reconcile/plan.ts';
import type { SyncSource } from './registry.ts';
import type { DirectoryRead, DirectoryReader, SourcePerson } from './types.ts';

/** How far a run's read got: entries staged so far (reported when the read fails midway). */
export interface ReadProgress {
  entries: number;
  /** Of them, entries recognized unchanged by their digest: staged as ids, not planned. */
  unchanged: number;
}

/** A page ready to stage: the entries to plan, and the ids of those recognized unchanged. */
interface PreparedPage {
  changed: NormalizedPage;
  unchanged: string[];
}

/**
 * Sorts a page by digest (entryDigest.ts) and normalizes what must be planned. A repeated id
 * keeps its last entry, whichever side it falls on. Without `known`, every entry is planned
 * and none carries a digest (HR sources).
 */
async function preparePage(
  page: readonly SourcePerson[],
  known: KnownDigests | null,
): Promise<PreparedPage> {
  if (!known) return { changed: await normalizePage(page), unchanged: [] };
  // Nothing recorded yet (a first sync): every entry is planned, and normalizePage keeps the
  // last of a repeated id with its digest.
  if (known.recorded.size === 0) {
    const digests = page.map((person) => entryDigest(known.fingerprint, person));
    return { changed: await normalizePage(page, digests), unchanged: [] };
  }
  const { changed, digests, unchanged } = splitByDigest(page, known);
  return { changed: await normalizePage(changed, digests), unchanged };
}

/** A page split by digest: what preparePage plans, and what it stages as ids only. */
export interface DigestSplit {
  /** Entries whose digest nobody recorded, and their digests in the same order. */
  changed: SourcePerson[];
  digests: string[];
  /** Ids of entries whose digest a person (or an unmatched entry) recorded. */
  unchanged: string[];
}

/**
 * Sorts a page's entries by their digest against `known` (entryDigest.ts). A repeated id keeps
 * its last entry. Exported for the sync benchmark, which times this check apart from staging.
 */
export function splitByDigest(page: readonly SourcePerson[], known: KnownDigests): DigestSplit {
  const last = new Map<string, SourcePerson>();
  for (const person of page) last.set(person.externalId, person);
  const split: DigestSplit = { changed: [], digests: [], unchanged: [] };
  for (const person of last.values()) {
    const digest = entryDigest(known.fingerprint, person);
    if (known.recorded.has(digest)) split.unchanged.push(person.externalId);
    else {
      split.changed.push(person);
      split.digests.push(digest);
    }
  }
  return split;
}

async function stagePrepared(
  db: Queryable,
  runId: string,
  page: PreparedPage,
  progress: ReadProgress,
): Promise<void> {
  progress.entries += await stageNormalized(db, runId, page.changed);
  const unchanged = await stageUnchanged(db, runId, page.unchanged);
  progress.entries += unchanged;
  progress.unchanged += unchanged;
}

/**
 * Stages every page of a read as a pipeline: the source prepares page n + 2 (LDAP round trip,
 * decoding, mapping) while this process normalizes page n + 1 and PostgreSQL stages page n.
 * Pages are staged one at a time and in order (a later entry of the same id wins). With
 * `known`, an entry whose digest a person recorded is staged as its id only (preparePage).
 * Returns false when `cancelled` said so after a page. A failing page or staging throws; the
 * reader is left (its connection closed) either way, and no staging statement is left running.
 */
export async function stagePipelined(
  db: Queryable,
  runId: string,
  pages: AsyncIterable<SourcePerson[]>,
  progress: ReadProgress,
  cancelled: () => Promise<boolean>,
  known: KnownDigests | null = null,
): Promise<boolean> {
  let staging: Promise<void> = Promise.resolve();
  try {
    const finished = await consumePipelined(
      pages,
      async (page) => {
        const prepared = await preparePage(page, known);
        await staging;
        staging = stagePrepared(db, runId, prepared, progress);
        // Awaited before the next page is staged or at the end; until then a failure must not
        // count as unhandled.
        staging.catch(() => {});
      },
      cancelled,
    );
    await staging;
    return finished;
  } catch (error) {
    await staging.catch(() => {});
    throw error;
  }
}

/**
 * Hands every item of `items` to `handle` with the next item already requested, so the source
 * works while `handle` waits on PostgreSQL. Returns false when `cancelled` said so after an item,
 * true at the end. A failing item or handler throws; the iterator is closed (its connection
 * released) either way.
 */
export async function consumePipelined<T>(
  items: AsyncIterable<T>,
  handle: (item: T) => Promise<void>,
  cancelled: () => Promise<boolean>,
): Promise<boolean> {
  const iterator = items[Symbol.asyncIterator]();
  let done = false;
  try {
    let next = iterator.next();
    for (;;) {
      const result = await next;
      if (result.done) {
        done = true;
        return true;
      }
      next = iterator.next();
      // Awaited on the next turn; until then a failure must not count as unhandled.
      next.catch(() => {});
      await handle(result.value);
      if (await cancelled()) return false;
    }
  } finally {
    if (!done) await iterator.return?.(undefined).catch(() => undefined);
  }
}

// People of the source in a space or organization the changed groups map to, not staged yet.
// Names are lower-cased by PostgreSQL on both sides (as the plan does): its lower() and
// JavaScript's need not agree outside ASCII under every database locale.
const LEAVERS_SQL = `
select u.external_id
  from space s join space_member sm on sm.space_id = s.id join app_user u on u.id = sm.user_id
 where lower(s.name) in (select lower(x) from unnest($2::text[]) x) and u.source_id = $1 and u.external_id is not null
   and not exists (select 1 from sync_staging st where st.run_id = $4 and st.external_id = u.external_id)
union
select u.external_id
  from organization o join app_user u on u.organization_id = o.id
 where lower(o.name) in (select lower(x) from unnest($3::text[]) x) and u.source_id = $1 and u.external_id is not null
   and not exists (select 1 from sync_staging st where st.run_id = $4 and st.external_id = u.external_id)`;

/**
 * After an incremental read whose mapped groups changed: the people the source has in those
 * groups' mapped spaces (or their mapped organization) who were not read — those may have LEFT
 * a group, which changes the group and not them — are re-read by id and staged, so the plan
 * recomputes their spaces and organization from their current groups. People the source no
 * longer returns stay as they are (only a full read deactivates). Returns false if cancelled.
 */
export async function stageGroupLeavers(
  db: Queryable,
  runId: string,
  source: SyncSource,
  read: DirectoryRead,
  reader: DirectoryReader,
  progress: ReadProgress,
  cancelled: () => Promise<boolean>,
  known: KnownDigests | null = null,
): Promise<boolean> {
  const changed = new Set(
    (read.changedGroups?.() ?? []).map((dn) => dn.normalize('NFC').trim().toLowerCase()),
  );
  if (read.mode !== 'incremental' || changed.size === 0 || !reader.readPeople) return true;
  const mappings = mappingParams(source).mappings.filter((m) => changed.has(m.group));
  const spaces = [...new Set(mappings.flatMap((m) => m.spaces))];
  const orgs = [...new Set(mappings.flatMap((m) => m.organization ?? []))];
  if (spaces.length === 0 && orgs.length === 0) return true;
  const { rows } = await db.query<{ external_id: string }>(LEAVERS_SQL, [
    source.id,
    spaces,
    orgs,
    runId,
  ]);
  if (rows.length === 0) return true;
  return stagePipelined(
    db,
    runId,
    reader.readPeople(rows.map((row) => row.external_id)),
    progress,
    cancelled,
    known,
  );
}
