import type { Client, Entry } from 'ldapts';
import { escapeFilterValue } from '../../identity/ldap/filter.ts';
import type { DirectorySource } from '../../shared/config/directorySources.ts';
import type { SyncCursor } from '../types.ts';
import { groupBasesOf, searchBases } from './bases.ts';
import { formatGeneralizedTime, parseGeneralizedTime } from './generalizedTime.ts';
import { dnKey, groupFilterOf, IN_CHAIN } from './groups.ts';

/**
 * The mapped groups whose membership changed since an incremental read's cursor, and how to read
 * their current members. In AD, adding or removing a member changes the GROUP's uSNChanged, not
 * the person's (memberOf is a back link); in generic LDAP the group's modifyTimestamp. So an
 * incremental read also yields the current members of these groups, in full, as ordinary pages.
 */
export interface GroupChanges {
  /** The changed mapped groups, spelled as the mappings spell them. */
  changed: string[];
  /** AD: one paged search per changed mapped group, returning its current members (user filter). */
  memberSearches: { group: string; filter: string }[];
  /** Generic LDAP: the member DNs of each changed mapped group, read one by one. */
  memberDns: Map<string, string[]>;
}

const NONE = (): GroupChanges => ({ changed: [], memberSearches: [], memberDns: new Map() });

/** Mapped groups, one per DN (two mappings may name the same group). */
function mappedGroups(source: DirectorySource): string[] {
  const byKey = new Map<string, string>();
  for (const { group } of source.groupMappings)
    if (!byKey.has(dnKey(group))) byKey.set(dnKey(group), group);
  return [...byKey.values()];
}

async function changedKeys(
  client: Client,
  source: DirectorySource,
  filter: string,
  attributes: string[],
): Promise<{ keys: Set<string>; entries: Entry[] }> {
  const keys = new Set<string>();
  const entries: Entry[] = [];
  // A mapped group may lie under any of the base DNs when no groupBaseDn is set.
  for await (const page of searchBases(
    client,
    source,
    { filter, attributes },
    groupBasesOf(source),
  ))
    for (const entry of page) {
      keys.add(dnKey(entry.dn));
      entries.push(entry);
    }
  return { keys, entries };
}

/**
 * AD: groups changed since `fromUsn` (uSNChanged ≥ it). A mapped group counts as changed when it
 * changed itself or, with `nestedGroups`, when a group nested in it at any depth did (checked with
 * LDAP_MATCHING_RULE_IN_CHAIN, one query per mapped group, only when some group changed at all).
 * Members are searched by `memberOf` (or its chain): AD answers with whole entries in pages, so
 * no range retrieval of big `member` attributes and no read per DN.
 */
export async function adGroupChanges(
  client: Client,
  source: DirectorySource,
  fromUsn: string,
): Promise<GroupChanges> {
  const groups = mappedGroups(source);
  if (groups.length === 0) return NONE();
  const since = `(uSNChanged>=${fromUsn})`;
  const { keys } = await changedKeys(client, source, `(&${groupFilterOf(source)}${since})`, [
    '1.1',
  ]);
  if (keys.size === 0) return NONE();
  const changed: string[] = [];
  for (const group of groups) {
    if (keys.has(dnKey(group))) changed.push(group);
    else if (source.nestedGroups) {
      const nested = await changedKeys(
        client,
        source,
        `(&${groupFilterOf(source)}${since}(memberOf:${IN_CHAIN}:=${escapeFilterValue(group)}))`,
        ['1.1'],
      );
      if (nested.keys.size > 0) changed.push(group);
    }
  }
  const rule = source.nestedGroups ? `memberOf:${IN_CHAIN}:` : 'memberOf';
  return {
    changed,
    memberSearches: changed.map((group) => ({
      group,
      filter: `(&${source.userFilter}(${rule}=${escapeFilterValue(group)}))`,
    })),
    memberDns: new Map(),
  };
}

/**
 * Generic LDAP: mapped groups changed since the cursor (`since`: the reader's filter part,
 * `(modifyTimestamp>=…)` or the entryCSN terms); their members are the `member` values read for
 * the mappings (`memberDns`). The groups' timestamps advance a modifyTimestamp cursor too, or a
 * group change with nobody else changing would be found again by every later run.
 */
export async function ldapGroupChanges(
  client: Client,
  source: DirectorySource,
  since: string,
  cursor: SyncCursor,
  memberDns: Map<string, string[]>,
): Promise<GroupChanges> {
  const groups = mappedGroups(source);
  if (groups.length === 0) return NONE();
  const { keys, entries } = await changedKeys(
    client,
    source,
    `(&${groupFilterOf(source)}${since})`,
    ['modifyTimestamp'],
  );
  advanceTimestampCursor(cursor, entries);
  const changed = groups.filter((group) => keys.has(dnKey(group)));
  return {
    changed,
    memberSearches: [],
    memberDns: new Map(changed.map((group) => [group, memberDns.get(group) ?? []])),
  };
}

const CANONICAL_TIME = /^\d{14}Z$/;

/** `YYYYMMDDHHMMSSZ` (sorts as text); other GeneralizedTime forms are converted, junk is null. */
function canonicalTime(value: string): string | null {
  if (CANONICAL_TIME.test(value)) return value;
  const date = parseGeneralizedTime(value);
  return date ? formatGeneralizedTime(date) : null;
}

/** Generic LDAP: the cursor becomes the greatest modifyTimestamp read so far. */
export function advanceTimestampCursor(cursor: SyncCursor, entries: Entry[]): void {
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
