import { Worker } from 'node:worker_threads';
import { isErrorCode } from '../../../shared/errorCodes.ts';
import { AppError } from '../../../shared/errors.ts';
import { workerModuleUrl } from '../../../shared/workerModule.ts';
import type { SourcePerson } from '../../types.ts';
import { type ImportLimits, importTooSlow } from './limits.ts';
import type { ParseOptions } from './parse.ts';
import type { ParsedFile, WorkerReply, WorkerRequest } from './parseProtocol.ts';

export type { ParsedFile } from './parseProtocol.ts';

/** A file read in a worker thread: its summary, and its people page by page. */
export interface WorkerParse {
  parsed: ParsedFile;
  /** The validated people in file order, `size` at a time; ends the worker when done. */
  pages(size: number): AsyncIterable<SourcePerson[]>;
  /** Ends the worker (idempotent). */
  close(): Promise<void>;
}

// Bundled into one plain module before the first worker starts (shared/workerModule.ts).
const WORKER_ENTRY = new URL('./parseWorker.ts', import.meta.url);

/**
 * Reads, maps and validates an import file in a worker thread, so that nothing in proportion to
 * the file runs on the event loop: decoding, CSV and XLSX parsing, validation and hashing. The
 * worker answers the file's summary (or its refusal, the same 4xx problems as ever), then keeps
 * the rows and sends them page by page as they are staged. Reading longer than
 * `limits.maxParseSeconds` ends the worker: 422 `import_too_slow`. `onProgress` hears the rows
 * read so far (every 10,000, XLSX).
 */
export async function parseInWorker(
  bytes: Uint8Array,
  options: ParseOptions,
  limits: ImportLimits,
  onProgress?: (rows: number) => void,
): Promise<WorkerParse> {
  const url = await workerModuleUrl(WORKER_ENTRY);
  // A copy of its own for the worker (moved, not cloned): the caller keeps its buffer.
  const copy = new Uint8Array(bytes);
  const worker = new Worker(url, {
    // A clean thread: the module is plain JavaScript, and no preload of ours belongs in it.
    execArgv: [],
    workerData: { bytes: copy, options, limits },
    transferList: [copy.buffer],
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await worker.terminate();
  };
  // One request at a time: the page asked for, or the summary awaited.
  let waiting: { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void } | null =
    null;
  let failure: Error | null = null;
  const fail = (error: Error) => {
    failure ??= error;
    waiting?.reject(failure);
    waiting = null;
    void close();
  };
  worker.on('message', (reply: WorkerReply) => {
    if (reply.type === 'progress') {
      onProgress?.(reply.rows);
      return;
    }
    const pending = waiting;
    waiting = null;
    pending?.resolve(reply);
  });
  worker.on('error', (error) => fail(error));
  worker.on('exit', (code) => {
    if (!closed) fail(new Error(`the import worker stopped (exit code ${code})`));
  });
  const next = () =>
    new Promise<WorkerReply>((resolve, reject) => {
      if (failure) reject(failure);
      else waiting = { resolve, reject };
    });
  const timer = setTimeout(
    () => fail(importTooSlow(limits.maxParseSeconds)),
    limits.maxParseSeconds * 1_000,
  );
  timer.unref();
  return next().then(
    (reply) => {
      clearTimeout(timer);
      if (reply.type === 'error') {
        void close();
        if (reply.status !== undefined && reply.code !== undefined && isErrorCode(reply.code))
          throw new AppError(reply.status, reply.code, reply.message, reply.extra ?? {});
        throw new Error(`reading the file failed: ${reply.message}`);
      }
      if (reply.type !== 'parsed') throw new Error(`unexpected reply from the import worker`);
      return {
        parsed: reply.summary,
        close,
        async *pages(size: number) {
          try {
            for (;;) {
              const request: WorkerRequest = { type: 'page', size };
              const answer = next();
              worker.postMessage(request);
              const page = await answer;
              if (page.type !== 'page' || page.people.length === 0) return;
              yield page.people;
            }
          } finally {
            await close();
          }
        },
      };
    },
    (error: unknown) => {
      clearTimeout(timer);
      void close();
      throw error;
    },
  );
}
