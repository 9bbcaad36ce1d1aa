import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { systemActor } from '../authz/actor.ts';
import { defineAbilityFor } from '../authz/index.ts';
import { startServices } from '../bootstrap.ts';
import { AppError } from '../shared/errors.ts';
import { applyImport } from '../sources/hr/import/applyImport.ts';
import { IMPORT_FORMATS } from '../sources/hr/import/parse.ts';
import { uploadFields } from '../sources/hr/import/schemas.ts';
import { IMPORT_SCOPES, uploadImport } from '../sources/hr/import/uploadImport.ts';
import type { RunView } from '../sources/schemas.ts';
import { PLAN_ACTIONS } from '../sources/vocabulary.ts';
import type { CliCommand } from './types.ts';

/** Exit code when the import was not applied (failed, held for approval, refused). */
const EXIT_NOT_APPLIED = 3;
const ROW_ERRORS_SHOWN = 20;

const args = z
  .object({
    file: z.string().min(1, 'give the file to import'),
    scope: z.enum(IMPORT_SCOPES).default('partial'),
    mapping: z.string().optional(),
    format: z.enum(IMPORT_FORMATS).optional(),
  })
  .strict();

/** A short human summary of a run: status, counts, first row errors. */
function summary(run: RunView): string {
  const counts = [...PLAN_ACTIONS, 'blocked']
    .map((key) => `${key} ${run.counts[key] ?? 0}`)
    .join(', ');
  const d = run.details;
  const lines = [
    `import ${run.id}: ${run.status}`,
    `  file ${String(d.fileName)} (${String(d.format)}${d.encoding ? `, ${String(d.encoding)}` : ''}${
      d.delimiter ? `, delimiter ${JSON.stringify(d.delimiter)}` : ''
    }), ${String(d.rows)} rows, scope ${String(d.scope)}, sha256 ${String(d.sha256)}`,
    `  plan: ${counts}`,
  ];
  const errors = (d.rowErrors ?? []) as { row: number; column: string | null; message: string }[];
  if (errors.length > 0) {
    lines.push(`  row errors (${String(d.rowErrorCount)}):`);
    for (const e of errors.slice(0, ROW_ERRORS_SHOWN))
      lines.push(`    row ${e.row}${e.column ? `, ${e.column}` : ''}: ${e.message}`);
  }
  if (run.safety) lines.push(`  safety: ${run.safety}`);
  if (run.status === 'awaiting_approval')
    lines.push(`  held for approval: POST /api/v1/sync-runs/${run.id}/approve (admin and up)`);
  if (run.error) lines.push(`  error: ${run.error}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `import <file> [--scope partial|complete] [--mapping JSON] [--format csv|xlsx] [--apply]
 * [--json]`: plans an HR file as the API does (the preview), prints the counts and the first row
 * errors, and with --apply applies it. Runs as the operator (a superadmin's rights, audited as
 * `cli`). Exit 0 when planned (or applied), 3 when refused, failed or held for approval.
 */
export const importCommand: CliCommand = {
  options: {
    scope: { type: 'string' },
    mapping: { type: 'string' },
    format: { type: 'string' },
    apply: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run({ config, logger, values, positionals, stdout }) {
    const parsed = args.safeParse({
      file: positionals[0] ?? '',
      scope: values.scope,
      mapping: values.mapping,
      format: values.format,
    });
    const fields = parsed.success
      ? uploadFields.safeParse({ mapping: parsed.data.mapping })
      : undefined;
    if (!parsed.success || !fields?.success) {
      const issues = [...(parsed.error?.issues ?? []), ...(fields?.error?.issues ?? [])];
      const lines = issues.map((i) => `  ${i.path.join('.') || 'file'}: ${i.message}`);
      process.stderr.write(`import: invalid options\n${lines.join('\n')}\n`);
      return 2;
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(parsed.data.file);
    } catch (error) {
      process.stderr.write(
        `import: cannot read ${parsed.data.file}: ${(error as Error).message}\n`,
      );
      return 2;
    }
    const { services, database } = await startServices(config, logger);
    const actor = systemActor('cli');
    const ability = defineAbilityFor({ userId: null, role: 'superadmin' });
    try {
      let run = await uploadImport(
        services,
        actor,
        {
          bytes,
          fileName: basename(parsed.data.file),
          scope: parsed.data.scope,
          mapping: fields.data.mapping,
          format: parsed.data.format,
        },
        ability,
      );
      if (values.apply === true && run.status === 'planned')
        run = await applyImport(services, actor, run.id, true, ability);
      stdout.write(values.json === true ? `${JSON.stringify(run, null, 2)}\n` : summary(run));
      const ok = values.apply === true ? run.status === 'succeeded' : run.status === 'planned';
      return ok ? 0 : EXIT_NOT_APPLIED;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      process.stderr.write(`import: ${error.code}: ${error.message}\n`);
      return EXIT_NOT_APPLIED;
    } finally {
      await database.close();
    }
  },
};
