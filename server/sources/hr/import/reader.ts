import type { DirectoryReader, ReadMode, SourcePerson } from '../../types.ts';

/** Entries per staged page: a few large staging statements rather than many small ones. */
export const IMPORT_PAGE_SIZE = 5_000;

/**
 * A directory reader over a file read in a worker (parseInWorker.ts): its validated rows as
 * SourcePerson entries, fetched from the worker page by page as the engine stages them. Rows
 * with errors are entries too, carrying the errors (the plan lists them as conflicts). `mode`
 * is the file's scope, whatever the engine asks: `full` when the file is the complete staff
 * list (HR people missing from it are deactivated), `incremental` when it only lists some.
 * `onPage` hears how many rows were handed over so far (the run's progress).
 */
export function importReader(
  pages: (size: number) => AsyncIterable<SourcePerson[]>,
  mode: ReadMode,
  onPage?: (rowsRead: number) => Promise<void>,
): DirectoryReader {
  return {
    async read() {
      async function* counted(): AsyncIterable<SourcePerson[]> {
        let read = 0;
        for await (const page of pages(IMPORT_PAGE_SIZE)) {
          read += page.length;
          await onPage?.(read);
          yield page;
        }
      }
      return { mode, cursor: {}, pages: counted() };
    },
  };
}
