import type { DirectoryReader } from './types.ts';

/**
 * A reader for an incremental run of the given people only (by external id), which leaves the
 * source's cursor where it was: the change watch's run for the accounts its probe found out,
 * deleted, moved out, no longer matched by the user filter or added to the access group,
 * instead of every change since the cursor (on Samba, three scans of the domain). Its pages are
 * those people read again by id (`readPeople`: those still in scope); its absence
 * (`readGone`) is which of them the directory says are gone (a tombstone or, in generic LDAP,
 * an id found nowhere; an entry out of the base DNs, or one the user filter no longer
 * matches), less anyone the pages read. So the run acts on what it read itself, not on the
 * probe's word. The changes it skips are read by the next ordinary run, from the same cursor.
 */
export function targetedReader(
  inner: DirectoryReader,
  externalIds: readonly string[],
): DirectoryReader {
  const readPeople = inner.readPeople?.bind(inner);
  const readGone = inner.readGone?.bind(inner);
  return {
    async read({ mode, since }) {
      if (!readPeople) throw new Error('this source cannot read people by id');
      // Without a cursor the run would be a full read: a few ids are not the whole directory.
      if (mode !== 'incremental' || !since)
        throw new Error('a targeted read continues an incremental cursor');
      return {
        mode: 'incremental',
        cursor: since,
        pages: readPeople(externalIds),
        ...(readGone ? { absence: () => readGone(externalIds) } : {}),
      };
    },
    ...(readPeople ? { readPeople } : {}),
  };
}
