import { type Client, Control, type Entry, type Filter, type SearchOptions } from 'ldapts';
import type { DirectorySource } from '../../shared/config/directorySources.ts';
import { DirectoryReadError } from './errors.ts';

/**
 * LDAP_SERVER_DOMAIN_SCOPE_OID: AD answers a subtree search of the domain root with continuation
 * references to the DNS and Configuration partitions; this control tells it not to. Any reference
 * that still comes makes the read throw (below), so the control keeps AD reads possible.
 */
const DOMAIN_SCOPE_OID = '1.2.840.113556.1.4.1339';

/** One paged subtree search. */
export interface PagedQuery {
  base: string;
  /** A filter string, or a built Filter (binary values: see guid.ts). */
  filter: string | Filter;
  attributes: string[];
  binary?: string[];
  scope?: SearchOptions['scope'];
  /** Further controls (AD tombstones need Show Deleted). */
  controls?: Control[];
}

/**
 * Streams a paged search (RFC 2696), one page at a time: the next page is requested only when the
 * caller asks for it, so memory holds one page. Throws on any error or on a search reference
 * (we do not follow referrals, and skipping one would silently drop its people).
 */
export async function* pagedSearch(
  client: Client,
  source: DirectorySource,
  query: PagedQuery,
): AsyncGenerator<Entry[]> {
  const controls = [
    ...(source.kind === 'active-directory'
      ? [new Control(DOMAIN_SCOPE_OID, { critical: false })]
      : []),
    ...(query.controls ?? []),
  ];
  const pages = client.searchPaginated(
    query.base,
    {
      scope: query.scope ?? 'sub',
      filter: query.filter,
      attributes: query.attributes,
      explicitBufferAttributes: query.binary ?? [],
      paged: { pageSize: source.pageSize },
    },
    controls,
  );
  for await (const page of pages) {
    if (page.searchReferences.length > 0)
      throw new DirectoryReadError(
        `directory ${source.id} returned a referral (${page.searchReferences[0]}): not followed; narrow the base DNs`,
      );
    yield page.searchEntries;
  }
}
