import { type Client, SizeLimitExceededError } from 'ldapts';
import { closeQuietly, connectClient } from '../../identity/ldap/client.ts';
import { bindPasswordOf, type DirectorySource } from '../../shared/config/directorySources.ts';
import type { SyncCursor } from '../types.ts';
import { readHighestCommittedUsn } from './adState.ts';

/** AD's LDAP_MATCHING_RULE_BIT_AND: `userAccountControl` with ACCOUNTDISABLE (2) set. */
const DISABLED = '(userAccountControl:1.2.840.113556.1.4.803:=2)';

/** A directory asked, cheaply and often, whether someone was switched off since a cursor. */
export interface DisabledProbe {
  /**
   * Whether an account under the source's base DNs, matching its user filter, was changed after
   * `cursor` and is disabled now. One indexed search per base DN (uSNChanged), no attributes,
   * at most one entry. False when the cursor has no USN (nothing to compare with).
   */
  disabledSince(cursor: SyncCursor): Promise<boolean>;
  /** Closes the connection it keeps. */
  close(): Promise<void>;
}

/**
 * A probe of an AD source on one connection of its own, bound once and kept (a bind per ask
 * would fill the DC's security log with logons), opened again after any error.
 */
export function createDisabledProbe(
  source: DirectorySource,
  env: NodeJS.ProcessEnv = process.env,
): DisabledProbe {
  let client: Client | null = null;
  const bound = async (): Promise<Client> => {
    if (client) return client;
    const fresh = await connectClient(source);
    try {
      await fresh.bind(source.bindDn, bindPasswordOf(source, env));
    } catch (error) {
      await closeQuietly(fresh);
      throw error;
    }
    client = fresh;
    return fresh;
  };
  // The DC's change counter at the last search that found nobody: until it moves, nothing new.
  let quietAt: bigint | null = null;
  return {
    async disabledSince(cursor) {
      if (source.kind !== 'active-directory' || !cursor.highestCommittedUsn) return false;
      if (!/^\d+$/.test(cursor.highestCommittedUsn)) return false;
      const since = BigInt(cursor.highestCommittedUsn);
      const filter = `(&${source.userFilter}(uSNChanged>=${(since + 1n).toString()})${DISABLED})`;
      try {
        const connection = await bound();
        // The rootDSE first (a read of one attribute): nothing committed since the cursor, or
        // since the last search found nobody, needs no search. Samba evaluates the search's
        // uSNChanged range without an index (60-130 ms at 10,000 people, benchmarks.md).
        const usn = await readHighestCommittedUsn(connection);
        if (usn !== null && (usn <= since || usn === quietAt)) return false;
        for (const base of source.baseDns) {
          try {
            const { searchEntries } = await connection.search(base, {
              scope: 'sub',
              filter,
              attributes: ['1.1'],
              sizeLimit: 1,
            });
            if (searchEntries.length > 0) return true;
          } catch (error) {
            // More than one: the DC stops at the limit and says so.
            if (error instanceof SizeLimitExceededError) return true;
            throw error;
          }
        }
        quietAt = usn;
        return false;
      } catch (error) {
        const broken = client;
        client = null;
        if (broken) await closeQuietly(broken);
        throw error;
      }
    },
    async close() {
      const open = client;
      client = null;
      if (open) await closeQuietly(open);
    },
  };
}
