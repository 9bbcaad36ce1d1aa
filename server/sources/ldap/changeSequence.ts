import type { Client, Entry } from 'ldapts';
import { escapeFilterValue } from '../../identity/ldap/filter.ts';
import { dnMatchKey, dnWithin } from '../../shared/dn.ts';

/*
 * OpenLDAP's change sequence (issue 13, scope item 5). slapd stamps every entry it writes with an
 * `entryCSN` (`YYYYmmddHHMMSS.uuuuuuZ#count#sid#mod`: the time, a counter within the
 * microsecond, the id of the server that made the change, a modifier counter). The syncprov
 * overlay keeps `contextCSN` on the database's suffix: the greatest committed CSN of each server
 * id (one value per provider in a multi-provider setup). Read before a search, it is a cursor
 * with no overlap: anything committed later carries a greater CSN of its server id (slapd never
 * advances contextCSN past an older CSN still pending, so a slow write started before the read
 * is not skipped either). Without syncprov the suffix has no contextCSN, and the reader keeps
 * the modifyTimestamp cursor.
 */

/** `entryCSN` / `contextCSN` syntax (fixed width, so CSNs of one server id sort as text). */
const CSN = /^\d{14}\.\d{6}Z#[0-9a-f]{6}#[0-9a-f]{3}#[0-9a-f]{6}$/i;

/** The server id of a CSN (its third `#` field), or null when the value is not a CSN. */
export function csnServerId(csn: string): string | null {
  return CSN.test(csn) ? (csn.split('#')[2] ?? '').toLowerCase() : null;
}

function values(entry: Entry | undefined, attribute: string): string[] {
  if (!entry) return [];
  const key = Object.keys(entry).find((name) => name.toLowerCase() === attribute.toLowerCase());
  const raw = key === undefined ? undefined : entry[key];
  if (raw === undefined) return [];
  return (Array.isArray(raw) ? raw : [raw]).map((value) => value.toString());
}

/** The rootDSE's `namingContexts` (the suffixes of the server's databases). */
async function namingContexts(client: Client): Promise<string[]> {
  const { searchEntries } = await client.search('', {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['namingContexts'],
  });
  return values(searchEntries[0], 'namingContexts');
}

/** Of `contexts`, the longest that is `baseDn` or one of its ancestors; null when none is. */
function contextHolding(contexts: readonly string[], baseDn: string): string | null {
  let best: string | null = null;
  for (const context of contexts) {
    if (dnMatchKey(context) === '' || !dnWithin(baseDn, context)) continue;
    if (best === null || dnMatchKey(context).length > dnMatchKey(best).length) best = context;
  }
  return best;
}

/**
 * The distinct naming contexts holding the base DNs (see namingContextOf); null when one of them
 * is held by none, or the rootDSE cannot be read.
 */
export async function suffixesHolding(
  client: Client,
  baseDns: readonly string[],
): Promise<string[] | null> {
  const contexts = await namingContexts(client).catch(() => null);
  if (contexts === null) return null;
  const holding = new Map<string, string>();
  for (const base of baseDns) {
    const context = contextHolding(contexts, base);
    if (context === null) return null;
    holding.set(dnMatchKey(context), context);
  }
  return [...holding.values()];
}

/**
 * The naming context holding `baseDn`: the longest of the rootDSE's `namingContexts` that is
 * `baseDn` or one of its ancestors (a server may hold several databases). Null when none does.
 */
export async function namingContextOf(client: Client, baseDn: string): Promise<string | null> {
  return contextHolding(await namingContexts(client), baseDn);
}

/** One database's contextCSN: server id → its greatest CSN. */
async function contextCsnOf(client: Client, context: string): Promise<Map<string, string>> {
  const { searchEntries } = await client.search(context, {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['contextCSN'],
  });
  const bySid = new Map<string, string>();
  for (const csn of values(searchEntries[0], 'contextCSN')) {
    const sid = csnServerId(csn);
    // Two values for one sid would be a server bug; the greater one is the server's own word.
    if (sid !== null && (bySid.get(sid) ?? '') < csn) bySid.set(sid, csn);
  }
  return bySid;
}

/**
 * The contextCSN vector of the database(s) holding the base DNs: one CSN per server id, sorted
 * by server id; null when a database keeps none (no syncprov overlay, or an ACL hides it), which
 * means "track changes by modifyTimestamp". Base DNs in different databases (two suffixes of one
 * server) take, per server id, the smallest of the databases' CSNs: the next read then starts at
 * the database furthest behind, and re-reads a little of the others rather than miss anything.
 */
export async function readContextCsn(
  client: Client,
  baseDns: readonly string[],
): Promise<string[] | null> {
  const bySid = new Map<string, string>();
  try {
    const suffixes = await suffixesHolding(client, baseDns);
    if (suffixes === null) return null;
    for (const context of suffixes) {
      const vector = await contextCsnOf(client, context);
      if (vector.size === 0) return null;
      for (const [sid, csn] of vector) {
        const known = bySid.get(sid);
        if (known === undefined || csn < known) bySid.set(sid, csn);
      }
    }
  } catch {
    // A server that refuses the rootDSE or its suffix to this account (other LDAP servers, tight
    // ACLs) is one without a usable change sequence, not a failed run: the modifyTimestamp path
    // (or, for a saved entryCSN cursor, a full read) follows; a broken connection fails the
    // read's own searches right after.
    return null;
  }
  if (bySid.size === 0) return null;
  return [...bySid.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, csn]) => csn);
}

/**
 * Why a saved contextCSN vector cannot be continued on the server's current one, or null when
 * it can. A server id the saved vector lacks (a provider added, or another server answering)
 * may have changes older than every saved CSN, which no `>=` filter would find; a CSN that went
 * back (a database restored from a backup) means changes were lost and others will reuse their
 * place. Both need a full read.
 */
export function csnVectorProblem(
  saved: readonly string[],
  current: readonly string[],
): string | null {
  const savedBySid = new Map<string, string>();
  for (const csn of saved) {
    const sid = csnServerId(csn);
    if (sid === null) return `the saved contextCSN value "${csn}" is not a CSN`;
    savedBySid.set(sid, csn);
  }
  if (savedBySid.size === 0) return 'the saved contextCSN is empty';
  for (const csn of current) {
    const sid = csnServerId(csn);
    if (sid === null) continue;
    const before = savedBySid.get(sid);
    if (before === undefined)
      return `the server now has changes from server id ${sid}, unknown to the saved cursor`;
    if (csn < before)
      return `the contextCSN of server id ${sid} went back (${before} → ${csn}: a restore?)`;
  }
  return null;
}

/**
 * The filter part selecting entries changed since a saved contextCSN vector: for each server
 * id, `entryCSN` at or after that server's saved CSN. entryCSN's ORDERING rule
 * (csnOrderingMatch) compares the whole CSN, time first, so each term also takes other servers'
 * later changes: together they select every entry at or after the smallest saved CSN, a
 * superset of "newer than the cursor for its own server id". `>=` re-reads the boundary entry
 * (applying it twice is harmless) because LDAP filters have no `>`.
 */
export function csnSinceFilter(saved: readonly string[]): string {
  const terms = saved.map((csn) => `(entryCSN>=${escapeFilterValue(csn)})`);
  return terms.length === 1 ? (terms[0] ?? '') : `(|${terms.join('')})`;
}
