import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedXlsx, upload } from '../hr/importSupport.ts';
import {
  ENTERPRISE,
  expectScimError,
  GROUP_SCHEMA,
  ScimClient,
  scimUser,
  startScimContext,
} from '../hr/scimSupport.ts';
import type { ApiClient, ApiResponse } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import type { TestContext } from '../support/harness.ts';

/*
 * Issue 12, "one input boundary": the 500s found by hand and by the fuzz (test/fuzz/), each as a
 * named regression test, and the boundary's rule (server/http/inputBoundary.ts): NUL, other C0
 * controls and unpaired surrogates are refused with 400 `invalid_text` naming the parameter.
 */

interface Problem {
  code: string;
  errors?: { path: string; message: string }[];
}

let context: TestContext;
let superadmin: ApiClient;
let auditor: ApiClient;
let scim: ScimClient;

beforeAll(async () => {
  context = await startScimContext();
  superadmin = (await signedIn(context, 'superadmin')).api;
  auditor = (await signedIn(context, 'auditor')).api;
  scim = new ScimClient(context.baseUrl);
});
afterAll(() => context.close());

function expectInvalidText(response: ApiResponse<unknown>, path: string): void {
  expect(response.status, response.text).toBe(400);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  const body = response.body as Problem;
  expect(body.code).toBe('invalid_text');
  expect(body.errors?.map((error) => error.path)).toContain(path);
}

describe('the known 500s of issue 12', () => {
  it('SCIM: NUL in a Group displayName or externalId and in a User externalId is a 400 invalidValue', async () => {
    expectScimError(
      await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Отдел\u0000' }),
      400,
      'invalidValue',
    );
    expectScimError(
      await scim.post('/Groups', {
        schemas: [GROUP_SCHEMA],
        displayName: 'Отдел',
        externalId: 'g\u0000',
      }),
      400,
      'invalidValue',
    );
    expectScimError(
      await scim.post('/Users', scimUser({ externalId: 'e\u0000' })),
      400,
      'invalidValue',
    );
    expectScimError(
      await scim.post('/Users', scimUser({ [ENTERPRISE]: { employeeNumber: '1\ud800' } })),
      400,
      'invalidValue',
    );
  });

  it('a lone surrogate in a space name is a 400 invalid_text, not a failed outbox write', async () => {
    const response = await superadmin.request('POST', '/api/v1/spaces', {
      raw: '{"name":"Space \\ud800 broken"}',
      headers: { 'content-type': 'application/json' },
    });
    expectInvalidText(response, 'body.name');
    const { rows } = await context.services.pool.query(
      `select count(*)::int as n from space where name like 'Space %broken'`,
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('NUL in the audit filters targetId / targetType is a 400 naming the parameter', async () => {
    expectInvalidText(await auditor.get('/api/v1/audit-events?targetId=a%00b'), 'query.targetId');
    expectInvalidText(await auditor.get('/api/v1/audit-events?targetType=%00'), 'query.targetType');
  });

  it('NUL in the delivery filters connector / key is a 400 naming the parameter', async () => {
    expectInvalidText(
      await superadmin.get('/api/v1/core/deliveries?connector=%00'),
      'query.connector',
    );
    expectInvalidText(await superadmin.get('/api/v1/core/deliveries?key=k%00'), 'query.key');
  });

  it('the export answers the same filter with a clean 400 problem, before any 200 header', async () => {
    for (const query of ['targetId=a%00b', 'targetType=%00', 'targetId=%ED%A0%80%00']) {
      const response = await auditor.get(`/api/v1/audit-events/export?${query}`);
      expectInvalidText(
        response,
        query.startsWith('targetId') ? 'query.targetId' : 'query.targetType',
      );
      expect(response.headers.get('content-disposition')).toBeNull();
    }
    // Refused before the command: no audit.exported event for a request that never ran.
    const { rows } = await context.services.pool.query(
      `select count(*)::int as n from audit_event where action = 'audit.exported'`,
    );
    expect(rows[0]?.n).toBe(0);
  });
});

describe('the boundary', () => {
  it('refuses a NUL in a path parameter, naming it', async () => {
    expectInvalidText(await superadmin.get('/api/v1/users/%00'), 'params.id');
  });

  it('refuses controls and lone surrogates anywhere in a JSON body, keys included', async () => {
    const raw = [
      ['{"name":"a\\u0007b","kind":"department"}', 'body.name'],
      ['{"name":"ok","kind":"department","description":"x\\udc00"}', 'body.description'],
      ['{"name":"ok","kind":"department","\\u0000":1}', 'body[key]'],
      ['{"name":["ok","\\u0000"],"kind":"department"}', 'body.name.1'],
    ] as const;
    for (const [body, path] of raw)
      expectInvalidText(
        await superadmin.request('POST', '/api/v1/organizations', {
          raw: body,
          headers: { 'content-type': 'application/json' },
        }),
        path,
      );
  });

  it('lets tab and line breaks through in body text, for the schema to judge', async () => {
    const created = await superadmin.post<{ description: string }>('/api/v1/organizations', {
      name: 'Отдел кадров',
      kind: 'department',
      description: 'Первая строка\nвторая\tстрока',
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.description).toBe('Первая строка\nвторая\tстрока');
    // A single-line field refuses the line break itself (validation, not the boundary).
    const refused = await superadmin.post<Problem>('/api/v1/organizations', {
      name: 'Две\nстроки',
      kind: 'department',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('validation_failed');
  });

  it('refuses line breaks and tabs in query strings (no parameter is multi-line)', async () => {
    expectInvalidText(await superadmin.get('/api/v1/users?q=%D0%B8%0A'), 'query.q');
    expectInvalidText(await superadmin.get('/api/v1/users?q=a%09b'), 'query.q');
  });

  it('refuses a control character in the User-Agent, which sessions and audit events store', async () => {
    expectInvalidText(
      await superadmin.request('GET', '/api/v1/me', { headers: { 'user-agent': 'bad\tagent' } }),
      'headers.user-agent',
    );
  });

  it('comes before authentication: the same 400 without a session', async () => {
    const response = await fetch(`${context.baseUrl}/api/v1/audit-events?targetId=%00`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as Problem).code).toBe('invalid_text');
  });

  it('walks a deeply nested body without overflowing the stack', async () => {
    const deep = `{"name":${'['.repeat(100_000)}"\\u0000"${']'.repeat(100_000)},"kind":"department"}`;
    const response = await superadmin.request('POST', '/api/v1/organizations', {
      raw: deep,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect((response.body as Problem).code).toBe('invalid_text');
  });
});

describe('HR file upload', () => {
  const header = 'Табельный номер;Фамилия;Имя;Отчество;Должность;Подразделение;E-mail';

  it('a NUL byte in a CSV is a 422 unreadable_csv, not a crash', async () => {
    const csv = Buffer.concat([
      Buffer.from(`${header}\r\n1001;Пет`),
      Buffer.from([0x00]),
      Buffer.from('ров;Пётр;;Инженер;Отдел;petrov@corp.example\r\n'),
    ]);
    const response = await upload<Problem>(superadmin, { file: new Uint8Array(csv) });
    expect(response.status, response.text).toBe(422);
    expect(response.body.code).toBe('unreadable_csv');
  });

  it('a surrogate encoded in a CSV cell or a NUL in an XLSX cell refuses the file (422), no crash', async () => {
    const cesu = Buffer.concat([
      Buffer.from(`${header}\r\n1003;Сидоров;`),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from(';;Инженер;Отдел;sidorov@corp.example\r\n'),
    ]);
    const xlsx = generatedXlsx(2, (index) =>
      index === 0 ? ['Табельный номер', 'Фамилия', 'Имя'] : ['1004', 'Ку\u0000знецов', 'Олег'],
    );
    // Invalid UTF-8 is read as Windows-1251, so the Russian headers no longer match.
    for (const [file, fileName, code] of [
      [new Uint8Array(cesu), 'staff.csv', 'missing_columns'],
      [xlsx, 'staff.xlsx', 'unreadable_spreadsheet'],
    ] as const) {
      const response = await upload<Problem>(superadmin, { file, fileName });
      expect(response.status, response.text).toBe(422);
      expect(response.body.code).toBe(code);
    }
  });

  it('refuses a NUL in the file name or a form field with a 400', async () => {
    const csv = new TextEncoder().encode(`${header}\r\n1001;Иванов;Иван;;;;\r\n`);
    // busboy itself refuses a raw NUL in a part header: a 400 either way, never a 500.
    const named = await upload<Problem>(superadmin, { file: csv, fileName: 'staff\u0000.csv' });
    expect(named.status, named.text).toBe(400);
    expectInvalidText(
      await upload(superadmin, { file: csv, fields: { scope: 'partial\u0000' } }),
      'form.scope',
    );
    // `mapping` is JSON inside a field: an escaped NUL appears only once parsed, where the
    // mapping's own schema (line()) refuses it.
    const mapped = await upload<Problem>(superadmin, {
      file: csv,
      fields: { mapping: '{"familyName":"\\u0000"}' },
    });
    expect(mapped.status).toBe(400);
    expect(mapped.body.code).toBe('validation_failed');
  });
});
