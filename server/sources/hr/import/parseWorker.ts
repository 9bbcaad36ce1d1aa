import { parentPort, threadId, workerData } from 'node:worker_threads';
import type { ImportLimits } from './limits.ts';
import { type ParseOptions, parseImport } from './parse.ts';
import type { ParsedFile, WorkerReply, WorkerRequest } from './parseProtocol.ts';

/**
 * The worker thread of an import (started by parseInWorker.ts): reads, maps and validates the
 * file it is given, answers its summary, then hands the validated people over page by page as
 * the main thread asks for them (so the main thread never holds the whole file's rows).
 */
const port = parentPort;
const input = workerData as { bytes: Uint8Array; options: ParseOptions; limits: ImportLimits };
const MAX_LISTED_ERRORS = 1_000;

function reply(message: WorkerReply): void {
  port?.postMessage(message);
}

function serve(): void {
  let parsed: ReturnType<typeof parseImport>;
  try {
    parsed = parseImport(input.bytes, input.options, input.limits, (rows) =>
      reply({ type: 'progress', rows }),
    );
  } catch (error) {
    const { status, code, extra } = error as { status?: number; code?: string; extra?: unknown };
    reply({
      type: 'error',
      status,
      code,
      message: (error as Error).message ?? String(error),
      extra: extra as Record<string, unknown> | undefined,
    });
    return;
  }
  const { rows, rowErrors, ...rest } = parsed;
  const summary: ParsedFile = {
    ...rest,
    rows: rows.length,
    rowErrors: rowErrors.slice(0, MAX_LISTED_ERRORS),
    rowErrorCount: rowErrors.length,
    threadId,
  };
  reply({ type: 'parsed', summary });
  let next = 0;
  port?.on('message', (request: WorkerRequest) => {
    const people = rows.slice(next, next + request.size).map((row) => row.person);
    next += request.size;
    reply({ type: 'page', people });
  });
}

serve();
