import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../server/identity/backofficeSession.ts';
import type { ApiClient } from '../support/api.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { waitUntil } from '../support/timeouts.ts';

let context: TestContext;
let org: string;

beforeAll(async () => {
  context = await startTestContext();
  org = randomUUID();
  await context.services.pool.query(
    `insert into organization (id, name, kind) values ($1, 'Отдел «Экспорт»', 'department')`,
    [org],
  );
  // 300 ordinary people, and four whose cells a spreadsheet would take for formulas.
  await context.services.pool.query(
    `insert into app_user (id, username, family_name, given_name, middle_name, display_name,
                           email, phone, organization_id, status, source)
     select gen_random_uuid(), 'exp' || i, 'Щукина' || i, 'Ёлка', 'Юрьевна', 'Ёлка Щукина' || i,
            'exp' || i || '@corp.example.test', '+7916000' || lpad(i::text, 4, '0'), $1,
            'active', 'manual'
       from generate_series(1, 300) as i`,
    [org],
  );
  await createPerson(context.services, {
    organizationId: org,
    familyName: '=HYPERLINK("http://evil.example","Жми")',
    givenName: '@SUM(A1)',
    middleName: '-2+3',
  });
  await createPerson(context.services, {
    organizationId: org,
    familyName: '+cmd',
    givenName: '\tТаб',
  });
});
afterAll(async () => {
  await context.close();
});

async function download(api: ApiClient, query: string): Promise<Response> {
  return fetch(`${context.baseUrl}/api/v1/users/export?${query}`, {
    headers: { cookie: `${SESSION_COOKIE}=${api.cookie(SESSION_COOKIE)}` },
  });
}

/** Splits simple CSV (quoted cells, no newlines inside) into rows of cells. */
function parseCsv(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const cells: string[] = [];
      let cell = '';
      let quoted = false;
      for (let i = 0; i < line.length; i++) {
        const char = line[i];
        if (quoted) {
          if (char === '"' && line[i + 1] === '"') {
            cell += '"';
            i++;
          } else if (char === '"') quoted = false;
          else cell += char;
        } else if (char === '"') quoted = true;
        else if (char === ',') {
          cells.push(cell);
          cell = '';
        } else cell += char;
      }
      cells.push(cell);
      return cells;
    });
}

async function auditDetails(action: string, actorId: string): Promise<Record<string, unknown>[]> {
  const { rows } = await context.services.pool.query<{ details: Record<string, unknown> }>(
    'select details from audit_event where action = $1 and actor_id = $2 order by seq',
    [action, actorId],
  );
  return rows.map((row) => row.details);
}

describe('people export', () => {
  it('CSV: UTF-8 with a BOM, Russian headers, every matching row, formulas neutralized, audited', async () => {
    const { api, user } = await signedIn(context, 'admin');
    const response = await download(api, `organizationId=${org}&format=csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="people-/);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(new TextDecoder().decode(bytes.slice(3)));
    expect(rows[0]?.slice(0, 4)).toEqual(['ID', 'Фамилия', 'Имя', 'Отчество']);
    expect(rows).toHaveLength(1 + 302);
    const people = rows.slice(1);
    const first = people.find((row) => row[1] === 'Щукина1');
    expect(first).toBeDefined();
    expect(first?.slice(1, 4)).toEqual(['Щукина1', 'Ёлка', 'Юрьевна']);
    expect(first?.[7]).toBe("'+79160000001");
    expect(first?.[9]).toBe('Отдел «Экспорт»');
    expect(first?.[10]).toBe('Активен');
    const evil = people.find((row) => row[1]?.includes('HYPERLINK'));
    expect(evil?.slice(1, 4)).toEqual([
      `'=HYPERLINK("http://evil.example","Жми")`,
      "'@SUM(A1)",
      "'-2+3",
    ]);
    const tabbed = people.find((row) => row[1]?.includes('cmd'));
    expect(tabbed?.slice(1, 3)).toEqual(["'+cmd", "'\tТаб"]);
    // No cell of the file starts with a formula character.
    for (const row of people) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);

    await waitUntil('the export end to be audited', 30_000, async () => {
      return (await auditDetails('user.export_finished', user.id)).length === 1;
    });
    expect(await auditDetails('user.exported', user.id)).toEqual([
      { format: 'csv', filter: { organizationId: org } },
    ]);
    expect(await auditDetails('user.export_finished', user.id)).toEqual([
      { format: 'csv', filter: { organizationId: org }, rows: 302 },
    ]);
  });

  it('XLSX: a workbook with the same rows, Cyrillic intact, formulas neutralized', async () => {
    const { api, user } = await signedIn(context, 'auditor');
    const response = await download(api, `organizationId=${org}&format=xlsx&lang=en`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.worksheets[0];
    expect(sheet?.name).toBe('People');
    const values: string[][] = [];
    sheet?.eachRow((row) => {
      values.push((row.values as unknown[]).slice(1).map((value) => String(value ?? '')));
    });
    expect(values[0]?.slice(0, 3)).toEqual(['ID', 'Family name', 'Given name']);
    expect(values).toHaveLength(1 + 302);
    expect(values.find((row) => row[1] === 'Щукина7')?.slice(2, 4)).toEqual(['Ёлка', 'Юрьевна']);
    expect(values.find((row) => row[1]?.includes('HYPERLINK'))?.[1]).toMatch(/^'=/);
    // A phone number is typed text in XLSX and stays as written (in CSV it gets its `'`).
    expect(values.some((row) => row.includes('+79160000001'))).toBe(true);
    // Every cell is a plain string, never a formula.
    sheet?.eachRow((row) =>
      row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)),
    );
    await waitUntil('the export end to be audited', 30_000, async () => {
      return (await auditDetails('user.export_finished', user.id)).length === 1;
    });
    expect(await auditDetails('user.export_finished', user.id)).toEqual([
      { format: 'xlsx', filter: { organizationId: org }, rows: 302 },
    ]);
  });

  it('is a right of its own: staff may not export (audited denied); the role filter stays closed', async () => {
    const { api, user } = await signedIn(context, 'staff');
    const response = await download(api, 'format=csv');
    expect(response.status).toBe(403);
    const { rows } = await context.services.pool.query<{ n: string }>(
      `select count(*) as n from audit_event where action = 'user.exported' and outcome = 'denied'
          and actor_id = $1`,
      [user.id],
    );
    expect(Number(rows[0]?.n)).toBe(1);
    const { api: admin } = await signedIn(context, 'admin');
    const byRole = await download(admin, 'role=admin');
    expect(byRole.status).toBe(403);
    expect(await byRole.json()).toMatchObject({ code: 'forbidden_filter' });
    const badFormat = await download(admin, 'format=pdf');
    expect(badFormat.status).toBe(400);
    expect(await badFormat.json()).toMatchObject({ code: 'validation_failed' });
    const anonymous = await fetch(`${context.baseUrl}/api/v1/users/export`);
    expect(anonymous.status).toBe(401);
  });
});
