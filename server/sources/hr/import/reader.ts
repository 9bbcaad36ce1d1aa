import type { DirectoryReader, ReadMode, SourcePerson } from '../../types.ts';
import type { ValidatedRow } from './rows.ts';

/** Entries per staged page: a few large staging statements rather than many small ones. */
export const IMPORT_PAGE_SIZE = 5_000;

/**
 * A directory reader over a parsed file: pages of its rows as SourcePerson entries. Rows with
 * errors are entries too, carrying the errors (the plan lists them as conflicts). `mode` is
 * the file's scope, whatever the engine asks: `full` when the file is the complete staff list
 * (HR people missing from it are deactivated), `incremental` when it only lists some people.
 */
export function importReader(rows: readonly ValidatedRow[], mode: ReadMode): DirectoryReader {
  return {
    async read() {
      async function* pages(): AsyncIterable<SourcePerson[]> {
        for (let start = 0; start < rows.length; start += IMPORT_PAGE_SIZE)
          yield rows.slice(start, start + IMPORT_PAGE_SIZE).map((row) => row.person);
      }
      return { mode, cursor: {}, pages: pages() };
    },
  };
}
