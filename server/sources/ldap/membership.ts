import type { Client } from 'ldapts';
import type { DirectorySource } from '../../shared/config/directorySources.ts';
import type { SourcePerson } from '../types.ts';
import { dnKey, nestedGroupsOf, nestedMembers } from './groups.ts';
import { valueTexts } from './values.ts';

/** Who is in the mapped groups, as far as memberOf alone does not tell. */
export interface MappedMembership {
  /** Mapped group DN (as configured) → member DN keys (nested for AD, direct for generic LDAP). */
  keys: Map<string, Set<string>>;
  /** Generic LDAP: mapped group DN → its `member` / `uniqueMember` values as the server spells them. */
  memberDns: Map<string, string[]>;
}

/**
 * Members of the mapped groups, read once per read: AD with `nestedGroups` asks AD for the whole
 * chain per group; generic LDAP reads each group's member values (servers without a memberOf
 * overlay have no other way). AD without `nestedGroups` relies on memberOf alone.
 */
export async function mappedMembership(
  client: Client,
  source: DirectorySource,
): Promise<MappedMembership> {
  const keys = new Map<string, Set<string>>();
  const memberDns = new Map<string, string[]>();
  for (const { group } of source.groupMappings) {
    if (source.kind === 'active-directory') {
      if (source.nestedGroups) keys.set(group, await nestedMembers(client, source, group));
      continue;
    }
    const { searchEntries } = await client.search(group, {
      scope: 'base',
      filter: '(objectClass=*)',
      attributes: ['member', 'uniqueMember'],
    });
    const entry = searchEntries[0];
    if (!entry) throw new Error(`mapped group ${group} not found in ${source.id}`);
    const dns: string[] = [];
    for (const name of ['member', 'uniqueMember']) dns.push(...valueTexts(entry[name]));
    keys.set(group, new Set(dns.map(dnKey)));
    memberDns.set(group, dns);
  }
  return { keys, memberDns };
}

/** Adds mapped groups (nested or read from group entries) and, when asked, per-person nested groups. */
export async function addGroups(
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
