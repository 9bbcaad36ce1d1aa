import { AndFilter, EqualityFilter, type Filter, FilterParser, OrFilter } from 'ldapts';
import { closeQuietly, connectClient } from '../../identity/ldap/client.ts';
import { bindPasswordOf, type DirectorySource } from '../../shared/config/directorySources.ts';
import type { SourcePerson } from '../types.ts';
import { searchBases } from './bases.ts';
import { objectGuidFilter } from './guid.ts';
import { attributeMapping, idAttributeOf, requestedAttributes, toSourcePerson } from './mapping.ts';
import { addGroups, mappedMembership } from './membership.ts';

/** What reading people by id needs from the service. */
export interface ReadPeopleServices {
  now: () => Date;
  env?: NodeJS.ProcessEnv;
}

/** Ids per OR filter: short enough for any server's filter limits, few round trips. */
export const IDS_PER_FILTER = 100;

/**
 * The filter of one external id: AD's objectGUID as its 16 bytes (in AD's byte order); the
 * generic id attribute (entryUUID) as text. Built as filter objects, not text: ldapts would turn
 * an escaped byte above 7F (`\9f`) into a two-byte UTF-8 character and match nobody. Null when
 * the id cannot be an id of this source (it then matches nobody).
 */
function idFilter(source: DirectorySource, externalId: string): Filter | null {
  if (source.kind === 'active-directory') return objectGuidFilter(externalId);
  return new EqualityFilter({ attribute: idAttributeOf(source), value: externalId });
}

/**
 * The current entries of the given people, with their groups as a full read gives them: OR
 * filters of 100 ids ANDed with the user filter, one paged search per base DN each. People the
 * source no longer has (or who no longer match the user filter) are absent. Opens its own connection.
 */
export async function* readPeopleByIds(
  source: DirectorySource,
  services: ReadPeopleServices,
  externalIds: readonly string[],
): AsyncGenerator<SourcePerson[]> {
  const filters = externalIds.flatMap((id) => idFilter(source, id) ?? []);
  if (filters.length === 0) return;
  const client = await connectClient(source);
  try {
    await client.bind(source.bindDn, bindPasswordOf(source, services.env));
    const membership = (await mappedMembership(client, source)).keys;
    const mapping = attributeMapping(source);
    const attributes = requestedAttributes(source);
    const userFilter = FilterParser.parseString(source.userFilter);
    const binary = source.kind === 'active-directory' ? [idAttributeOf(source)] : [];
    for (let i = 0; i < filters.length; i += IDS_PER_FILTER) {
      const filter = new AndFilter({
        filters: [userFilter, new OrFilter({ filters: filters.slice(i, i + IDS_PER_FILTER) })],
      });
      // Every base DN: a person may have moved from one base to another since the last read.
      for await (const entries of searchBases(client, source, { filter, attributes, binary })) {
        if (entries.length === 0) continue;
        const now = services.now();
        const people = entries.map((entry) => toSourcePerson(source, mapping, entry, now));
        await addGroups(client, source, membership, people);
        yield people;
      }
    }
  } finally {
    await closeQuietly(client);
  }
}
