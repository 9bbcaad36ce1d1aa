import type { DirectorySource } from '../../server/shared/config/directorySources.ts';
import {
  createDirectoryReader,
  type LdapDirectoryRead,
  type ReaderServices,
} from '../../server/sources/ldap/reader.ts';
import type { ReadMode, SourcePerson, SyncCursor } from '../../server/sources/types.ts';

/** Everything one read produced: the read itself, its pages and the people in them. */
export interface ReadResult {
  read: LdapDirectoryRead;
  pages: SourcePerson[][];
  people: SourcePerson[];
  byUsername: Map<string, SourcePerson>;
}

/** Reads a source to the end (tests only: benchmarks and the engine stream). */
export async function readAll(
  source: DirectorySource,
  mode: ReadMode = 'full',
  since: SyncCursor | null = null,
  services: Partial<ReaderServices> = {},
): Promise<ReadResult> {
  const read = await createDirectoryReader(source, { now: () => new Date(), ...services }).read({
    mode,
    since,
  });
  const pages: SourcePerson[][] = [];
  for await (const page of read.pages) pages.push(page);
  const people = pages.flat();
  return {
    read,
    pages,
    people,
    byUsername: new Map(people.map((person) => [person.username ?? '', person])),
  };
}
