import type { Actor } from '../../../authz/actor.ts';
import { type AppAbility, authorize } from '../../../authz/index.ts';
import { runCommand } from '../../../commands/runCommand.ts';
import type { Services } from '../../../shared/services.ts';
import { readRun } from '../../runCommands.ts';
import { startRun } from '../../runs.ts';
import type { RunView } from '../../schemas.ts';
import { HR_IMPORT_SOURCE_ID, hrSource } from '../source.ts';
import type { ColumnMapping } from './headers.ts';
import { limitsOf } from './limits.ts';
import type { ImportFormat } from './parse.ts';
import { type ParsedFile, parseInWorker, type WorkerParse } from './parseInWorker.ts';
import { rankRule } from './rank.ts';
import { importReader } from './reader.ts';

/** Whether a file lists some people (partial) or is the whole staff list (complete). */
export const IMPORT_SCOPES = ['partial', 'complete'] as const;
export type ImportScope = (typeof IMPORT_SCOPES)[number];

/** An uploaded file and how to read it. */
export interface UploadInput {
  bytes: Uint8Array;
  fileName: string;
  scope: ImportScope;
  mapping?: ColumnMapping;
  format?: ImportFormat;
}

/** What an import run keeps about its file (the worker lists the first 1,000 row errors). */
function detailsOf(parsed: ParsedFile, scope: ImportScope): Record<string, unknown> {
  return {
    fileName: parsed.fileName,
    sha256: parsed.sha256,
    bytes: parsed.bytes,
    format: parsed.format,
    encoding: parsed.encoding,
    delimiter: parsed.delimiter,
    headers: parsed.headers.slice(0, 200),
    mapping: parsed.mapping,
    unmappedHeaders: parsed.unmappedHeaders.slice(0, 200),
    rows: parsed.rows,
    rowErrors: parsed.rowErrors,
    rowErrorCount: parsed.rowErrorCount,
    scope,
    // Read off the event loop, by this worker thread (never 0, the main thread).
    parsedInThread: parsed.threadId,
    progress: { rowsRead: 0, rows: parsed.rows },
  };
}

/**
 * Refuses (and audits) an upload before its body is read: someone who may not import does not
 * get to make the service buffer a file of up to `hr.import.maxFileBytes` first.
 */
export function authorizeUpload(services: Services, actor: Actor): Promise<void> {
  return runCommand(services, actor, async ({ ability }) => {
    authorize(ability, 'create', 'Import', {
      auditAction: 'import.uploaded',
      targetType: 'import',
    });
  });
}

/**
 * Uploads an HR file (staff and up): reads and validates it, then plans it as a run of the
 * `hr-import` source that stops at `planned` (the preview). Items on people of the requester's
 * rank or above are blocked (superadmins excepted). Audited `import.uploaded` with the file's
 * name and SHA-256. Answers
 * once the preview is planned (or failed).
 */
export async function uploadImport(
  services: Services,
  actor: Actor,
  input: UploadInput,
  /** The CLI (the operator at the server's shell) acts with a superadmin's ability. */
  ability?: AppAbility,
): Promise<RunView> {
  // Read in a worker thread before the transaction, so a big file neither blocks the event loop
  // nor holds a connection while it is read (the route refuses people who may not import
  // before it even reads the upload). Limits refuse what is too large before the work.
  const job = await parseInWorker(
    input.bytes,
    { fileName: input.fileName, format: input.format, mapping: input.mapping },
    limitsOf(services.config.hr.import),
    (rows) => services.logger.debug({ fileName: input.fileName, rows }, 'import: rows read'),
  );
  try {
    const { parsed } = job;
    const run: { id: string | null } = { id: null };
    // The run's progress: rows handed over for staging so far, in details.progress.
    const onPage = async (rowsRead: number) => {
      if (run.id === null) return;
      await services.pool.query(
        `update sync_run set details = jsonb_set(details, '{progress}', $2::jsonb) where id = $1`,
        [run.id, JSON.stringify({ rowsRead, rows: parsed.rows })],
      );
    };
    const started = await runCommand(
      services,
      actor,
      async ({ ability, audit }) => {
        authorize(ability, 'create', 'Import', {
          auditAction: 'import.uploaded',
          targetType: 'import',
          targetLabel: input.fileName,
        });
        const mode = input.scope === 'complete' ? 'full' : 'incremental';
        const begun = await startRun(
          services,
          hrSource(services, HR_IMPORT_SOURCE_ID),
          mode,
          actor,
          importReader((size) => job.pages(size), mode, onPage),
          {
            stopAtPlan: true,
            details: detailsOf(parsed, input.scope),
            afterPlan: rankRule(actor, services.now()),
          },
        );
        run.id = begun.runId;
        audit({
          action: 'import.uploaded',
          targetType: 'import',
          targetId: begun.runId,
          targetLabel: parsed.fileName,
          details: {
            fileName: parsed.fileName,
            sha256: parsed.sha256,
            bytes: parsed.bytes,
            format: parsed.format,
            scope: input.scope,
            rows: parsed.rows,
            rowErrorCount: parsed.rowErrorCount,
          },
        });
        return begun;
      },
      ability,
    );
    await started.done;
    return readRun(services, started.runId);
  } finally {
    await closeQuietly(job);
  }
}

async function closeQuietly(job: WorkerParse): Promise<void> {
  await job.close().catch(() => undefined);
}
