import {
  AndFilter,
  type Client,
  Control,
  type Entry,
  EqualityFilter,
  type Filter,
  OrFilter,
} from 'ldapts';
import { closeQuietly, connectBound } from '../../identity/ldap/client.ts';
import type { DirectorySource } from '../../shared/config/directorySources.ts';
import { dnWithinAny } from '../../shared/dn.ts';
import { planNote } from '../reconcile/notes.ts';
import type { AbsenceRead, AbsentId, DeletionDetection } from '../types.ts';
import { usnWindowTerms } from './adState.ts';
import { searchBases } from './bases.ts';
import { suffixesHolding } from './changeSequence.ts';
import { filterGroupChanged, filterGroupsOf } from './filterGroups.ts';
import { entryGuid, objectGuidFilter } from './guid.ts';
import { idAttributeOf } from './mapping.ts';
import { pagedSearch } from './pagedSearch.ts';
import { IDS_PER_FILTER } from './readPeople.ts';

/**
 * How an incremental read finds people who left the source (issue 13):
 *
 * - **AD**: a deleted object leaves the source's OU and becomes a tombstone under
 *   `CN=Deleted Objects,<domain>`, visible only with the Show Deleted control and only to an
 *   account allowed to list that container. Without the right AD answers zero entries and no
 *   error (KB 892806), so the right is probed first (probeTombstones). A person moved out of the
 *   base DNs (to an OU such as «Уволенные», outside every one of them) is an ordinary entry
 *   whose uSNChanged moved: every user changed since the cursor, domain-wide, ids only, that
 *   the read did not return is gone (the engine drops those it staged; someone moved to
 *   another of the base DNs is read under it). DirSync needs a replication right security teams
 *   rarely grant, or, with its object-security flag (which the change watch uses for the access
 *   group's members, dirSync.ts), returned no tombstones to a plain account.
 * - **Generic LDAP**: no tombstones and no change number common to every server, so every
 *   incremental run enumerates the ids in scope (the id attribute only, paged): people of the
 *   source neither among them nor read are gone. The engine compares the sets in PostgreSQL.
 *   A run for a few people (the change watch's) looks each up by id in the whole tree instead
 *   (ldapGoneOf).
 */

/** LDAP_SERVER_SHOW_DELETED_OID: searches also return deleted objects (tombstones). */
const SHOW_DELETED_OID = '1.2.840.113556.1.4.417';

/** The Show Deleted control: a search with it also returns tombstones. */
export const showDeleted = () => new Control(SHOW_DELETED_OID, { critical: true });

/** The domain's naming context (rootDSE `defaultNamingContext`): where `CN=Deleted Objects` is. */
export async function namingContext(client: Client): Promise<string> {
  const { searchEntries } = await client.search('', {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['defaultNamingContext'],
  });
  const value = searchEntries[0]?.defaultNamingContext;
  const nc = Array.isArray(value) ? value[0] : value;
  if (nc === undefined || nc.length === 0)
    throw new Error('the rootDSE has no defaultNamingContext: not an AD DC?');
  return nc.toString();
}

const deletedObjectsOf = (nc: string) => `CN=Deleted Objects,${nc}`;

function textOf(value: Entry[string] | undefined): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? null : first.toString();
}

/**
 * Whether the bound account can see tombstones: the `CN=Deleted Objects` container read with the
 * Show Deleted control. Without a grant AD (and Samba) returns the container's DN with no
 * attribute at all, and zero tombstones with no error; with the documented grant (read and list,
 * `LCRP`, on the container) its objectGUID comes back. Reading the container proves the read
 * right only: list is assumed from the documented grant, which gives both (a zero-entry listing
 * is indistinguishable from "no deletions").
 */
async function probeTombstones(client: Client, nc: string): Promise<DeletionDetection> {
  const container = deletedObjectsOf(nc);
  let entry: Entry | undefined;
  try {
    const { searchEntries } = await client.search(
      container,
      {
        scope: 'base',
        filter: '(objectClass=*)',
        attributes: ['objectGUID'],
        explicitBufferAttributes: ['objectGUID'],
      },
      [showDeleted()],
    );
    entry = searchEntries[0];
  } catch (error) {
    // A DC that hides the container entirely answers noSuchObject: not permitted either.
    if ((error as { code?: unknown }).code !== 0x20) throw error;
  }
  if (entry && entryGuid(entry) !== null)
    return {
      permitted: true,
      method: 'tombstones',
      message: `deletions are detected through the tombstones in ${container}`,
    };
  return {
    permitted: false,
    method: 'tombstones',
    message: `deletion detection not permitted: the service account cannot list ${container} (grant it read and list on that container, see docs/directory-sync.md); people deleted in the directory are deactivated only by the nightly full run`,
  };
}

/**
 * Where the bound account sees the domain's tombstones (`CN=Deleted Objects`), or null when it
 * may not (see probeTombstones).
 */
export async function visibleTombstones(client: Client): Promise<string | null> {
  const nc = await namingContext(client);
  return (await probeTombstones(client, nc)).permitted ? deletedObjectsOf(nc) : null;
}

/** A user's tombstone as the id of someone deleted, with where they were when known. */
function tombstoneAbsence(entry: Entry): AbsentId[] {
  const externalId = entryGuid(entry);
  const parent = textOf(entry.lastKnownParent);
  return externalId === null
    ? []
    : [
        {
          externalId,
          reason: `deleted in the directory${parent ? ` (was in ${parent})` : ''}`,
          note: parent
            ? planNote('deleted_in_directory_from', { parent })
            : planNote('deleted_in_directory'),
        },
      ];
}

/** The attributes read of a user's tombstone. */
const TOMBSTONE_ATTRIBUTES = ['objectGUID', 'lastKnownParent'];

/**
 * AD: the users `among` names (a USN window, or a list of objectGUIDs) as ids of people gone:
 * their tombstones, where the account may see them, and their live entries anywhere in the
 * domain, which are out of scope unless the run read them (the engine drops ids it staged).
 */
async function* goneAmong(
  client: Client,
  source: DirectorySource,
  nc: string,
  detection: DeletionDetection,
  among: Filter[],
): AsyncGenerator<AbsentId[]> {
  const user = new EqualityFilter({ attribute: 'objectClass', value: 'user' });
  if (detection.permitted)
    for await (const entries of pagedSearch(client, source, {
      base: deletedObjectsOf(nc),
      scope: 'one',
      // Tombstones keep objectClass (objectCategory is stripped). Matched to the source by
      // objectGUID in PostgreSQL, not by lastKnownParent under one of the base DNs: someone moved
      // out of the base DNs and deleted within one interval has a lastKnownParent outside all of
      // them and must still go (lastKnownParent only explains the reason).
      filter: new AndFilter({
        filters: [new EqualityFilter({ attribute: 'isDeleted', value: 'TRUE' }), user, ...among],
      }),
      attributes: TOMBSTONE_ATTRIBUTES,
      binary: ['objectGUID'],
      controls: [showDeleted()],
    })) {
      const ids = entries.flatMap(tombstoneAbsence);
      if (ids.length > 0) yield ids;
    }
  for await (const entries of pagedSearch(client, source, {
    base: nc,
    filter: new AndFilter({ filters: [user, ...among] }),
    attributes: ['objectGUID'],
    binary: ['objectGUID'],
  })) {
    const ids = entries.flatMap((entry) => liveAbsence(source, entry));
    if (ids.length > 0) yield ids;
  }
}

/**
 * A user entry the read did not return, as the id of someone gone: moved out of the base DNs,
 * or, under one of them, no longer matching the user filter. Out of scope means outside every
 * base DN: a person moved from one base to another is read by the pages under the new one, and
 * the engine drops ids the read staged.
 */
function liveAbsence(
  source: DirectorySource,
  entry: Entry,
  externalId: string | null = entryGuid(entry),
): AbsentId[] {
  if (externalId === null) return [];
  // The reason's wording: a source with one base DN reads as before.
  const bases = source.baseDns.length === 1 ? 'DN' : 'DNs';
  const within = dnWithinAny(entry.dn, source.baseDns);
  const reason = within
    ? 'no longer matches the user filter'
    : `moved out of the base ${bases} (now ${entry.dn})`;
  const note = within
    ? planNote('filter_no_match')
    : planNote('moved_out_of_base', { dn: entry.dn });
  return [{ externalId, reason, note }];
}

/**
 * Every id in scope (ids only; the same base DNs and filter as a full read): generic LDAP on
 * every incremental run, AD when a group its user filter names changed. A person moved from one
 * base DN to another is still enumerated, under the new one.
 */
async function* presentIds(client: Client, source: DirectorySource): AsyncGenerator<AbsentId[]> {
  const attribute = idAttributeOf(source);
  const ad = source.kind === 'active-directory';
  for await (const entries of searchBases(client, source, {
    filter: source.userFilter,
    attributes: [attribute],
    binary: ad ? [attribute] : [],
  })) {
    const ids = entries.flatMap((entry) => {
      // Lower-cased and trimmed as the reader makes external ids (mapping.ts).
      const id = ad ? entryGuid(entry) : (textOf(entry[attribute])?.trim().toLowerCase() ?? null);
      return id === null ? [] : [{ externalId: id, reason: null }];
    });
    if (ids.length > 0) yield ids;
  }
}

const ENUMERATION: DeletionDetection = {
  permitted: true,
  method: 'enumeration',
  message:
    'deletions and moves out of the base DNs are detected by enumerating the ids in scope on every incremental run',
};

const GROUP_ENUMERATION: DeletionDetection = {
  permitted: true,
  method: 'enumeration',
  message:
    'a group the user filter names changed since the last run: the ids in scope were enumerated',
};

/** What connecting needs from the service. */
export interface AbsenceServices {
  env?: NodeJS.ProcessEnv;
}

function bound(source: DirectorySource, services: AbsenceServices): Promise<Client> {
  return connectBound(source, services.env);
}

/**
 * Whether the source's service account can see deletions, for an administrator ("test
 * connection"): AD needs the right to list `CN=Deleted Objects`; generic LDAP only needs to read
 * the entries it already reads. Connects and binds; throws when it cannot.
 */
export async function probeDeletionDetection(
  source: DirectorySource,
  services: AbsenceServices = {},
): Promise<DeletionDetection> {
  if (source.kind !== 'active-directory') return ENUMERATION;
  const client = await bound(source, services);
  try {
    return await probeTombstones(client, await namingContext(client));
  } finally {
    await closeQuietly(client);
  }
}

/**
 * Opens the absence check of an incremental read, on its own connection (the pages close
 * theirs): AD probes the right to see tombstones first. `usn`: the AD read's window (from the
 * saved cursor + 1 to the highestCommittedUSN read before the pages). The ids close the
 * connection when they end, fail or are left.
 */
export async function openAbsence(
  source: DirectorySource,
  services: AbsenceServices,
  usn: { from: string; to: string } | null,
): Promise<AbsenceRead> {
  if (source.kind !== 'active-directory') {
    const client = await bound(source, services);
    return {
      kind: 'present',
      detection: ENUMERATION,
      ids: closing(client, presentIds(client, source)),
    };
  }
  if (!usn) throw new Error(`source ${source.id}: an AD absence check needs the read's USN window`);
  const groups = filterGroupsOf(source);
  return openAd(source, services, async (client, nc, detection) =>
    // Someone left a group the filter requires (or joined one it excludes) with no change of
    // their own: only the ids in scope tell who no longer matches.
    (await filterGroupChanged(client, source, nc, groups, usn))
      ? { kind: 'present', detection: GROUP_ENUMERATION, ids: presentIds(client, source) }
      : {
          kind: 'gone',
          detection,
          // Bounded above by the cursor read before the pages: an entry changed after it was
          // read (or not) by the pages in a state this search would not see; the next run reads it.
          ids: goneAmong(client, source, nc, detection, usnWindowTerms(usn)),
        },
  );
}

/** AD: the given objectGUIDs as ids of people gone, 100 to a search (objectGUID is indexed). */
async function* goneOf(
  client: Client,
  source: DirectorySource,
  nc: string,
  detection: DeletionDetection,
  externalIds: readonly string[],
): AsyncGenerator<AbsentId[]> {
  const filters = externalIds.flatMap((id) => objectGuidFilter(id) ?? []);
  for (let i = 0; i < filters.length; i += IDS_PER_FILTER)
    yield* goneAmong(client, source, nc, detection, [
      new OrFilter({ filters: filters.slice(i, i + IDS_PER_FILTER) }),
    ]);
}

const BY_ID: DeletionDetection = {
  permitted: true,
  method: 'enumeration',
  message:
    'the people were looked up by id in the whole directory: one found nowhere was deleted, one found outside the base DNs was moved out',
};

/**
 * Generic LDAP: the given ids as ids of people gone, looked up by the id attribute in the
 * naming contexts holding the base DNs (100 to a search): an entry found outside every base DN
 * was moved out, one under a base DN no longer matches the user filter (the engine drops the
 * ids the run read), and an id found nowhere was deleted (no tombstones: the directory's whole
 * tree, as far as the service account may read it, is the evidence).
 */
async function* ldapGoneOf(
  client: Client,
  source: DirectorySource,
  externalIds: readonly string[],
): AsyncGenerator<AbsentId[]> {
  const attribute = idAttributeOf(source);
  const suffixes = (await suffixesHolding(client, source.baseDns)) ?? source.baseDns;
  for (let i = 0; i < externalIds.length; i += IDS_PER_FILTER) {
    const unseen = new Set(externalIds.slice(i, i + IDS_PER_FILTER));
    const gone: AbsentId[] = [];
    const filter = new OrFilter({
      filters: [...unseen].map((value) => new EqualityFilter({ attribute, value })),
    });
    for (const base of suffixes)
      for await (const entries of pagedSearch(client, source, {
        base,
        filter,
        attributes: [attribute],
        binary: [],
      }))
        for (const entry of entries) {
          // Lower-cased and trimmed as the reader makes external ids (mapping.ts).
          const id = textOf(entry[attribute])?.trim().toLowerCase() ?? null;
          if (id !== null && unseen.delete(id)) gone.push(...liveAbsence(source, entry, id));
        }
    for (const externalId of unseen)
      gone.push({
        externalId,
        reason: 'deleted in the directory',
        note: planNote('deleted_in_directory'),
      });
    if (gone.length > 0) yield gone;
  }
}

/**
 * The absence check of a run for the given people only (the change watch's, for accounts it saw
 * out, deleted, moved out of the base DNs or no longer matched by the user filter), on a
 * connection of its own. AD: as an incremental run's check (tombstones, and user entries out of
 * scope), over these objectGUIDs instead of a USN window. Generic LDAP: each looked up by id
 * (ldapGoneOf). The run deactivates on what it read itself, not on the probe's word: an account
 * restored from AD's Recycle Bin, or moved back, is not gone.
 */
export async function openGoneOf(
  source: DirectorySource,
  services: AbsenceServices,
  externalIds: readonly string[],
): Promise<AbsenceRead> {
  if (source.kind !== 'active-directory') {
    const client = await bound(source, services);
    return {
      kind: 'gone',
      detection: BY_ID,
      ids: closing(client, ldapGoneOf(client, source, externalIds)),
    };
  }
  return openAd(source, services, async (client, nc, detection) => ({
    kind: 'gone',
    detection,
    ids: goneOf(client, source, nc, detection, externalIds),
  }));
}

/**
 * AD: connects and binds, reads the naming context and whether the account may see tombstones,
 * and opens the check `open` makes on that connection, which closes when its ids end, fail or
 * are left.
 */
async function openAd(
  source: DirectorySource,
  services: AbsenceServices,
  open: (client: Client, nc: string, detection: DeletionDetection) => Promise<AbsenceRead>,
): Promise<AbsenceRead> {
  const client = await bound(source, services);
  try {
    const nc = await namingContext(client);
    const check = await open(client, nc, await probeTombstones(client, nc));
    return { ...check, ids: closing(client, check.ids) };
  } catch (error) {
    await closeQuietly(client);
    throw error;
  }
}

async function* closing<T>(client: Client, inner: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* inner;
  } finally {
    await closeQuietly(client);
  }
}
