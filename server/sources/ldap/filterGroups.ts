import {
  AndFilter,
  type Client,
  Control,
  EqualityFilter,
  ExtensibleFilter,
  type Filter,
  FilterParser,
  NotFilter,
  OrFilter,
} from 'ldapts';
import type { DirectorySource } from '../../shared/config/directorySources.ts';
import { dnWithinAny } from '../../shared/dn.ts';
import { type UsnWindow, usnWindowTerms } from './adState.ts';
import { groupMembers, IN_CHAIN } from './groups.ts';
import { formatGuid } from './guid.ts';
import { pagedSearch } from './pagedSearch.ts';

/** A group the user filter names through `memberOf`. */
export interface FilterGroup {
  dn: string;
  /** Named with the chain rule (`memberOf:1.2.840.113556.1.4.1941:=`): nested groups count. */
  nested: boolean;
}

/**
 * The groups an AD source's user filter names through `memberOf`, anywhere in it (an access
 * group «Доступ к мессенджеру» required, a blocked group excluded). Adding or removing a member
 * changes the group, not the person (memberOf is a back link), so who matches the filter can
 * change with no change to any person: an incremental run must look at these groups too.
 */
export function filterGroupsOf(source: DirectorySource): FilterGroup[] {
  const found: FilterGroup[] = [];
  const walk = (filter: Filter): void => {
    if (filter instanceof AndFilter || filter instanceof OrFilter) filter.filters.forEach(walk);
    else if (filter instanceof NotFilter) walk(filter.filter);
    else if (filter instanceof EqualityFilter && filter.attribute.toLowerCase() === 'memberof')
      found.push({ dn: filter.value.toString(), nested: false });
    else if (
      filter instanceof ExtensibleFilter &&
      filter.matchType.toLowerCase() === 'memberof' &&
      filter.rule === IN_CHAIN
    )
      found.push({ dn: filter.value, nested: true });
  };
  walk(FilterParser.parseString(source.userFilter));
  return found;
}

/**
 * Whether one of the filter's groups (or, for a chain-rule clause, a group nested in it) changed
 * in the USN window `from`..`to` (`to` null: no upper bound): one search of the domain's groups
 * on uSNChanged, objectGUID only.
 */
export async function filterGroupChanged(
  client: Client,
  source: DirectorySource,
  domain: string,
  groups: readonly FilterGroup[],
  usn: UsnWindow,
): Promise<boolean> {
  if (groups.length === 0) return false;
  const named = new OrFilter({
    filters: groups.flatMap((group) => [
      new EqualityFilter({ attribute: 'distinguishedName', value: group.dn }),
      ...(group.nested
        ? [new ExtensibleFilter({ matchType: 'memberOf', rule: IN_CHAIN, value: group.dn })]
        : []),
    ]),
  });
  const filter = new AndFilter({
    filters: [
      new EqualityFilter({ attribute: 'objectClass', value: 'group' }),
      ...usnWindowTerms(usn),
      named,
    ],
  });
  let changed = false;
  // Read to the end: an abandoned paged search would hold one of the DC's result sets.
  for await (const page of pagedSearch(client, source, {
    base: domain,
    filter,
    attributes: ['objectGUID'],
    binary: ['objectGUID'],
  }))
    if (page.length > 0) changed = true;
  return changed;
}

/** Whether a filter names a group through `memberOf` anywhere in it. */
function namesGroups(filter: Filter): boolean {
  if (filter instanceof AndFilter || filter instanceof OrFilter)
    return filter.filters.some(namesGroups);
  if (filter instanceof NotFilter) return namesGroups(filter.filter);
  if (filter instanceof EqualityFilter) return filter.attribute.toLowerCase() === 'memberof';
  return filter instanceof ExtensibleFilter && filter.matchType.toLowerCase() === 'memberof';
}

/**
 * The groups an AD user filter requires directly (`(memberOf=<dn>)` as the filter, or as one of
 * its top-level AND terms), when those are the only groups it names: then someone matches it
 * only while a direct member of each, and the groups' member lists tell who left. Null when
 * the filter names a group any other way (nested, or-ed, excluded): only an enumeration tells.
 */
export function requiredGroupsOf(source: DirectorySource): string[] | null {
  const filter = FilterParser.parseString(source.userFilter);
  const terms = filter instanceof AndFilter ? filter.filters : [filter];
  const required: string[] = [];
  for (const term of terms)
    if (term instanceof EqualityFilter && term.attribute.toLowerCase() === 'memberof')
      required.push(term.value.toString());
    else if (namesGroups(term)) return null;
  return required;
}

/** LDAP_SERVER_EXTENDED_DN_OID: each DN value comes as `<GUID=hex>;<SID=hex>;<DN>`. */
export const EXTENDED_DN_OID = '1.2.840.113556.1.4.529';
const GUID_OF_VALUE = /^<GUID=([0-9a-fA-F]{32})>/;
/** The `<…>;` parts before the DN of such a value. */
const EXTENDED_PARTS = /^(?:<[^>]*>;)+/;

/** A member value read with the extended DN control: the member's objectGUID and DN. */
export interface ExtendedMember {
  /** As the sync makes external ids (formatGuid). */
  guid: string;
  dn: string;
}

/** Splits a value read with the extended DN control; throws on one without its GUID. */
export function extendedMember(groupDn: string, value: string): ExtendedMember {
  const hex = GUID_OF_VALUE.exec(value)?.[1];
  if (!hex) throw new Error(`group ${groupDn}: a member value without its GUID: ${value}`);
  return { guid: formatGuid(Buffer.from(hex, 'hex')), dn: value.replace(EXTENDED_PARTS, '') };
}

/**
 * The objectGUIDs (as the sync makes external ids) of the direct members of every given group
 * whose DN lies under one of `within` (the source's base DNs), read from each group's `member`
 * values with the extended DN control (ranged, 1,500 a read): no search of the people at all.
 */
export async function membersOfAll(
  client: Client,
  groupDns: readonly string[],
  within: readonly string[],
): Promise<Set<string>> {
  const sets: Set<string>[] = [];
  for (const groupDn of groupDns) {
    const values = await groupMembers(client, groupDn, [
      new Control(EXTENDED_DN_OID, { critical: true }),
    ]);
    const members = new Set<string>();
    for (const value of values) {
      const member = extendedMember(groupDn, value);
      if (dnWithinAny(member.dn, within)) members.add(member.guid);
    }
    sets.push(members);
  }
  return inAll(sets);
}

/** The ids in every one of the sets (none when there is no set). */
export function inAll(sets: readonly ReadonlySet<string>[]): Set<string> {
  const [first, ...rest] = sets;
  return new Set([...(first ?? [])].filter((id) => rest.every((set) => set.has(id))));
}
