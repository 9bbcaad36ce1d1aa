import type { Client, Entry } from 'ldapts';
import { dateToFiletime } from '../../identity/ldap/accountState.ts';
import { closeQuietly, connectBound } from '../../identity/ldap/client.ts';
import { escapeFilterValue } from '../../identity/ldap/filter.ts';
import type { DirectorySource } from '../../shared/config/directorySources.ts';
import { dnWithinAny } from '../../shared/dn.ts';
import type {
  DirectoryRead,
  DirectoryReader,
  ReadMode,
  SourcePerson,
  SyncCursor,
} from '../types.ts';
import { openAbsence, openGoneOf } from './absence.ts';
import { readAdState } from './adState.ts';
import { searchBases } from './bases.ts';
import { csnSinceFilter, csnVectorProblem, readContextCsn } from './changeSequence.ts';
import { IncrementalNotPossibleError } from './errors.ts';
import { formatGeneralizedTime, parseGeneralizedTime } from './generalizedTime.ts';
import {
  adGroupChanges,
  advanceTimestampCursor,
  type GroupChanges,
  ldapGroupChanges,
} from './groupChanges.ts';
import { dnKey } from './groups.ts';
import { attributeMapping, idAttributeOf, requestedAttributes, toSourcePerson } from './mapping.ts';
import { addGroups, mappedMembership } from './membership.ts';
import type { PageRetry } from './pagedSearch.ts';
import { readPeopleByIds } from './readPeople.ts';

/** What a reader needs from the service: the clock (tests move it) and the environment. */
export interface ReaderServices {
  now: () => Date;
  /** Where `bindPasswordEnv` is looked up; process.env when unset. */
  env?: NodeJS.ProcessEnv;
  /** Generic LDAP incremental reads start this much before the cursor (default 5 minutes). */
  modifyTimestampOverlapMs?: number;
  /**
   * Generic LDAP: `modifyTimestamp` finds changes by modifyTimestamp even where the server has
   * contextCSN (the returned cursor still carries the contextCSN). For benchmarks comparing the
   * two paths; default `auto` (entryCSN where the server keeps contextCSN).
   */
  ldapChangeTracking?: 'auto' | 'modifyTimestamp';
  /** Told of a page read again after a transient failure (the service's logger). */
  logger?: { warn(details: object, message: string): void };
  /** Retries of one failed page (pagedSearch.ts defaults); tests shorten the wait. */
  pageRetry?: { attempts?: number; backoffMs?: number };
}

/** A read of an LDAP/AD source: also names the mapped groups changed since the cursor. */
export interface LdapDirectoryRead extends DirectoryRead {
  /** Incremental reads: the mapped groups changed since the cursor (see DirectoryRead). */
  changedGroups: () => string[];
  /**
   * The current members (DNs, people matching the user filter for AD) of each changed mapped
   * group, complete once the pages are consumed: someone recorded in such a group but missing
   * here has left it.
   */
  changedGroupMembers: Map<string, string[]>;
  /**
   * Closes the connection. The pages close it themselves when they end, fail or are left with
   * `break`; call this only when giving up before iterating them at all.
   */
  close(): Promise<void>;
}

/*
 * Cursor timing: AD cursors are complete before the first page (highestCommittedUSN is read first),
 * and so are OpenLDAP's contextCSN vectors (changeSequence.ts). `cursor.modifyTimestamp` is
 * raised to the greatest modifyTimestamp as pages pass, so save the cursor only after the last
 * page.
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
  readPeople(externalIds: readonly string[]): AsyncIterable<SourcePerson[]>;
}

/** Reads people from an AD or LDAP source page by page (see server/sources/types.ts). */
export function createDirectoryReader(
  source: DirectorySource,
  services: ReaderServices,
): LdapDirectoryReader {
  return {
    async read({ mode, since }) {
      const client = await openBound(source, services);
      try {
        return await startRead(client, source, services, mode, since ?? null);
      } catch (error) {
        await closeQuietly(client);
        throw error;
      }
    },
    readPeople: (externalIds) => readPeopleByIds(source, services, externalIds),
    readGone: (externalIds) => openGoneOf(source, services, externalIds),
  };
}

/** A new connection, bound as the source's service account (StartTLS first where configured). */
function openBound(source: DirectorySource, services: ReaderServices): Promise<Client> {
  return connectBound(source, services.env);
}

interface Plan {
  filter: string;
  cursor: SyncCursor;
  groups: GroupChanges;
  /** Mapped group DN → member DN keys (nested, or direct for generic LDAP). */
  membership: Map<string, Set<string>>;
  /** AD incremental reads: the first USN after the saved cursor (the absence check's window). */
  usnFrom?: string;
  /** AD incremental reads: the accounts that expired since the last read (expiredSince()). */
  expiredFilter?: string;
}

async function startRead(
  client: Client,
  source: DirectorySource,
  services: ReaderServices,
  mode: ReadMode,
  since: SyncCursor | null,
): Promise<LdapDirectoryRead> {
  const membership = await mappedMembership(client, source);
  const plan =
    source.kind === 'active-directory'
      ? await planAd(client, source, services.now(), mode, since)
      : await planLdap(client, source, services, mode, since, membership.memberDns);
  plan.membership = membership.keys;
  const usnTo = plan.cursor.highestCommittedUsn;
  const usn = plan.usnFrom && usnTo ? { from: plan.usnFrom, to: usnTo } : null;
  return {
    mode,
    cursor: plan.cursor,
    changedGroups: () => [...plan.groups.changed],
    changedGroupMembers: plan.groups.memberDns,
    pages: pages(client, source, services, plan),
    close: () => closeQuietly(client),
    ...(mode === 'incremental' ? { absence: () => openAbsence(source, services, usn) } : {}),
  };
}

async function planAd(
  client: Client,
  source: DirectorySource,
  now: Date,
  mode: ReadMode,
  since: SyncCursor | null,
): Promise<Plan> {
  // Before searching: anything committed after this point has a higher USN and is read next time.
  const state = await readAdState(client);
  const cursor: SyncCursor = {
    invocationId: state.invocationId,
    highestCommittedUsn: state.highestCommittedUsn,
    readAt: now.toISOString(),
  };
  const none = { changed: [], memberSearches: [], memberDns: new Map() };
  if (mode === 'full')
    return { filter: source.userFilter, cursor, groups: none, membership: new Map() };
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
  return {
    filter: `(&${source.userFilter}(uSNChanged>=${from}))`,
    cursor,
    groups: await adGroupChanges(client, source, from),
    membership: new Map(),
    usnFrom: from,
    expiredFilter: `(&${source.userFilter}${expiredSince(since, now)})`,
  };
}

/**
 * How far before the last read's start an incremental read looks for expired accounts: the
 * service's clock may have stepped back since, and an entry read twice is recognized unchanged.
 */
const EXPIRY_OVERLAP_MS = 5 * 60_000;

/** The window of a cursor saved without `readAt` (before it was kept): a day, and an hour more. */
const EXPIRY_WINDOW_WITHOUT_CURSOR_MS = 25 * 3_600_000;

/**
 * The filter part selecting accounts whose `accountExpires` fell since the last read and by
 * `now`: AD does not count an account's expiry as a change, so the uSNChanged search never
 * returns it, and without this search an expired account would stay active, with its sessions,
 * until the next full read. The mapping (mapping.ts) then finds it expired, and the plan
 * deactivates it. "Never" (0 and 2^63 − 1) is outside any window.
 */
function expiredSince(since: SyncCursor, now: Date): string {
  const last = since.readAt ? Date.parse(since.readAt) : Number.NaN;
  const start = Number.isNaN(last)
    ? now.getTime() - EXPIRY_WINDOW_WITHOUT_CURSOR_MS
    : Math.min(last, now.getTime()) - EXPIRY_OVERLAP_MS;
  const from = dateToFiletime(new Date(start));
  const to = dateToFiletime(now);
  return `(accountExpires>=${from})(accountExpires<=${to})`;
}

async function planLdap(
  client: Client,
  source: DirectorySource,
  services: ReaderServices,
  mode: ReadMode,
  since: SyncCursor | null,
  memberDns: Map<string, string[]>,
): Promise<Plan> {
  // Before searching, like AD's USN: a change committed after this point has a greater CSN and
  // is read next time, however long this read takes.
  const contextCsn = await readContextCsn(client, source.baseDns);
  const cursor: SyncCursor = contextCsn
    ? { ldapTracking: 'entryCSN', contextCsn }
    : { ldapTracking: 'modifyTimestamp' };
  const none = { changed: [], memberSearches: [], memberDns: new Map() };
  if (mode === 'full')
    return { filter: source.userFilter, cursor, groups: none, membership: new Map() };
  if (since?.modifyTimestamp) cursor.modifyTimestamp = since.modifyTimestamp;
  const filter = sinceFilter(source, services, since, contextCsn);
  return {
    filter: `(&${source.userFilter}${filter})`,
    cursor,
    groups: await ldapGroupChanges(client, source, filter, cursor, memberDns),
    membership: new Map(),
  };
}

/**
 * The filter part selecting entries changed since the saved cursor: by entryCSN when the cursor
 * has a contextCSN vector the server can continue; else by modifyTimestamp, starting a few
 * minutes before it (a cursor saved before the server kept contextCSN: this run reads by time,
 * and its cursor, read at its start, lets the next one read by entryCSN). A saved entryCSN
 * cursor that cannot continue (contextCSN gone: syncprov removed, an ACL, another server; a new
 * server id; a CSN gone back) is a full read, not the modifyTimestamp path: whatever changed on
 * the server may also have lost or re-dated changes, and only a full read notices.
 */
function sinceFilter(
  source: DirectorySource,
  services: ReaderServices,
  since: SyncCursor | null,
  contextCsn: string[] | null,
): string {
  const forced = services.ldapChangeTracking === 'modifyTimestamp';
  if (since?.ldapTracking === 'entryCSN' && !forced) {
    const saved = since.contextCsn ?? [];
    if (!contextCsn)
      throw new IncrementalNotPossibleError(
        `source ${source.id}: the saved cursor is an entryCSN one but the server shows no contextCSN on the base's naming context (syncprov overlay removed, access denied, or another server); run a full read`,
      );
    const problem = csnVectorProblem(saved, contextCsn);
    if (problem)
      throw new IncrementalNotPossibleError(`source ${source.id}: ${problem}; run a full read`);
    return csnSinceFilter(saved);
  }
  const last = since?.modifyTimestamp ? parseGeneralizedTime(since.modifyTimestamp) : null;
  if (!since?.modifyTimestamp || !last)
    throw new IncrementalNotPossibleError(
      `source ${source.id}: no modifyTimestamp cursor saved; run a full read`,
    );
  const overlapMs = services.modifyTimestampOverlapMs ?? MODIFY_TIMESTAMP_OVERLAP_MS;
  const from = formatGeneralizedTime(new Date(last.getTime() - overlapMs));
  return `(modifyTimestamp>=${escapeFilterValue(from)})`;
}

/**
 * The pages: the people matching the plan's filter, then (incremental) the current members of
 * the changed mapped groups not read yet. The client is closed when they end, fail, or the
 * consumer stops early.
 */
async function* pages(
  client: Client,
  source: DirectorySource,
  services: ReaderServices,
  plan: Plan,
): AsyncGenerator<SourcePerson[]> {
  const mapping = attributeMapping(source);
  const attributes = requestedAttributes(source);
  const binary = source.kind === 'active-directory' ? [idAttributeOf(source)] : [];
  const { groups } = plan;
  const extra = groups.changed.length > 0 || plan.expiredFilter !== undefined;
  const seen = new Set<string>();
  // The connection in use: a page that fails transiently is read again on a new one, which
  // the rest of the read then uses (pagedSearch.ts).
  let current = client;
  const retry: PageRetry = {
    ...services.pageRetry,
    reopen: async () => {
      await closeQuietly(current);
      current = await openBound(source, services);
      return current;
    },
    onRetry: ({ attempt, delivered, error }) =>
      services.logger?.warn(
        { sourceId: source.id, attempt, delivered, err: error },
        'directory page failed; reading it again',
      ),
  };
  const convert = async (entries: Entry[]) => {
    const now = services.now();
    const people = entries.map((entry) => toSourcePerson(source, mapping, entry, now));
    await addGroups(current, source, plan.membership, people);
    if (source.kind === 'ldap') advanceTimestampCursor(plan.cursor, entries);
    return people;
  };
  // Entries not yielded yet (an entry changed itself AND is in a changed group comes once).
  const unseen = (entries: Entry[]) =>
    entries.filter((entry) => {
      const key = dnKey(entry.dn);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  // A paged search of every base DN, on the connection in use when it starts.
  const search = (filter: string) =>
    searchBases(current, source, { filter, attributes, binary }, source.baseDns, retry);
  try {
    for await (const entries of search(plan.filter)) {
      const fresh = extra ? unseen(entries) : entries;
      if (fresh.length > 0) yield await convert(fresh);
    }
    if (plan.expiredFilter)
      for await (const entries of search(plan.expiredFilter)) {
        const fresh = unseen(entries);
        if (fresh.length > 0) yield await convert(fresh);
      }
    for (const { group, filter } of groups.memberSearches) {
      const members: string[] = [];
      groups.memberDns.set(group, members);
      for await (const entries of search(filter)) {
        for (const entry of entries) members.push(entry.dn);
        const fresh = unseen(entries);
        if (fresh.length > 0) yield await convert(fresh);
      }
    }
    // Members outside every base DN are not the source's people (a full read would not return
    // them); a member under any of the bases is.
    const dns = [...new Set([...groups.memberDns.values()].flat())].filter((dn) =>
      dnWithinAny(dn, source.baseDns),
    );
    if (groups.memberSearches.length === 0)
      for (let i = 0; i < dns.length; i += source.pageSize) {
        const chunk = dns.slice(i, i + source.pageSize).filter((dn) => !seen.has(dnKey(dn)));
        // Pipelined on the one connection: base reads of one page at a time.
        const entries = await Promise.all(
          chunk.map((dn) => readPerson(current, source, dn, attributes, binary)),
        );
        const found = unseen(entries.filter((entry): entry is Entry => entry !== null));
        if (found.length > 0) yield await convert(found);
      }
  } finally {
    await closeQuietly(current);
  }
}

/** One entry by DN if it matches the user filter (a group member may be a group or be gone). */
async function readPerson(
  client: Client,
  source: DirectorySource,
  dn: string,
  attributes: string[],
  binary: string[],
): Promise<Entry | null> {
  try {
    const { searchEntries } = await client.search(dn, {
      scope: 'base',
      filter: source.userFilter,
      attributes,
      explicitBufferAttributes: binary,
    });
    return searchEntries[0] ?? null;
  } catch (error) {
    // A member value naming an entry that no longer exists (no referential integrity overlay).
    if ((error as { code?: unknown }).code === 0x20) return null;
    throw error;
  }
}
