import type { Client, Control } from 'ldapts';
import { escapeFilterValue } from '../../identity/ldap/filter.ts';
import type { DirectorySource } from '../../shared/config/directorySources.ts';
import { groupBasesOf, searchBases } from './bases.ts';
import { valueTexts } from './values.ts';

/** LDAP_MATCHING_RULE_IN_CHAIN: AD walks nested group membership server-side. */
export const IN_CHAIN = '1.2.840.113556.1.4.1941';

/** DNs compare case-insensitively in AD and for our purposes in LDAP too. */
export function dnKey(dn: string): string {
  return dn.toLowerCase();
}

/**
 * People (matching the user filter) in `groupDn` directly or through nested groups: one paged
 * search `(memberOf:IN_CHAIN:=<group>)` per group and base DN instead of one query per person.
 * AD only.
 */
export async function nestedMembers(
  client: Client,
  source: DirectorySource,
  groupDn: string,
): Promise<Set<string>> {
  const members = new Set<string>();
  const filter = `(&${source.userFilter}(memberOf:${IN_CHAIN}:=${escapeFilterValue(groupDn)}))`;
  for await (const page of searchBases(client, source, { filter, attributes: ['1.1'] }))
    for (const entry of page) members.add(dnKey(entry.dn));
  return members;
}

/** Groups a person is in, directly or nested (one query per person; AD only). */
export async function nestedGroupsOf(
  client: Client,
  source: DirectorySource,
  personDn: string,
): Promise<string[]> {
  const groups: string[] = [];
  const filter = `(&${groupFilterOf(source)}(member:${IN_CHAIN}:=${escapeFilterValue(personDn)}))`;
  for await (const page of searchBases(
    client,
    source,
    { filter, attributes: ['1.1'] },
    groupBasesOf(source),
  ))
    for (const entry of page) groups.push(entry.dn);
  return groups;
}

/** The source's group filter, or the kind's default. */
export function groupFilterOf(source: DirectorySource): string {
  if (source.groupFilter) return source.groupFilter;
  return source.kind === 'active-directory'
    ? '(objectClass=group)'
    : '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))';
}

/** AD's default MaxValRange. */
const RANGE_STEP = 1_500;
const RANGE = /^(member|uniquemember);range=(\d+)-(\d+|\*)$/i;

/**
 * A group's direct `member` values. AD returns at most 1,500 values of a multi-valued attribute per
 * entry (MaxValRange) and then names the attribute `member;range=0-1499`: the rest is fetched with
 * `member;range=1500-*` and so on until a range ends in `*`.
 */
export async function groupMembers(
  client: Client,
  groupDn: string,
  /** Controls for each read (the extended DN control gives each value's GUID). */
  controls: Control[] = [],
): Promise<string[]> {
  const members: string[] = [];
  let low = 0;
  for (;;) {
    const { searchEntries } = await client.search(
      groupDn,
      {
        scope: 'base',
        filter: '(objectClass=*)',
        // Explicit windows of MaxValRange (1,500): Windows cuts there anyway, and Samba (which
        // would answer "low-*" with every value) then pages the same way.
        attributes: [`member;range=${low}-${low + RANGE_STEP - 1}`],
      },
      controls,
    );
    const entry = searchEntries[0];
    if (!entry) throw new Error(`group ${groupDn} not found`);
    let next: number | null = null;
    let ranged = false;
    for (const [key, raw] of Object.entries(entry)) {
      const match = RANGE.exec(key);
      const values = valueTexts(raw);
      // ldapts adds every requested attribute the server left out as [] (under the requested
      // name): an empty window is the end, or we would ask for the next window forever.
      if (!match || values.length === 0) continue;
      ranged = true;
      members.push(...values);
      if (match[3] !== '*') next = Number(match[3]) + 1;
    }
    if (!ranged) {
      // Small groups: some servers answer a range request with the plain attribute.
      const plain = Object.entries(entry).find(([key]) => key.toLowerCase() === 'member')?.[1];
      members.push(...valueTexts(plain));
      return members;
    }
    if (next === null) return members;
    if (next <= low) throw new Error(`group ${groupDn}: range retrieval made no progress`);
    low = next;
  }
}
