import type { DirectoryReader, SourcePerson } from './types.ts';

/** The people a targeted run is for, by external id. */
export interface Targets {
  /** Found out and still in the directory (disabled, locked): read again by id. */
  out: readonly string[];
  /** Found deleted (AD tombstones): their tombstones read again, as the run's absence. */
  deleted: readonly string[];
}

async function* noPages(): AsyncGenerator<SourcePerson[]> {}

/**
 * A reader for an incremental run of the given people only, which leaves the source's cursor
 * where it was: the change watch's run for the accounts its probe found out or deleted, instead
 * of every change since the cursor (on Samba, three scans of the domain). Those out are read by
 * id (`readPeople`); those deleted are the run's absence only where the directory still holds
 * their tombstones (`readGone`): the run acts on what it read, not on the probe's word. The
 * changes it skips are read by the next ordinary run, from the same cursor. People the
 * directory no longer has under the base DNs are simply not read, as `readPeople` says.
 */
export function targetedReader(inner: DirectoryReader, targets: Targets): DirectoryReader {
  const readPeople = inner.readPeople?.bind(inner);
  const readGone = inner.readGone?.bind(inner);
  return {
    async read({ mode, since }) {
      if (!readPeople) throw new Error('this source cannot read people by id');
      if (targets.deleted.length > 0 && !readGone)
        throw new Error('this source cannot read deletions by id');
      // Without a cursor the run would be a full read: a few ids are not the whole directory.
      if (mode !== 'incremental' || !since)
        throw new Error('a targeted read continues an incremental cursor');
      return {
        mode: 'incremental',
        cursor: since,
        pages: targets.out.length > 0 ? readPeople(targets.out) : noPages(),
        ...(readGone && targets.deleted.length > 0
          ? { absence: () => readGone(targets.deleted) }
          : {}),
      };
    },
    ...(readPeople ? { readPeople } : {}),
  };
}
