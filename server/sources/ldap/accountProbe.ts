import type { Client, Entry } from 'ldapts';
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
import { dnWithinAny } from '../../shared/dn.ts';
import type { SyncCursor } from '../types.ts';
import { showDeleted, visibleTombstones } from './absence.ts';
import { readHighestCommittedUsn } from './adState.ts';
import { readContextCsn } from './changeSequence.ts';
import { entryGuid } from './guid.ts';
import { idAttributeOf } from './mapping.ts';
import { pagedSearch } from './pagedSearch.ts';

/** AD's LDAP_MATCHING_RULE_BIT_AND: `userAccountControl` with ACCOUNTDISABLE (2) set. */
const DISABLED = '(userAccountControl:1.2.840.113556.1.4.803:=2)';
/** `accountExpires` set to an instant: neither 0 nor 2^63 − 1, AD's two spellings of "never". */
const EXPIRY_SET = '(accountExpires>=1)(!(accountExpires=9223372036854775807))';
const STATE_ATTRIBUTES = ['objectGUID', 'userAccountControl', 'accountExpires'];
const GUID = ['objectGUID'];
/** How long the answer to "may this account see tombstones?" is kept. */
const TOMBSTONE_RIGHT_AGE_MS = 10 * 60_000;

/** What a probe found among the accounts changed after a cursor. */
export interface ChangedAccounts {
  /**
   * The external ids (as the sync makes them) of those out now and still in the directory:
   * disabled, expired or locked (a run can read them by id).
   */
  out: string[];
  /** The external ids of those deleted from under the base DNs (AD tombstones). */
  deleted: string[];
  /** The earliest expiry still ahead among them; null when none has one. */
  nextExpiry: Date | null;
  /**
   * Says that what was found needs nothing more (everyone found is out in the service too):
   * until the directory changes again, the next asks search nothing.
   */
  settle(): void;
}

const NOTHING: ChangedAccounts = { out: [], deleted: [], nextExpiry: null, settle() {} };

/** A directory asked, cheaply and often, whether someone was switched off or will be. */
export interface AccountProbe {
  /**
   * What changed after `cursor` among the accounts under the source's base DNs that match its
   * user filter and are disabled or carry an expiry: one search per base DN, on uSNChanged
   * (indexed in Windows AD), three attributes, usually no entry at all. Then, where the account may
   * see them, the tombstones of users deleted after `cursor` from under the base DNs (one search
   * of `CN=Deleted Objects`, one level). Nothing when the cursor has no USN, or when the DC
   * committed nothing since the cursor or since the last search that found nobody out (read
   * from the rootDSE first).
   *
   * Generic LDAP: the entries written after the cursor whose lock attribute locks them, where
   * the source has a lock attribute and an entryCSN cursor (OpenLDAP with syncprov), gated by
   * the suffix's contextCSN; nothing otherwise.
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
 * entry, which the run that saved the cursor has read (a locked one would start a run each time).
 */
function strictlyAfter(saved: readonly string[]): string {
  const terms = saved.map((csn) => {
    const value = escapeFilterValue(csn);
    return `(&(entryCSN>=${value})(!(entryCSN=${value})))`;
  });
  return terms.length === 1 ? (terms[0] ?? '') : `(|${terms.join('')})`;
}

/**
 * A probe of a directory source on one connection of its own, bound once and kept (a bind per ask
 * would fill the DC's security log with logons), opened again after any error.
 */
export function createAccountProbe(
  source: DirectorySource,
  env: NodeJS.ProcessEnv = process.env,
): AccountProbe {
  let client: Client | null = null;
  const bound = async (): Promise<Client> => {
    if (client) return client;
    const fresh = await connectBound(source, env);
    client = fresh;
    tombstones = undefined;
    return fresh;
  };
  // Where this connection's account sees tombstones: null, nowhere; undefined, not asked yet.
  // Asked again now and then: the right may be granted (or taken) while the connection lasts.
  let tombstones: string | null | undefined;
  let tombstonesAskedAt = 0;
  // The users deleted after `since` from under the base DNs (someone moved out first has a last
  // parent outside them: the scheduled run finds them by their GUID).
  const deletedSince = async (connection: Client, since: bigint): Promise<string[]> => {
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
      filter: `(&(isDeleted=TRUE)(objectClass=user)(!(objectClass=computer))(uSNChanged>=${(since + 1n).toString()}))`,
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
    attributes = STATE_ATTRIBUTES,
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
  // The DC's change counter (AD) or the suffix's contextCSN (OpenLDAP) at the last search that
  // found nobody out, or whose finds were settled: until it moves, nothing new.
  let quietAt: string | null = null;
  const found = (
    out: string[],
    deleted: string[],
    nextExpiry: Date | null,
    counter: string | null,
  ): ChangedAccounts => {
    if (out.length === 0 && deleted.length === 0) quietAt = counter;
    return {
      out,
      deleted,
      nextExpiry,
      settle() {
        quietAt = counter;
      },
    };
  };
  // Generic LDAP: entries changed after the cursor whose lock attribute locks them. Only with an
  // entryCSN cursor (OpenLDAP with syncprov): its contextCSN gates the search as AD's USN does.
  const lockedSince = (cursor: SyncCursor, now: Date): Promise<ChangedAccounts> => {
    const lock = source.kind === 'ldap' ? source.lockAttribute : null;
    const saved = cursor.ldapTracking === 'entryCSN' ? (cursor.contextCsn ?? []) : [];
    if (!lock || saved.length === 0) return Promise.resolve(NOTHING);
    const filter = `(&${source.userFilter}(${lock}=*)${strictlyAfter(saved)})`;
    const idAttribute = idAttributeOf(source);
    return onConnection(async (connection) => {
      const current = (await readContextCsn(connection, source.baseDns))?.join(' ') ?? null;
      // No contextCSN any more: the next run reads in full anyway.
      if (current === null || current === saved.join(' ') || current === quietAt) return NOTHING;
      const out: string[] = [];
      for await (const entry of each(connection, filter, [lock, idAttribute])) {
        // Trimmed and lower-cased as the reader makes external ids (mapping.ts).
        const id = attributeText(entry, idAttribute)?.trim().toLowerCase();
        if (id && isAccountBlocked(source, entry, now)) out.push(id);
      }
      return found(out, [], null, current);
    });
  };
  return {
    changedSince(cursor, now) {
      if (source.kind === 'ldap') return lockedSince(cursor, now);
      if (!cursor.highestCommittedUsn) return Promise.resolve(NOTHING);
      if (!/^\d+$/.test(cursor.highestCommittedUsn)) return Promise.resolve(NOTHING);
      const since = BigInt(cursor.highestCommittedUsn);
      const filter = `(&${source.userFilter}(uSNChanged>=${(since + 1n).toString()})(|${DISABLED}(&${EXPIRY_SET})))`;
      return onConnection(async (connection) => {
        // The rootDSE first (a read of one attribute): nothing committed since the cursor, or
        // since the last search found nobody out, needs no search. Samba evaluates the search's
        // uSNChanged range without an index (60-130 ms at 10,000 people, benchmarks.md).
        const usn = await readHighestCommittedUsn(connection);
        if (usn !== null && (usn <= since || usn.toString() === quietAt)) return NOTHING;
        const out: string[] = [];
        let nextExpiry: Date | null = null;
        for await (const entry of each(connection, filter)) {
          const uac = Number.parseInt(attributeText(entry, 'userAccountControl') ?? '0', 10);
          const expires = filetimeToDate(attributeText(entry, 'accountExpires'));
          const id = entryGuid(entry);
          if ((Number.isFinite(uac) && uac & UAC_ACCOUNTDISABLE) || (expires && expires <= now)) {
            if (id !== null) out.push(id);
          } else if (expires && (!nextExpiry || expires < nextExpiry)) nextExpiry = expires;
        }
        const deleted = await deletedSince(connection, since);
        return found(out, deleted, nextExpiry, usn?.toString() ?? null);
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
