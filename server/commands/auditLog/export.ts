import { pipeline, Readable, Transform } from 'node:stream';
import { stringify } from 'csv-stringify';
import type pg from 'pg';
import QueryStream from 'pg-query-stream';
import { z } from 'zod';
import type { AuditEventInput } from '../../audit/actions.ts';
import {
  checkpointDir,
  KEYRING_FILE,
  readCheckpointFile,
  readKeyring,
} from '../../audit/checkpoints.ts';
import { sealStagedEvents } from '../../audit/seal.ts';
import type { Actor } from '../../authz/actor.ts';
import { authorize } from '../../authz/index.ts';
import type { Services } from '../../shared/services.ts';
import { runCommand } from '../runCommand.ts';
import {
  type AuditFilters,
  auditFilterShape,
  auditWhere,
  checkRange,
  describeFilters,
} from './query.ts';

/** Export formats. */
export const EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** `GET /audit-events/export` query: the list's filters and a format. */
export const exportAuditQuery = z
  .object({ ...auditFilterShape, format: z.enum(EXPORT_FORMATS).default('csv') })
  .strict()
  .superRefine(checkRange);

const AT = `to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** CSV columns (header names) and the SQL producing them, all as text. */
const CSV_COLUMNS = [
  'seq',
  'at',
  'actor_id',
  'actor_label',
  'actor_role',
  'ip',
  'user_agent',
  'request_id',
  'action',
  'target_type',
  'target_id',
  'target_label',
  'outcome',
  'reason',
  'diff',
  'details',
  'hash',
];
const CSV_SELECT = `seq::text, ${AT}, actor_id::text, actor_label, actor_role, ip, user_agent,
  request_id, action, target_type, target_id, target_label, outcome, reason, diff::text,
  details::text, encode(hash, 'hex')`;

/**
 * One NDJSON line per event, built by PostgreSQL (in C, and `json` keeps the key order): the
 * API's event shape plus the chain hash. Building it in JavaScript halves the export rate.
 */
const NDJSON_SELECT = `json_build_object('id', seq, 'at', ${AT},
  'actor', json_build_object('id', actor_id, 'label', actor_label, 'role', actor_role),
  'ip', ip, 'userAgent', user_agent, 'requestId', request_id, 'action', action,
  'target', json_build_object('type', target_type, 'id', target_id, 'label', target_label),
  'outcome', outcome, 'reason', reason, 'diff', diff, 'details', details,
  'hash', encode(hash, 'hex'))::text`;

/**
 * Neutralizes a CSV cell that a spreadsheet would read as a formula (OWASP "CSV injection"):
 * a leading `=`, `+`, `-`, `@`, tab or carriage return gets a `'` in front.
 */
export function neutralizeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvFormatter(): Transform {
  return stringify({
    header: true,
    columns: CSV_COLUMNS,
    cast: { string: (value) => neutralizeCell(value) },
  });
}

/** Output is gathered into chunks of about this size: a socket write per row costs too much. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Joins small pieces into chunks of about CHUNK_CHARS; `toText` turns what is written (a CSV
 * piece, or a row holding one NDJSON line) into text.
 */
function chunker(objectMode: boolean, toText: (piece: unknown) => string): Transform {
  let pending: string[] = [];
  let size = 0;
  return new Transform({
    writableObjectMode: objectMode,
    decodeStrings: false,
    transform(piece: unknown, _encoding, done) {
      const text = toText(piece);
      pending.push(text);
      size += text.length;
      if (size < CHUNK_CHARS) return done();
      const chunk = pending.join('');
      pending = [];
      size = 0;
      done(null, chunk);
    },
    flush(done) {
      done(null, pending.length > 0 ? pending.join('') : undefined);
    },
  });
}

const pieceText = (piece: unknown) =>
  typeof piece === 'string' ? piece : (piece as Buffer).toString('utf8');
const lineText = (row: unknown) => `${(row as [string])[0]}\n`;

const csvCell = (value: string) => `"${value.replaceAll('"', '""')}"`;

/**
 * What follows the events of an export: every signed checkpoint record and keyring entry of the
 * checkpoint directory, and a description of the export (filters, keyless switch), so that
 * `audit verify-export` can check the bundle offline. NDJSON: one `{"checkpoint": …}`,
 * `{"keyring": …}` and `{"export": …}` line each. CSV: rows with an empty seq, the action
 * `audit.checkpoint` (or `audit.keyring`, `audit.export`) and the JSON in `details`. Read before
 * the events, so every checkpoint it holds is covered by the exported events.
 */
function exportTrailer(
  dir: string | null,
  filters: AuditFilters,
  keylessFrom: string,
  format: ExportFormat,
  range: SeqRange | null,
): string {
  const items: [string, string, unknown][] = [];
  if (dir) {
    const file = readCheckpointFile(dir);
    for (const record of file?.records ?? []) items.push(['checkpoint', record.at, record]);
    const keyring = readKeyring(`${dir}/${KEYRING_FILE}`);
    if (file && file.records.length > 0)
      for (const entry of keyring.entries) items.push(['keyring', entry.addedAt, entry]);
  }
  if (items.length === 0) return '';
  const archive = range
    ? { archive: { fromSeq: (range.after + 1n).toString(), throughSeq: range.through.toString() } }
    : {};
  items.push(['export', '', { filters: describeFilters(filters), keylessFrom, ...archive }]);
  if (format === 'ndjson')
    return items.map(([kind, , value]) => `${JSON.stringify({ [kind]: value })}\n`).join('');
  return items
    .map(([kind, at, value]) => {
      const cells = CSV_COLUMNS.map(() => '');
      cells[1] = at;
      cells[8] = `audit.${kind}`;
      cells[15] = csvCell(JSON.stringify(value));
      return `${cells.join(',')}\n`;
    })
    .join('');
}

async function* followedBy(source: Readable, trailer: string): AsyncGenerator<string | Buffer> {
  for await (const chunk of source) yield chunk;
  if (trailer) yield trailer;
}

/** Events after `after` up to `through`: an archive bundle's whole content (`audit archive`). */
export interface SeqRange {
  after: bigint;
  through: bigint;
}

/**
 * Streams the filtered audit log in chain order from the raw pool, a batch at a time, never
 * holding the whole result, followed by the signed checkpoints of the directory `checkpoints` (see
 * exportTrailer). With `range` only those events, described as an archive bundle in the trailer
 * (unlike a filter, a range of whole seqs is verifiable). The connection is released when the
 * stream ends, fails or is abandoned by its reader (then discarded, since its cursor state is
 * unknown).
 */
export async function streamAuditExport(
  pool: pg.Pool,
  filters: AuditFilters,
  format: ExportFormat,
  checkpoints: string | null = null,
  range: SeqRange | null = null,
): Promise<Readable> {
  const params: unknown[] = [];
  const bind = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = auditWhere(filters, bind);
  if (range)
    where.push(
      `e.seq > ${bind(range.after.toString())}::bigint and e.seq <= ${bind(range.through.toString())}::bigint`,
    );
  const select = format === 'csv' ? CSV_SELECT : NDJSON_SELECT;
  // Events committed but still staged join the chain first (the export's own record among them).
  await sealStagedEvents(pool);
  const client = await pool.connect();
  let trailer: string;
  try {
    const formula = await client.query<{ keyless_from: string }>(
      'select keyless_from::text as keyless_from from audit_chain_formula where id = 1',
    );
    trailer = exportTrailer(
      checkpoints,
      filters,
      formula.rows[0]?.keyless_from ?? '1',
      format,
      range,
    );
  } catch (error) {
    client.release();
    throw error;
  }
  const rows = client.query(
    new QueryStream(
      `select ${select} from audit_event e ${where.length ? `where ${where.join(' and ')}` : ''} order by e.seq`,
      params,
      { batchSize: 2000, highWaterMark: 2000, rowMode: 'array' },
    ),
  );
  const release = (error: Error | null) => client.release(error ?? undefined);
  const body =
    format === 'ndjson'
      ? pipeline(rows, chunker(true, lineText), release)
      : pipeline(rows, csvFormatter(), chunker(false, pieceText), release);
  return trailer ? Readable.from(followedBy(body, trailer), { objectMode: false }) : body;
}

/** The `audit.exported` event; `via` tells the API from the command line. */
export function exportedEvent(
  format: ExportFormat,
  filters: AuditFilters,
  via: 'api' | 'cli',
): AuditEventInput {
  return {
    action: 'audit.exported',
    targetType: 'AuditEvent',
    details: { format, filters: describeFilters(filters), via },
  };
}

/**
 * Authorizes an export (superadmin, auditor) and records `audit.exported` — committed before the
 * first byte is sent, so an export is never unrecorded — then opens the stream.
 */
export async function exportAuditEvents(
  services: Services,
  actor: Actor,
  filters: AuditFilters,
  format: ExportFormat,
): Promise<Readable> {
  await runCommand(services, actor, async ({ ability, audit }) => {
    authorize(ability, 'export', 'AuditEvent', {
      auditAction: 'audit.exported',
      targetType: 'AuditEvent',
    });
    audit(exportedEvent(format, filters, 'api'));
  });
  return streamAuditExport(services.pool, filters, format, checkpointDir(services.config));
}
