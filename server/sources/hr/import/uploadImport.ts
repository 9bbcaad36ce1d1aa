import type { Actor } from '../../../authz/actor.ts';
import { type AppAbility, authorize } from '../../../authz/index.ts';
import { runCommand } from '../../../commands/runCommand.ts';
import type { Services } from '../../../shared/services.ts';
import { readRun } from '../../runCommands.ts';
import { startRun } from '../../runs.ts';
import type { RunView } from '../../schemas.ts';
import { HR_IMPORT_SOURCE_ID, hrSource } from '../source.ts';
import type { ColumnMapping } from './headers.ts';
import { type ImportFormat, type ParsedImport, parseImport } from './parse.ts';
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

// Enough row errors to fix a file by; the count says how many there are in all.
const MAX_LISTED_ERRORS = 1_000;

/** What an import run keeps about its file. */
function detailsOf(parsed: ParsedImport, scope: ImportScope): Record<string, unknown> {
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
    rows: parsed.rows.length,
    rowErrors: parsed.rowErrors.slice(0, MAX_LISTED_ERRORS),
    rowErrorCount: parsed.rowErrors.length,
    scope,
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
  // Parsed before the transaction, so a big file does not hold a connection while it is read
  // (the route refuses people who may not import before it even reads the upload).
  const parsed = await parseImport(input.bytes, {
    fileName: input.fileName,
    format: input.format,
    mapping: input.mapping,
  });
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
      const run = await startRun(
        services,
        hrSource(services, HR_IMPORT_SOURCE_ID),
        mode,
        actor,
        importReader(parsed.rows, mode),
        { stopAtPlan: true, details: detailsOf(parsed, input.scope), afterPlan: rankRule(actor) },
      );
      audit({
        action: 'import.uploaded',
        targetType: 'import',
        targetId: run.runId,
        targetLabel: parsed.fileName,
        details: {
          fileName: parsed.fileName,
          sha256: parsed.sha256,
          bytes: parsed.bytes,
          format: parsed.format,
          scope: input.scope,
          rows: parsed.rows.length,
          rowErrorCount: parsed.rowErrors.length,
        },
      });
      return run;
    },
    ability,
  );
  await started.done;
  return readRun(services, started.runId);
}
