import type { DirectoryReader } from './types.ts';

/**
 * A reader for an incremental run of the given people only (by external id), which leaves the
 * source's cursor where it was: the change watch's run for the accounts its probe found out,
 * read by id instead of every change since the cursor (on Samba, three scans of the domain).
 * The changes it skips are read by the next ordinary run, from the same cursor. People the
 * directory no longer has under the base DNs are simply not read, as `readPeople` says.
 */
export function targetedReader(
  inner: DirectoryReader,
  externalIds: readonly string[],
): DirectoryReader {
  const readPeople = inner.readPeople?.bind(inner);
  return {
    async read({ mode, since }) {
      if (!readPeople) throw new Error('this source cannot read people by id');
      // Without a cursor the run would be a full read: a few ids are not the whole directory.
      if (mode !== 'incremental' || !since)
        throw new Error('a targeted read continues an incremental cursor');
      return { mode: 'incremental', cursor: since, pages: readPeople(externalIds) };
    },
    ...(readPeople ? { readPeople } : {}),
  };
}
