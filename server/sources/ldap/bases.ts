import type { Client, Entry } from 'ldapts';
import type { DirectorySource } from '../../shared/config/directorySources.ts';
import { dnWithinAny } from '../../shared/dn.ts';
import { type PagedQuery, type PageRetry, pagedSearch } from './pagedSearch.ts';

/*
 * A source searches one or more base DNs (`baseDns`): one paged search per base, one after the
 * other on the same connection, the pages passed on as they come. The schema refuses nested or
 * repeated bases, but a source object built without it (a test, a bench) could still hold two
 * overlapping ones; an entry under an earlier base is then dropped from a later base's pages, so
 * it is read once (without keeping a set of every DN read, which a 100,000-entry read would pay
 * for in memory).
 */

/** Where a source's group searches start: its `groupBaseDn`, else its base DNs. */
export function groupBasesOf(source: DirectorySource): string[] {
  return source.groupBaseDn ? [source.groupBaseDn] : source.baseDns;
}

/**
 * The pages of one paged search per base DN (`bases`, default the source's), in order; an entry
 * found under an earlier base is left out of a later one's pages, and pages left empty by that
 * are not yielded.
 */
export async function* searchBases(
  client: Client,
  source: DirectorySource,
  query: Omit<PagedQuery, 'base'>,
  bases: readonly string[] = source.baseDns,
  retry?: PageRetry,
): AsyncGenerator<Entry[]> {
  // With `retry`, a failed page may move the search to a new connection (pagedSearch.ts);
  // the next base then starts on the connection the retry opened.
  let current = client;
  const following: PageRetry | undefined = retry && {
    ...retry,
    reopen: async () => {
      current = await retry.reopen();
      return current;
    },
  };
  for (const [index, base] of bases.entries()) {
    const earlier = bases.slice(0, index);
    for await (const page of pagedSearch(current, source, { ...query, base }, following)) {
      const fresh =
        earlier.length === 0 ? page : page.filter((entry) => !dnWithinAny(entry.dn, earlier));
      if (fresh.length > 0) yield fresh;
    }
  }
}
