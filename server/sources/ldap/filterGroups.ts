import {
  AndFilter,
  type Client,
  EqualityFilter,
  ExtensibleFilter,
  type Filter,
  FilterParser,
  NotFilter,
  OrFilter,
} from 'ldapts';
import type { DirectorySource } from '../../shared/config/directorySources.ts';
import { type UsnWindow, usnWindowTerms } from './adState.ts';
import { IN_CHAIN } from './groups.ts';
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
