import {
  AndFilter,
  type Client,
  type Entry,
  EqualityFilter,
  type Filter,
  FilterParser,
  NotFilter,
} from 'ldapts';
import {
  attributeText,
  dateToFiletime,
  filetimeToDate,
  isAccountBlocked,
  UAC_ACCOUNTDISABLE,
} from '../../identity/ldap/accountState.ts';
import { closeQuietly, connectBound } from '../../identity/ldap/client.ts';
import { escapeFilterValue } from '../../identity/ldap/filter.ts';
import type { DirectorySource } from '../../shared/config/directorySources.ts';
import { dnMatchKey, dnWithinAny } from '../../shared/dn.ts';
import type { SyncCursor } from '../types.ts';
import { namingContext, showDeleted, visibleTombstones } from './absence.ts';
import { readHighestCommittedUsn, type UsnWindow, usnWindowTerms } from './adState.ts';
import { readContextCsn, suffixesHolding } from './changeSequence.ts';
import { dirSyncRefused, memberChangesSince } from './dirSync.ts';
import {
  type ExtendedMember,
  filterGroupChanged,
  filterGroupsOf,
  inAll,
  membersOfAll,
  requiredGroupsOf,
} from './filterGroups.ts';
import { entryGuid } from './guid.ts';
import { idAttributeOf } from './mapping.ts';
import { pagedSearch } from './pagedSearch.ts';

/** AD's LDAP_MATCHING_RULE_BIT_AND: `userAccountControl` with ACCOUNTDISABLE (2) set. */
const DISABLED = '(userAccountControl:1.2.840.113556.1.4.803:=2)';
const STATE_ATTRIBUTES = ['objectGUID', 'userAccountControl', 'accountExpires'];
const GUID = ['objectGUID'];
/** How long the answer to "may this account see tombstones?" is kept. */
const TOMBSTONE_RIGHT_AGE_MS = 10 * 60_000;
/** How long a DC's refusal of DirSync is taken as its answer before it is asked again. */
const DIRSYNC_REFUSAL_AGE_MS = 10 * 60_000;

/** What a probe found among the accounts changed after a cursor, since it last looked. */
export interface ChangedAccounts {
  /**
   * The external ids (as the sync makes them) of those out now and still under the base DNs:
   * disabled, expired or locked (a run can read them by id).
   */
  out: string[];
  /** The external ids of those deleted from under the base DNs (AD tombstones). */
  deleted: string[];
  /**
   * The external ids of users (generic LDAP: entries) changed and now outside every base DN:
   * moved out, or users of other subtrees (the watch keeps only those it has from the source).
   */
  movedOut: string[];
  /**
   * The external ids of users (generic LDAP: entries) changed under a base DN, not out, that
   * the user filter no longer matches (an attribute it tests changed: a department, a company,
   * an `employeeType`), or never did (entries the source does not take: the watch keeps only
   * those it has).
   */
  unmatched: string[];
  /** The earliest expiry still ahead among them; null when none has one. */
  nextExpiry: Date | null;
  /**
   * AD: a group the user filter names (an access group) changed, so someone may have left the
   * filter with no change of their own: only an ordinary run's enumeration tells who.
   */
  filterGroupChanged: boolean;
  /**
   * When a filter group changed and the filter only requires groups directly: the objectGUIDs
   * of the people under the base DNs in all of them now (read from the groups' member values),
   * so whoever the service has from the source and is not among them left, and whoever is
   * among them and unknown to the service may have joined. Null otherwise.
   */
  filterMembers: ReadonlySet<string> | null;
  /**
   * When a filter group changed, the filter only requires groups directly, and the DC answers
   * DirSync: who was removed from any of them (`left`) and who was added to any of them under
   * the base DNs (`joined`) since the last acted-on ask (dirSync.ts). Null otherwise, and on
   * the probe's first look at the groups, which reads their whole member lists (filterMembers).
   */
  filterChanges: { left: string[]; joined: string[] } | null;
  /**
   * Generic LDAP: the suffix's contextCSN moved to a change no entry carries any more, so an
   * entry was deleted (or changed again since, which only costs a run): generic LDAP keeps no
   * tombstone to tell whose, and only an ordinary run's enumeration of the ids in scope tells
   * who left.
   */
  entryDeleted: boolean;
  /**
   * Says that what was found was acted on: the next asks look only at what changes after this
   * one looked. Until then they find it again (the watch could not start its run). A probe
   * that found nobody has moved on by itself.
   */
  seen(): void;
}

const NOTHING: ChangedAccounts = {
  out: [],
  unmatched: [],
  deleted: [],
  movedOut: [],
  nextExpiry: null,
  filterGroupChanged: false,
  filterMembers: null,
  filterChanges: null,
  entryDeleted: false,
  seen() {},
};

/** A directory asked, cheaply and often, whether someone was switched off or will be. */
export interface AccountProbe {
  /**
   * AD: the users changed after `cursor`, and after what this probe's last ask saw (see
   * `seen()`), up to the DC's highestCommittedUSN: one paged search of the domain on uSNChanged
   * (indexed in Windows AD), three attributes, usually few entries. Those under the base DNs
   * that are disabled or expired are `out`, those outside every base DN `movedOut`; the
   * expiries ahead give `nextExpiry`. Then, where the account may see them, the tombstones of
   * users deleted in the same window from under the base DNs (one search of `CN=Deleted
   * Objects`, one level), and whether a group the user filter names changed in it (one search
   * of the domain's groups, when the filter names any). Nothing, and no search, when the DC
   * committed nothing in the window (the rootDSE is read first), or when the cursor has no USN.
   *
   * Generic LDAP, where the source has an entryCSN cursor (OpenLDAP with syncprov), gated by
   * the suffix's contextCSN: the entries written after the cursor (and after the last ask
   * seen), locked by the lock attribute, moved out of the base DNs or no longer matched by the
   * user filter; and whether the newest change was a deletion (`entryDeleted`). Nothing
   * otherwise.
   */
  changedSince(cursor: SyncCursor, now: Date): Promise<ChangedAccounts>;
  /**
   * The earliest `accountExpires` after `after` among the enabled accounts in scope; null when
   * none will expire. `accountExpires` has no index in AD or Samba, so this reads every account
   * of the scope: the change watch asks it once per run of the source, not per pass.
   */
  earliestExpiry(after: Date): Promise<Date | null>;
  /** Closes the connection it keeps. */
  close(): Promise<void>;
}

/**
 * Entries written after each server id's saved CSN: csnSinceFilter's `>=` without the boundary
 * entry, which the run that saved the cursor (or the ask that saw it) has read (a locked one
 * would start a run each time).
 */
function strictlyAfter(saved: readonly string[]): string {
  const terms = saved.map((csn) => {
    const value = escapeFilterValue(csn);
    return `(&(entryCSN>=${value})(!(entryCSN=${value})))`;
  });
  return terms.length === 1 ? (terms[0] ?? '') : `(|${terms.join('')})`;
}

/** Users, not computers (a computer is `objectClass=user` too), with `terms`, in `window`. */
function users(terms: Filter[], window: UsnWindow): Filter {
  return new AndFilter({
    filters: [
      ...terms,
      new EqualityFilter({ attribute: 'objectClass', value: 'user' }),
      new NotFilter({
        filter: new EqualityFilter({ attribute: 'objectClass', value: 'computer' }),
      }),
      ...usnWindowTerms(window),
    ],
  });
}

/** Where a probe's asks start: after the cursor, or after what an ask at that cursor saw. */
interface Seen<T> {
  /** The cursor the ask was made at. */
  cursor: string;
  /** The change counter (AD's USN, OpenLDAP's contextCSN) the ask looked up to. */
  to: T;
}

/**
 * A probe of a directory source on one connection of its own, bound once and kept (a bind per ask
 * would fill the DC's security log with logons), opened again after any error. Each change is
 * looked at once: an ask starts where the last ask whose finds were acted on stopped, so a busy
 * domain (a script retitling thousands) costs each change one look, not one per ask until the
 * next run.
 */
export function createAccountProbe(
  source: DirectorySource,
  env: NodeJS.ProcessEnv = process.env,
): AccountProbe {
  let client: Client | null = null;
  // The domain's naming context (AD): where the moves out of the base DNs are searched.
  let domain: string | null = null;
  const bound = async (): Promise<Client> => {
    if (client) return client;
    const fresh = await connectBound(source, env);
    client = fresh;
    tombstones = undefined;
    domain = source.kind === 'active-directory' ? await namingContext(fresh) : null;
    return fresh;
  };
  // Where this connection's account sees tombstones: null, nowhere; undefined, not asked yet.
  // Asked again now and then: the right may be granted (or taken) while the connection lasts.
  let tombstones: string | null | undefined;
  let tombstonesAskedAt = 0;
  // The users deleted in the window from under the base DNs (someone moved out first has a last
  // parent outside them: the move was found, or the scheduled run finds them by their GUID).
  const deletedIn = async (connection: Client, window: UsnWindow): Promise<string[]> => {
    if (tombstones === undefined || Date.now() - tombstonesAskedAt > TOMBSTONE_RIGHT_AGE_MS) {
      tombstones = await visibleTombstones(connection);
      tombstonesAskedAt = Date.now();
    }
    if (tombstones === null) return [];
    // Read to the end, as each() does.
    const found: string[] = [];
    for await (const page of pagedSearch(connection, source, {
      base: tombstones,
      scope: 'one',
      filter: users([new EqualityFilter({ attribute: 'isDeleted', value: 'TRUE' })], window),
      attributes: ['objectGUID', 'lastKnownParent'],
      binary: GUID,
      controls: [showDeleted()],
    }))
      for (const entry of page) {
        const parent = attributeText(entry, 'lastKnownParent');
        const id = entryGuid(entry);
        if (id !== null && parent !== null && dnWithinAny(parent, source.baseDns)) found.push(id);
      }
    return found;
  };
  // Any error drops the connection: the next ask opens a new one.
  const onConnection = async <T>(work: (connection: Client) => Promise<T>): Promise<T> => {
    try {
      return await work(await bound());
    } catch (error) {
      const broken = client;
      client = null;
      if (broken) await closeQuietly(broken);
      throw error;
    }
  };
  // Every entry of a paged search of each base DN. Consumed to its end: an abandoned paged
  // search would hold one of the DC's result sets on the connection kept.
  const each = async function* (
    connection: Client,
    filter: string,
    attributes: string[],
  ): AsyncGenerator<Entry> {
    const binary = source.kind === 'active-directory' ? GUID : [];
    for (const base of source.baseDns)
      for await (const page of pagedSearch(connection, source, {
        base,
        filter,
        attributes,
        binary,
      }))
        yield* page;
  };
  // What the last acted-on ask looked up to, per kind of source.
  let seenUsn: Seen<bigint> | null = null;
  let seenCsn: Seen<string[]> | null = null;
  const found = (finds: Omit<ChangedAccounts, 'seen'>, seen: () => void): ChangedAccounts => {
    // Nothing found: nothing to act on, so the next ask starts after this one.
    const count =
      finds.out.length + finds.deleted.length + finds.movedOut.length + finds.unmatched.length;
    if (count === 0 && !finds.filterGroupChanged && !finds.entryDeleted) seen();
    return { ...finds, seen };
  };
  // The groups the user filter names (AD): a change of one is a change of who matches.
  const filterGroups = source.kind === 'active-directory' ? filterGroupsOf(source) : [];
  // Those it requires directly, when it names no other way (null): their members tell who left.
  const requiredGroups = source.kind === 'active-directory' ? requiredGroupsOf(source) : null;
  // AD: where the DirSync of the required groups' members continues from (the last acted-on
  // ask's cookie; null: none yet), and until when the DC's refusal of DirSync holds (their
  // member lists are read in full on every change meanwhile, as before session 35).
  let memberCookie: Buffer | null = null;
  let memberDirSyncRefusedUntil = 0;
  // The required groups' members after one of them changed: by DirSync, who was removed and
  // who added since the last acted-on ask; the first time (or without DirSync), everyone in all
  // of them under the base DNs. `cookie` is kept once the ask is acted on.
  const requiredMembers = async (
    connection: Client,
    groups: readonly string[],
  ): Promise<{
    all: ReadonlySet<string> | null;
    changes: ChangedAccounts['filterChanges'];
    cookie: Buffer | null;
  }> => {
    const under = (members: readonly ExtendedMember[]) =>
      members.filter((member) => dnWithinAny(member.dn, source.baseDns)).map((m) => m.guid);
    // A later look sent as whole lists keeps its cookie; a first look without every group
    // keeps none (that group's changes would never come).
    let kept: Buffer | null = null;
    if (Date.now() >= memberDirSyncRefusedUntil)
      try {
        const read = await memberChangesSince(connection, domain ?? '', groups, memberCookie);
        if (memberCookie !== null) kept = read.cookie;
        if (memberCookie !== null && read.listed.size === 0)
          return {
            all: null,
            changes: {
              left: read.removed.map((m) => m.guid),
              joined: under([...read.added.values()].flat()),
            },
            cookie: read.cookie,
          };
        // The first look: every member (sent as added, or as a plain list).
        const sets = groups.map((group) => {
          const added = read.added.get(dnMatchKey(group));
          return added && [...added, ...(read.listed.get(dnMatchKey(group)) ?? [])];
        });
        // Every group must have come: one the account may not read would look empty, and
        // everyone in here would look gone. A later look sent as whole lists reads them in
        // full, as without DirSync.
        if (memberCookie === null && sets.every((members) => members !== undefined))
          return {
            all: inAll(sets.map((members) => new Set(under(members ?? [])))),
            changes: null,
            cookie: read.cookie,
          };
      } catch (error) {
        if (!dirSyncRefused(error)) throw error;
        memberDirSyncRefusedUntil = Date.now() + DIRSYNC_REFUSAL_AGE_MS;
      }
    return {
      all: await membersOfAll(connection, groups, source.baseDns),
      changes: null,
      cookie: kept,
    };
  };
  // An entry's external id, as the reader makes it (mapping.ts): AD's objectGUID, or the id
  // attribute trimmed and lower-cased.
  const idAttribute = idAttributeOf(source);
  const idOf = (entry: Entry): string | null =>
    source.kind === 'active-directory'
      ? entryGuid(entry)
      : (attributeText(entry, idAttribute)?.trim().toLowerCase() ?? null);
  const idAttributes = source.kind === 'active-directory' ? GUID : [idAttribute];
  // Of entries changed in the window under the base DNs, those the user filter does not match:
  // the same window searched again through the filter, ids only, and what it does not return.
  // AD's searches both end at the same USN, so a change made between them is in neither; an
  // LDAP window has no end, and an entry changed between them is judged as it is now.
  const unmatchedAmong = async (
    connection: Client,
    within: Set<string>,
    matching: Filter | string,
  ): Promise<string[]> => {
    if (within.size === 0) return [];
    for (const base of source.baseDns)
      for await (const page of pagedSearch(connection, source, {
        base,
        filter: matching,
        attributes: idAttributes,
        binary: source.kind === 'active-directory' ? GUID : [],
      }))
        for (const entry of page) {
          const id = idOf(entry);
          if (id !== null) within.delete(id);
        }
    return [...within];
  };
  // Generic LDAP, only with an entryCSN cursor (OpenLDAP with syncprov): its contextCSN gates
  // the searches as AD's USN does. The entries of the suffixes changed after the cursor (and
  // the last acted-on ask), ids only: under a base DN and locked by the lock attribute, out;
  // under a base DN and no longer matched by the user filter, unmatched; outside every base
  // DN, moved out (entries of other subtrees are dropped by the watch's check of who is in).
  // Every changed entry is asked for, with its entryCSN, whether it has an id or not (a group,
  // an OU): a server's new contextCSN that none of them carries was a deletion's.
  const changedSinceCsn = (cursor: SyncCursor, now: Date): Promise<ChangedAccounts> => {
    const lock = source.kind === 'ldap' ? source.lockAttribute : null;
    const saved = cursor.ldapTracking === 'entryCSN' ? (cursor.contextCsn ?? []) : [];
    if (saved.length === 0) return Promise.resolve(NOTHING);
    const at = saved.join(' ');
    const from = seenCsn?.cursor === at ? seenCsn.to : saved;
    const window = strictlyAfter(from);
    return onConnection(async (connection) => {
      const current = await readContextCsn(connection, source.baseDns);
      // No contextCSN any more: the next run reads in full anyway.
      if (current === null || current.join(' ') === from.join(' ')) return NOTHING;
      const out: string[] = [];
      const movedOut: string[] = [];
      const within = new Set<string>();
      // The CSNs the changed entries still there carry: a server's new contextCSN among them
      // was a write to one of them; one not among them, a deletion's.
      const carried = new Set<string>();
      const suffixes = (await suffixesHolding(connection, source.baseDns)) ?? source.baseDns;
      for (const suffix of suffixes)
        for await (const page of pagedSearch(connection, source, {
          base: suffix,
          filter: window,
          attributes: lock ? [idAttribute, 'entryCSN', lock] : [idAttribute, 'entryCSN'],
          binary: [],
        }))
          for (const entry of page) {
            const csn = attributeText(entry, 'entryCSN');
            if (csn !== null) carried.add(csn);
            const id = idOf(entry);
            if (id === null) continue;
            if (!dnWithinAny(entry.dn, source.baseDns)) movedOut.push(id);
            else if (lock && isAccountBlocked(source, entry, now)) out.push(id);
            else within.add(id);
          }
      const unmatched = await unmatchedAmong(
        connection,
        within,
        `(&${source.userFilter}${window})`,
      );
      const entryDeleted = current.some((csn) => !from.includes(csn) && !carried.has(csn));
      // Entries written after contextCSN was read are found again next time: harmless.
      return found({ ...NOTHING, out, movedOut, unmatched, entryDeleted }, () => {
        seenCsn = { cursor: at, to: current };
      });
    });
  };
  // AD: the users changed in the window, domain-wide (a move out of the base DNs leaves them).
  const changedIn = async (connection: Client, window: UsnWindow, now: Date) => {
    const out: string[] = [];
    const movedOut: string[] = [];
    // Changed under a base DN and neither disabled nor expired: does the filter still match?
    const within = new Set<string>();
    let nextExpiry: Date | null = null;
    for await (const page of pagedSearch(connection, source, {
      base: domain ?? '',
      filter: users([], window),
      attributes: STATE_ATTRIBUTES,
      binary: GUID,
    }))
      for (const entry of page) {
        const id = entryGuid(entry);
        if (id === null) continue;
        if (!dnWithinAny(entry.dn, source.baseDns)) {
          movedOut.push(id);
          continue;
        }
        const uac = Number.parseInt(attributeText(entry, 'userAccountControl') ?? '0', 10);
        const expires = filetimeToDate(attributeText(entry, 'accountExpires'));
        if ((Number.isFinite(uac) && uac & UAC_ACCOUNTDISABLE) || (expires && expires <= now))
          out.push(id);
        else {
          within.add(id);
          if (expires && (!nextExpiry || expires < nextExpiry)) nextExpiry = expires;
        }
      }
    return {
      out,
      movedOut,
      nextExpiry,
      unmatched: await unmatchedAmong(
        connection,
        within,
        new AndFilter({
          filters: [FilterParser.parseString(source.userFilter), ...usnWindowTerms(window)],
        }),
      ),
    };
  };
  return {
    changedSince(cursor, now) {
      if (source.kind === 'ldap') return changedSinceCsn(cursor, now);
      if (!cursor.highestCommittedUsn) return Promise.resolve(NOTHING);
      if (!/^\d+$/.test(cursor.highestCommittedUsn)) return Promise.resolve(NOTHING);
      const at = cursor.highestCommittedUsn;
      const since = BigInt(at);
      return onConnection(async (connection) => {
        // The rootDSE first (a read of one attribute): nothing committed in the window needs no
        // search. Samba evaluates uSNChanged ranges without an index (60-130 ms at 10,000
        // people, benchmarks.md).
        const usn = await readHighestCommittedUsn(connection);
        // A DC restored from a backup counts from lower again: start from the cursor.
        if (seenUsn && (seenUsn.cursor !== at || (usn !== null && usn < seenUsn.to)))
          seenUsn = null;
        const after = seenUsn && seenUsn.to > since ? seenUsn.to : since;
        if (usn !== null && usn <= after) return NOTHING;
        const window = { from: (after + 1n).toString(), to: usn?.toString() ?? null };
        const changed = await changedIn(connection, window, now);
        const deleted = await deletedIn(connection, window);
        const groupChanged = await filterGroupChanged(
          connection,
          source,
          domain ?? '',
          filterGroups,
          window,
        );
        const members =
          groupChanged && requiredGroups !== null
            ? await requiredMembers(connection, requiredGroups)
            : null;
        return found(
          {
            ...changed,
            deleted,
            filterGroupChanged: groupChanged,
            filterMembers: members?.all ?? null,
            filterChanges: members?.changes ?? null,
            // AD says whose: its tombstones.
            entryDeleted: false,
          },
          () => {
            if (usn !== null) seenUsn = { cursor: at, to: usn };
            if (members?.cookie) memberCookie = members.cookie;
          },
        );
      });
    },
    earliestExpiry(after) {
      if (source.kind !== 'active-directory') return Promise.resolve(null);
      const from = dateToFiletime(new Date(after.getTime() + 1));
      const filter = `(&${source.userFilter}(!${DISABLED})(accountExpires>=${from})(!(accountExpires=9223372036854775807)))`;
      return onConnection(async (connection) => {
        let earliest: Date | null = null;
        for await (const entry of each(connection, filter, ['accountExpires'])) {
          const expires = filetimeToDate(attributeText(entry, 'accountExpires'));
          if (expires && (!earliest || expires < earliest)) earliest = expires;
        }
        return earliest;
      });
    },
    async close() {
      const open = client;
      client = null;
      if (open) await closeQuietly(open);
    },
  };
}
