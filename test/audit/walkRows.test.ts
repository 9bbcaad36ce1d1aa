import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WALK_COLUMNS, type WalkRow } from '../../server/audit/auditRow.ts';
import { walkRowBatches } from '../../server/audit/walkRows.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

let context: TestContext;
let client: pg.Client;

/** A property of dozens of rows a run, each row written and read back twice. */
const PROPERTY_TIMEOUT_MS = 240_000;

beforeAll(async () => {
  context = await startTestContext({ jobs: { enabled: false } });
  client = new pg.Client(context.databaseUrl);
  await client.connect();
  // A temporary table is found before the real one (pg_temp leads the search path), so the walk's
  // own statement reads these rows: any content, with no chain, trigger or grant in the way.
  await client.query('create temp table audit_event (like public.audit_event)');
});

afterAll(async () => {
  await client?.end();
  await context?.close();
});

// PostgreSQL text holds no NUL; anything else goes: COPY's escapes (backslash, tab, newline,
// carriage return, backspace, form and vertical feed), the text `\N`, emoji, lone surrogates.
const text = fc
  .oneof(
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary' }),
    fc.constantFrom('\\N', '\\', '\t', '\n\r', '\b\f\v', '\\\\N\t', 'a\\tb'),
  )
  .map((value) => value.replaceAll('\u0000', ''));
const nullableText = fc.option(text, { nil: null });
// jsonb's own rules apply (no NUL in strings, numbers as jsonb prints them): JSON.parse of its
// text is what node-postgres gives, and what COPY's text must give too.
const json = fc.option(
  fc.jsonValue().filter((value) => !JSON.stringify(value).includes('\\u0000')),
  { nil: null },
);

const row = fc.record({
  actorId: fc.option(fc.uuid(), { nil: null }),
  actorLabel: text,
  actorRole: nullableText,
  ip: fc.option(fc.ipV4(), { nil: null }),
  userAgent: nullableText,
  requestId: nullableText,
  action: text,
  targetType: nullableText,
  targetId: nullableText,
  targetLabel: nullableText,
  outcome: text,
  reason: nullableText,
  diff: json,
  details: json,
});
type GeneratedRow = typeof row extends fc.Arbitrary<infer T> ? T : never;

/** An ordinary event's row with these fields changed. */
const plainRow = (fields: Partial<GeneratedRow>): GeneratedRow => ({
  actorId: null,
  actorLabel: 'system',
  actorRole: null,
  ip: null,
  userAgent: null,
  requestId: null,
  action: 'user.updated',
  targetType: null,
  targetId: null,
  targetLabel: null,
  outcome: 'success',
  reason: null,
  diff: null,
  details: null,
  ...fields,
});

/** Replaces the temporary table's rows with these, seq 1, 2, … */
async function store(rows: GeneratedRow[]): Promise<void> {
  await client.query('truncate audit_event');
  for (const [index, r] of rows.entries())
    await client.query(
      `insert into audit_event (seq, at, actor_id, actor_label, actor_role, ip, user_agent,
         request_id, action, target_type, target_id, target_label, outcome, reason, diff,
         details, hash)
       values ($1::bigint, now() - $1::bigint * interval '1 second', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
         $12, $13, $14, $15, sha256($1::bigint::text::bytea))`,
      [
        index + 1,
        r.actorId,
        r.actorLabel,
        r.actorRole,
        r.ip,
        r.userAgent,
        r.requestId,
        r.action,
        r.targetType,
        r.targetId,
        r.targetLabel,
        r.outcome,
        r.reason,
        r.diff === null ? null : JSON.stringify(r.diff),
        r.details === null ? null : JSON.stringify(r.details),
      ],
    );
}

/** What node-postgres gives for the walk's columns, the way the walk read them before COPY. */
async function selected(after: bigint, through: bigint | null): Promise<WalkRow[]> {
  const { rows } = await client.query<WalkRow>(
    `select ${WALK_COLUMNS} from audit_event e
      where e.seq > $1 and ($2::bigint is null or e.seq <= $2::bigint) order by e.seq`,
    [after.toString(), through?.toString() ?? null],
  );
  return rows;
}

async function walked(
  after: bigint,
  through: bigint | null,
  rowsPerCopy: number,
): Promise<WalkRow[]> {
  const rows: WalkRow[] = [];
  for await (const batch of walkRowBatches(client, after, through, rowsPerCopy))
    rows.push(...batch);
  return rows;
}

describe('the audit walk read through COPY', () => {
  it(
    'gives every row node-postgres gives for the same select, for any content and bounds',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(row, { maxLength: 12 }),
          fc.integer({ min: -1, max: 13 }),
          fc.option(fc.integer({ min: 0, max: 13 }), { nil: null }),
          fc.integer({ min: 1, max: 5 }),
          async (rows, after, through, rowsPerCopy) => {
            await store(rows);
            const bounds = [BigInt(after), through === null ? null : BigInt(through)] as const;
            expect(await walked(...bounds, rowsPerCopy)).toEqual(await selected(...bounds));
          },
        ),
        { numRuns: 60 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it('reads a row of megabytes whole, across many chunks', async () => {
    const long = 'Ёлка\\\t'.repeat(200_000);
    await store([plainRow({ targetLabel: long, diff: { note: long } })]);
    const [read] = await walked(0n, null, 50_000);
    expect(read?.target_label).toBe(long);
    expect(read?.diff).toEqual({ note: long });
  });

  it('leaves the connection ready when the walk stops early', async () => {
    // Rows long enough that a statement's output outgrows what the socket and the stream buffer.
    const rows = Array.from({ length: 300 }, (_, index) =>
      plainRow({ actorLabel: `admin ${index} ${'я'.repeat(2_000)}`, details: { index } }),
    );
    await store(rows);
    await client.query('begin isolation level repeatable read');
    try {
      for (const stopAt of [1, 99, 100, 150, 299]) {
        let read = 0;
        walk: for await (const batch of walkRowBatches(client, 0n, null, 100))
          for (const walkRow of batch) {
            read += 1;
            expect(walkRow.details).toEqual({ index: read - 1 });
            if (read === stopAt) break walk;
          }
        // The same connection, the same transaction: the next statement answers at once.
        const { rows: after } = await client.query<{ n: string }>(
          'select count(*)::text as n from audit_event',
        );
        expect(after[0]?.n).toBe('300');
      }
    } finally {
      await client.query('rollback');
    }
  });
});
