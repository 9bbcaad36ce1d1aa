import type { Client, Entry } from 'ldapts';
import { closeQuietly, connectClient } from '../../identity/ldap/client.ts';
import { escapeFilterValue } from '../../identity/ldap/filter.ts';
import { bindPasswordOf, type DirectorySource } from '../../identity/ldap/sourceConfig.ts';
import type {
  DirectoryRead,
  DirectoryReader,
  ReadMode,
  SourcePerson,
  SyncCursor,
} from '../types.ts';
import { readAdState } from './adState.ts';
import { IncrementalNotPossibleError } from './errors.ts';
import { formatGeneralizedTime, parseGeneralizedTime } from './generalizedTime.ts';
import { dnKey, groupFilterOf, groupMembers, nestedGroupsOf, nestedMembers } from './groups.ts';
import { attributeMapping, idAttributeOf, requestedAttributes, toSourcePerson } from './mapping.ts';
import { pagedSearch } from './pagedSearch.ts';

/** What a reader needs from the service: the clock (tests move it) and the environment. */
export interface ReaderServices {
  now: () => Date;
  /** Where `bindPasswordEnv` is looked up; process.env when unset. */
  env?: NodeJS.ProcessEnv;
  /** Generic LDAP incremental reads start this much before the cursor (default 5 minutes). */
  modifyTimestampOverlapMs?: number;
}

/** A read of an LDAP/AD source: also names the groups changed since the cursor (incremental). */
export interface LdapDirectoryRead extends DirectoryRead {
  /**
   * Incremental AD reads: groups (matching the group filter) changed since the cursor. AD does not
   * bump a person's uSNChanged when only their group membership changes, so the current direct
   * members of these groups are re-read and yielded too; people REMOVED from them are not
   * visible here — the engine can re-check the people it has recorded in these groups.
   */
  changedGroups: string[];
  /**
   * The current direct members (DNs) of the changed groups that were read (the mapped ones, or
   * all changed groups without mappings): someone recorded in such a group but missing here has
   * left it.
   */
  changedGroupMembers: Map<string, string[]>;
  /**
   * Closes the connection. The pages close it themselves when they end, fail or are left with
   * `break`; call this only when giving up before iterating them at all.
   */
  close(): Promise<void>;
}

/*
 * Cursor timing: AD cursors are complete before the first page (highestCommittedUSN is read first).
 * Generic LDAP has no such counter: `cursor.modifyTimestamp` is raised to the greatest
 * modifyTimestamp as pages pass, so save the cursor only after the last page.
 */

/**
 * Generic LDAP incremental reads start this long before the saved modifyTimestamp: the cursor is
 * the greatest timestamp seen, and an entry changed during a read with an earlier timestamp than
 * one read after it would otherwise be missed. Re-reading a few minutes of changes is harmless.
 */
const MODIFY_TIMESTAMP_OVERLAP_MS = 5 * 60_000;

/** A DirectoryReader whose reads also name the groups changed since the cursor. */
export interface LdapDirectoryReader extends DirectoryReader {
  read(options: { mode: ReadMode; since?: SyncCursor | null }): Promise<LdapDirectoryRead>;
}

/** Reads people from an AD or LDAP source page by page (see server/sources/types.ts). */
export function createDirectoryReader(
  source: DirectorySource,
  services: ReaderServices,
): LdapDirectoryReader {
  return {
    async read({ mode, since }) {
      const client = await connectClient(source);
      try {
        await client.bind(source.bindDn, bindPasswordOf(source, services.env));
        return await startRead(client, source, services, mode, since ?? null);
      } catch (error) {
        await closeQuietly(client);
        throw error;
      }
    },
  };
}

interface Plan {
  filter: string;
  cursor: SyncCursor;
  changedGroups: string[];
  changedGroupMembers: Map<string, string[]>;
  /** Incremental: people to re-read because a group they are in changed. */
  extraDns: string[];
  /** Mapped group DN → member DN keys (nested, or direct for generic LDAP). */
  membership: Map<string, Set<string>>;
}

async function startRead(
  client: Client,
  source: DirectorySource,
  services: ReaderServices,
  mode: ReadMode,
  since: SyncCursor | null,
): Promise<LdapDirectoryRead> {
  const plan =
    source.kind === 'active-directory'
      ? await planAd(client, source, mode, since)
      : planLdap(
          source,
          mode,
          since,
          services.modifyTimestampOverlapMs ?? MODIFY_TIMESTAMP_OVERLAP_MS,
        );
  plan.membership = await mappedMembership(client, source);
  return {
    mode,
    cursor: plan.cursor,
    changedGroups: plan.changedGroups,
    changedGroupMembers: plan.changedGroupMembers,
    pages: pages(client, source, services, plan),
    close: () => closeQuietly(client),
  };
}

async function planAd(
  client: Client,
  source: DirectorySource,
  mode: ReadMode,
  since: SyncCursor | null,
): Promise<Plan> {
  // Before searching: anything committed after this point has a higher USN and is read next time.
  const state = await readAdState(client);
  const cursor: SyncCursor = {
    invocationId: state.invocationId,
    highestCommittedUsn: state.highestCommittedUsn,
  };
  if (mode === 'full')
    return {
      filter: source.userFilter,
      cursor,
      changedGroups: [],
      changedGroupMembers: new Map(),
      extraDns: [],
      membership: new Map(),
    };
  if (
    !since?.invocationId ||
    !since.highestCommittedUsn ||
    !/^\d+$/.test(since.highestCommittedUsn)
  )
    throw new IncrementalNotPossibleError(
      `source ${source.id}: no AD cursor saved; run a full read`,
    );
  if (since.invocationId.toLowerCase() !== state.invocationId.toLowerCase())
    throw new IncrementalNotPossibleError(
      `source ${source.id}: the DC's invocationId changed (${since.invocationId} → ${state.invocationId}: another DC or a restore); run a full read`,
    );
  const from = (BigInt(since.highestCommittedUsn) + 1n).toString();
  const changed: string[] = [];
  for await (const page of pagedSearch(client, source, {
    base: source.groupBaseDn ?? source.baseDn,
    filter: `(&${groupFilterOf(source)}(uSNChanged>=${from}))`,
    attributes: ['1.1'],
  }))
    for (const entry of page) changed.push(entry.dn);
  const mapped = new Set(source.groupMappings.map((mapping) => dnKey(mapping.group)));
  const watched = mapped.size > 0 ? changed.filter((dn) => mapped.has(dnKey(dn))) : changed;
  const extra = new Set<string>();
  const changedGroupMembers = new Map<string, string[]>();
  for (const group of watched) {
    const members = await groupMembers(client, group);
    changedGroupMembers.set(group, members);
    for (const member of members) extra.add(member);
  }
  return {
    filter: `(&${source.userFilter}(uSNChanged>=${from}))`,
    cursor,
    changedGroups: changed,
    changedGroupMembers,
    extraDns: [...extra],
    membership: new Map(),
  };
}

function planLdap(
  source: DirectorySource,
  mode: ReadMode,
  since: SyncCursor | null,
  overlapMs: number,
): Plan {
  const cursor: SyncCursor = since?.modifyTimestamp
    ? { modifyTimestamp: since.modifyTimestamp }
    : {};
  if (mode === 'full')
    return {
      filter: source.userFilter,
      cursor: {},
      changedGroups: [],
      changedGroupMembers: new Map(),
      extraDns: [],
      membership: new Map(),
    };
  const last = since?.modifyTimestamp ? parseGeneralizedTime(since.modifyTimestamp) : null;
  if (!last)
    throw new IncrementalNotPossibleError(
      `source ${source.id}: no modifyTimestamp cursor saved; run a full read`,
    );
  const from = formatGeneralizedTime(new Date(last.getTime() - overlapMs));
  return {
    filter: `(&${source.userFilter}(modifyTimestamp>=${escapeFilterValue(from)}))`,
    cursor,
    changedGroups: [],
    changedGroupMembers: new Map(),
    extraDns: [],
    membership: new Map(),
  };
}

/**
 * Members of the mapped groups, read once per run: AD with `nestedGroups` asks AD for the whole
 * chain per group; generic LDAP reads each group's member values (servers without a memberOf
 * overlay have no other way). AD without `nestedGroups` relies on memberOf alone.
 */
async function mappedMembership(
  client: Client,
  source: DirectorySource,
): Promise<Map<string, Set<string>>> {
  const membership = new Map<string, Set<string>>();
  for (const { group } of source.groupMappings) {
    if (source.kind === 'active-directory') {
      if (source.nestedGroups) membership.set(group, await nestedMembers(client, source, group));
      continue;
    }
    const { searchEntries } = await client.search(group, {
      scope: 'base',
      filter: '(objectClass=*)',
      attributes: ['member', 'uniqueMember'],
    });
    const entry = searchEntries[0];
    if (!entry) throw new Error(`mapped group ${group} not found in ${source.id}`);
    const keys = new Set<string>();
    for (const name of ['member', 'uniqueMember']) {
      const raw = entry[name];
      for (const value of Array.isArray(raw) ? raw : raw === undefined ? [] : [raw])
        keys.add(dnKey(value.toString()));
    }
    membership.set(group, keys);
  }
  return membership;
}

/** The pages; the client is closed when they end, fail, or the consumer stops early. */
async function* pages(
  client: Client,
  source: DirectorySource,
  services: ReaderServices,
  plan: Plan,
): AsyncGenerator<SourcePerson[]> {
  const mapping = attributeMapping(source);
  const attributes = requestedAttributes(source);
  const binary = source.kind === 'active-directory' ? [idAttributeOf(source)] : [];
  const seen = new Set<string>();
  const convert = async (entries: Entry[]) => {
    const now = services.now();
    const people = entries.map((entry) => toSourcePerson(source, mapping, entry, now));
    await addGroups(client, source, plan.membership, people);
    if (source.kind === 'ldap') advanceTimestampCursor(plan.cursor, entries);
    return people;
  };
  try {
    for await (const entries of pagedSearch(client, source, {
      base: source.baseDn,
      filter: plan.filter,
      attributes,
      binary,
    })) {
      if (plan.extraDns.length > 0) for (const entry of entries) seen.add(dnKey(entry.dn));
      if (entries.length > 0) yield await convert(entries);
    }
    const extra = plan.extraDns.filter((dn) => !seen.has(dnKey(dn)));
    for (let i = 0; i < extra.length; i += source.pageSize) {
      const entries = await Promise.all(
        extra
          .slice(i, i + source.pageSize)
          .map((dn) => readPerson(client, source, dn, attributes, binary)),
      );
      const found = entries.filter((entry): entry is Entry => entry !== null);
      if (found.length > 0) yield await convert(found);
    }
  } finally {
    await closeQuietly(client);
  }
}

/** One entry by DN if it matches the user filter (a group member may be a computer or a group). */
async function readPerson(
  client: Client,
  source: DirectorySource,
  dn: string,
  attributes: string[],
  binary: string[],
): Promise<Entry | null> {
  const { searchEntries } = await client.search(dn, {
    scope: 'base',
    filter: source.userFilter,
    attributes,
    explicitBufferAttributes: binary,
  });
  return searchEntries[0] ?? null;
}

/** Adds mapped groups (nested or read from group entries) and, when asked, per-person nested groups. */
async function addGroups(
  client: Client,
  source: DirectorySource,
  membership: Map<string, Set<string>>,
  people: SourcePerson[],
): Promise<void> {
  if (
    source.kind === 'active-directory' &&
    source.nestedGroups &&
    source.groupMappings.length === 0
  ) {
    // No mapped groups to ask about: one IN_CHAIN query per person, pipelined on the connection.
    await Promise.all(
      people.map(async (person) => {
        person.groups = merge(person.groups, await nestedGroupsOf(client, source, person.locator));
      }),
    );
    return;
  }
  if (membership.size === 0) return;
  for (const person of people) {
    const key = dnKey(person.locator);
    const extra: string[] = [];
    for (const [group, members] of membership) if (members.has(key)) extra.push(group);
    if (extra.length > 0) person.groups = merge(person.groups, extra);
  }
}

function merge(groups: string[], more: string[]): string[] {
  const keys = new Set(groups.map(dnKey));
  const out = [...groups];
  for (const group of more)
    if (!keys.has(dnKey(group))) {
      keys.add(dnKey(group));
      out.push(group);
    }
  return out;
}

const CANONICAL_TIME = /^\d{14}Z$/;

/** `YYYYMMDDHHMMSSZ` (sorts as text); other GeneralizedTime forms are converted, junk is null. */
function canonicalTime(value: string): string | null {
  if (CANONICAL_TIME.test(value)) return value;
  const date = parseGeneralizedTime(value);
  return date ? formatGeneralizedTime(date) : null;
}

/** Generic LDAP: the cursor becomes the greatest modifyTimestamp read so far. */
function advanceTimestampCursor(cursor: SyncCursor, entries: Entry[]): void {
  // Compared as canonical text: no Date per entry on a 100k read.
  let best = cursor.modifyTimestamp ? (canonicalTime(cursor.modifyTimestamp) ?? '') : '';
  for (const entry of entries) {
    const raw =
      entry.modifyTimestamp ??
      Object.entries(entry).find(([key]) => key.toLowerCase() === 'modifytimestamp')?.[1];
    const value = Array.isArray(raw) ? raw[0] : raw;
    const time = value === undefined ? null : canonicalTime(value.toString());
    if (time !== null && time > best) best = time;
  }
  if (best !== '') cursor.modifyTimestamp = best;
}
