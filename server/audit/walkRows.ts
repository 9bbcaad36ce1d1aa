import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { WALK_COLUMNS, type WalkRow } from './auditRow.ts';

/** Rows per COPY statement: an abandoned walk reads at most this many rows it does not need. */
const ROWS_PER_COPY = 50_000;

/** WALK_COLUMNS' fields in order, as COPY prints them. */
const FIELDS = 17;

/** NULL in COPY's text format: a value `\N` is printed `\\N`, so it cannot be mistaken for it. */
const NULL_FIELD = '\\N';

/** A backslash sequence of COPY's text format (COPY TO prints no octal or hex ones). */
const ESCAPE = /\\(.)/gs;

const ESCAPED: Readonly<Record<string, string>> = {
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/**
 * One field of COPY's text format as its value: null for `\N`, backslash sequences undone. Most
 * fields have no backslash: a NULL in a row is no reason to rewrite its other fields.
 */
function fieldValue(field: string): string | null {
  if (field === NULL_FIELD) return null;
  if (!field.includes('\\')) return field;
  return field.replace(ESCAPE, (_, next: string) => ESCAPED[next] ?? next);
}

/** A jsonb field's value, parsed as node-postgres parses jsonb. */
function jsonValue(field: string | null): unknown {
  return field === null ? null : JSON.parse(field);
}

/**
 * One line of `copy (select WALK_COLUMNS …) to stdout` as the row node-postgres would have
 * given for the same select (property-tested against PostgreSQL): text as text, jsonb parsed.
 * A line with no backslash has no NULL and no escape.
 */
export function walkRowOfLine(line: string): WalkRow {
  const raw: (string | null)[] = line.split('\t');
  if (raw.length !== FIELDS)
    throw new Error(`a COPY line of the audit walk has ${raw.length} fields, not ${FIELDS}`);
  if (line.includes('\\'))
    for (let index = 0; index < FIELDS; index++) raw[index] = fieldValue(raw[index] as string);
  // In WALK_COLUMNS' order; NOT NULL columns are typed as such, as node-postgres' rows are.
  return {
    seq: raw[0] as string,
    at: raw[1] as string,
    actor_id: raw[2] as string | null,
    actor_label: raw[3] as string,
    actor_role: raw[4] as string | null,
    ip: raw[5] as string | null,
    user_agent: raw[6] as string | null,
    request_id: raw[7] as string | null,
    action: raw[8] as string,
    target_type: raw[9] as string | null,
    target_id: raw[10] as string | null,
    target_label: raw[11] as string | null,
    outcome: raw[12] as string,
    reason: raw[13] as string | null,
    diff: jsonValue(raw[14] as string | null),
    details: jsonValue(raw[15] as string | null),
    hash: raw[16] as string,
  };
}

/**
 * The lines of one COPY TO STDOUT, each without its newline, in batches: those completed by each
 * chunk the connection delivers (one await a chunk, not one a line). Text is decoded once a chunk
 * and a line split over chunks is joined once, so a row of megabytes costs no more than its size.
 * Exported for the verification's floor in `bench/directory`, which reads the same way.
 */
export async function* copyLineBatches(stream: Readable): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let pending: string[] = [];
  // Not destroyed when the walk stops early: the rest of the statement is still to be read.
  for await (const chunk of stream.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    const text = decoder.write(chunk);
    const lines: string[] = [];
    let start = 0;
    let end = text.indexOf('\n');
    while (end !== -1) {
      let line = text.slice(start, end);
      if (pending.length > 0) {
        pending.push(line);
        line = pending.join('');
        pending = [];
      }
      lines.push(line);
      start = end + 1;
      end = text.indexOf('\n', start);
    }
    if (start < text.length) pending.push(text.slice(start));
    if (lines.length > 0) yield lines;
  }
  const rest = pending.join('') + decoder.end();
  if (rest !== '') throw new Error('a COPY of the audit walk ended inside a line');
}

/** Reads a COPY's output to its end, discarding it. */
async function drain(stream: Readable): Promise<void> {
  for await (const _ of stream) void _;
}

/**
 * The audit rows after seq `after` (through `through`, or to the end) in seq order, in batches,
 * as the walk reads them: through COPY … TO STDOUT, in statements of ROWS_PER_COPY rows.
 * node-postgres spent ~7 µs of the walk's thread on each row of a query; a COPY line costs under
 * half of that (docs/benchmarks.md, session 27). Run inside the walk's transaction, every
 * statement sees its snapshot. A walk that stops early (it found a problem) reads the rest of
 * the current statement and no further, so the connection is left ready for its next query.
 */
export async function* walkRowBatches(
  client: pg.ClientBase,
  after: bigint,
  through: bigint | null,
  rowsPerCopy = ROWS_PER_COPY,
): AsyncGenerator<WalkRow[]> {
  let last = after;
  for (;;) {
    // COPY takes no parameters: both bounds are bigints, printed as digits.
    const upTo = through === null ? '' : ` and e.seq <= ${through}`;
    const stream = client.query(
      copyStreams.to(
        // Qualified: a bare `seq` in ORDER BY is the text output column (1, 10, 100, 2, ...).
        `copy (select ${WALK_COLUMNS} from audit_event e where e.seq > ${last}${upTo}
          order by e.seq limit ${rowsPerCopy}) to stdout`,
      ),
    );
    // The data ends at CopyDone, before the statement does (ReadyForQuery). A connection lost or
    // ended in between errors the stream when nothing reads it any more; the next statement on
    // the connection reports that, and an unheard error event would end the process.
    stream.on('error', () => undefined);
    let rows = 0;
    let lastSeq: string | null = null;
    let read = false;
    try {
      for await (const lines of copyLineBatches(stream)) {
        const batch = lines.map(walkRowOfLine);
        rows += batch.length;
        lastSeq = (batch[batch.length - 1] as WalkRow).seq;
        yield batch;
      }
      read = true;
    } finally {
      // Stopped early: the statement is read to its end, or the connection could not be used
      // again. A failure here is the connection's, and the walk's own outcome stands.
      if (!read) await drain(stream).catch(() => undefined);
    }
    if (rows < rowsPerCopy || lastSeq === null) return;
    last = BigInt(lastSeq);
  }
}
