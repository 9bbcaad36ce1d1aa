import { pipeline, type Readable, Transform } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';
import { stringify } from 'csv-stringify';
import QueryStream from 'pg-query-stream';
import type { Actor } from '../../authz/actor.ts';
import type { AppAbility } from '../../authz/index.ts';
import type { SqlCondition } from '../../authz/sql.ts';
import { neutralizeCell } from '../../commands/auditLog/export.ts';
import { type CommandContext, runCommand } from '../../commands/runCommand.ts';
import type { Services } from '../../shared/services.ts';

/** The language of an export's headers and words. */
export type ExportLang = 'ru' | 'en';

/** One column of an access export: the row's field, its headers, and how a value reads. */
export interface CsvColumn<Row> {
  header: Record<ExportLang, string>;
  value: (row: Row, lang: ExportLang) => string | null;
}

/** An export on its way: the file's bytes and its name. */
export interface CsvFile {
  body: Readable;
  filename: string;
  contentType: string;
}

/** What an access export streams, and what its audit events say. */
export interface CsvExportPlan<Row> {
  /** Parameterized with `?`; run on a cursor of the raw pool, never held whole. */
  statement: SqlCondition;
  columns: readonly CsvColumn<Row>[];
  /** Audited with `access.exported` (before the first byte) and `access.export_finished`. */
  details: Record<string, unknown>;
  targetType: string;
  targetId?: string;
  targetLabel?: string;
  filename: string;
}

/**
 * Streams an access view as CSV (UTF-8 with a BOM, so Excel reads Cyrillic) from a database
 * cursor: `prepare` authorizes and builds the statement in a command whose `access.exported`
 * event commits before the first byte (no export goes unrecorded); `access.export_finished`
 * records the row count, and outcome `failure` when the reader went away or the stream broke —
 * the people export's shape (docs/decisions.md "Exporting people"). Cells a spreadsheet would
 * take for a formula get a leading `'`.
 */
export async function exportCsv<Row>(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  lang: ExportLang,
  prepare: (ctx: CommandContext) => Promise<CsvExportPlan<Row>>,
): Promise<CsvFile> {
  const plan = await runCommand(
    services,
    actor,
    async (ctx) => {
      const prepared = await prepare(ctx);
      ctx.audit({
        action: 'access.exported',
        targetType: prepared.targetType,
        targetId: prepared.targetId,
        targetLabel: prepared.targetLabel,
        details: { ...prepared.details, format: 'csv' },
      });
      return { ...prepared, statement: native(ctx.em, prepared.statement) };
    },
    ability,
  );
  let rows = 0;
  const client = await services.pool.connect();
  const cursor = client.query(
    new QueryStream(plan.statement.sql, plan.statement.params, {
      batchSize: 2000,
      highWaterMark: 2000,
    }),
  );
  const toCells = new Transform({
    objectMode: true,
    transform(row: Row, _encoding, done) {
      rows++;
      done(
        null,
        plan.columns.map((column) => neutralizeCell(column.value(row, lang) ?? '')),
      );
    },
  });
  const body = pipeline(
    cursor,
    toCells,
    stringify({ bom: true, header: true, columns: plan.columns.map((c) => c.header[lang]) }),
    (error) => {
      client.release(error ?? undefined);
      void runCommand(
        services,
        actor,
        async ({ audit }) => {
          audit({
            action: 'access.export_finished',
            outcome: error ? 'failure' : 'success',
            targetType: plan.targetType,
            targetId: plan.targetId,
            targetLabel: plan.targetLabel,
            details: { ...plan.details, format: 'csv', rows },
          });
        },
        ability,
      ).catch((failure: unknown) =>
        services.logger.error({ err: failure }, 'auditing an access export failed'),
      );
    },
  );
  const stamp = services.now().toISOString().slice(0, 10);
  return {
    body,
    filename: `${plan.filename}-${stamp}.csv`,
    contentType: 'text/csv; charset=utf-8',
  };
}

/** A `?`-parameterized statement in PostgreSQL's own `$n` form, for a cursor on the raw pool. */
function native(em: EntityManager, statement: SqlCondition): SqlCondition {
  const compiled = em
    .getKnex()
    .raw(statement.sql, statement.params as never[])
    .toSQL()
    .toNative();
  return { sql: compiled.sql, params: [...compiled.bindings] };
}

/** A timestamp as the export writes it: ISO 8601 UTC to the second. */
export function isoCell(value: string | Date | null): string | null {
  if (value === null) return null;
  return new Date(value).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
