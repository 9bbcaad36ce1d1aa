import type { SourcePerson } from '../../types.ts';
import type { ParsedImport } from './parse.ts';
import type { RowError } from './rows.ts';

/** What the worker tells of a file it read: all but the rows, which come page by page. */
export interface ParsedFile extends Omit<ParsedImport, 'rows' | 'rowErrors'> {
  /** Data rows read. */
  rows: number;
  /** The first row errors (1,000), in file order. */
  rowErrors: RowError[];
  /** Row errors in all. */
  rowErrorCount: number;
  /** The worker thread that read the file (the main thread is 0). */
  threadId: number;
}

/** The main thread asks for the next page of validated people. */
export interface WorkerRequest {
  type: 'page';
  size: number;
}

/** What the worker sends: progress while reading, then the summary or the refusal, then pages. */
export type WorkerReply =
  | { type: 'progress'; rows: number }
  | { type: 'parsed'; summary: ParsedFile }
  | {
      type: 'error';
      status: number | undefined;
      code: string | undefined;
      message: string;
      extra: Record<string, unknown> | undefined;
    }
  /** An empty page: no more rows. */
  | { type: 'page'; people: SourcePerson[] };
