import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainRuns } from '../../server/sources/runs.ts';
import type { PlanItemView, RunView } from '../../server/sources/schemas.ts';
import type { ApiClient } from '../support/api.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import {
  englishTsv,
  type FilePerson,
  generatedXlsx,
  oneCFile,
  upload,
  xlsxFile,
} from './importSupport.ts';

let context: TestContext;
let staff: ApiClient;
let admin: ApiClient;
let auditor: ApiClient;

beforeAll(async () => {
  context = await startTestContext({ jobs: { enabled: false } });
  ({ api: staff } = await signedIn(context, 'staff'));
  ({ api: admin } = await signedIn(context, 'admin'));
  ({ api: auditor } = await signedIn(context, 'auditor'));
});

afterAll(async () => {
  await drainRuns(context.services);
  await context.close();
});

function person(number: string, extra: Partial<FilePerson> = {}): FilePerson {
  return {
    number,
    family: 'Кузнецов',
    given: 'Пётр',
    middle: 'Сергеевич',
    title: 'Инженер',
    department: 'Отдел эксплуатации',
    phone: '8 (916) 123-45-67',
    email: `p${number}@corp.example`,
    hired: '01.02.2020',
    ...extra,
  };
}

async function plan(api: ApiClient, id: string, query = ''): Promise<PlanItemView[]> {
  const response = await api.get<{ data: PlanItemView[] }>(
    `/api/v1/imports/${id}/plan?limit=200${query}`,
  );
  expect(response.status).toBe(200);
  return response.body.data;
}

async function apply(api: ApiClient, id: string): Promise<RunView> {
  const response = await api.post<RunView>(`/api/v1/imports/${id}/apply?wait=true`);
  expect(response.status, response.text).toBe(202);
  return response.body;
}

async function byNumber(number: string) {
  const { rows } = await context.services.pool.query<{
    id: string;
    family_name: string;
    given_name: string;
    middle_name: string | null;
    title: string | null;
    status: string;
    hire_date: string | null;
    email: string | null;
  }>(
    `select id, family_name, given_name, middle_name, title, status, email,
            to_char(hire_date, 'YYYY-MM-DD') as hire_date
       from app_user where employee_number = $1`,
    [number],
  );
  return rows;
}

function expectProblem(response: { status: number; headers: Headers }, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
}

describe('upload and preview', () => {
  it('reads a 1C-style Windows-1251 CSV (";", CRLF, Russian headers) into a planned preview', async () => {
    const people = [
      person('1001'),
      person('1002', { family: 'Петрова', given: 'Алёна', middle: 'Игоревна' }),
    ];
    const response = await upload<RunView>(staff, {
      file: oneCFile(people),
      fileName: 'Сотрудники ЗУП.csv',
    });
    expect(response.status, response.text).toBe(201);
    const run = response.body;
    expect(run.status).toBe('planned');
    expect(run.sourceId).toBe('hr-import');
    expect(run.details).toMatchObject({
      fileName: 'Сотрудники ЗУП.csv',
      format: 'csv',
      encoding: 'windows-1251',
      delimiter: ';',
      rows: 2,
      rowErrorCount: 0,
      scope: 'partial',
      mapping: { employeeId: 'Табельный номер', fullName: 'ФИО', hireDate: 'Дата приема' },
    });
    expect(run.counts.create).toBe(2);
    const items = await plan(staff, run.id);
    expect(items.map((i) => [i.action, i.externalId])).toEqual([
      ['create', '1001'],
      ['create', '1002'],
    ]);
    expect(items[1]?.record).toMatchObject({ familyName: 'Петрова', givenName: 'Алёна' });
  });

  it('reads a UTF-8 CSV without a BOM, and a tab-separated UTF-8 file with a BOM and English headers', async () => {
    const text = 'Табельный номер,Фамилия,Имя,Должность\n2001,Смирнова,Ольга,Юрист\n';
    const plain = await upload<RunView>(staff, { file: new TextEncoder().encode(text) });
    expect(plain.status, plain.text).toBe(201);
    expect(plain.body.details).toMatchObject({ encoding: 'utf-8', delimiter: ',' });
    const tsv = await upload<RunView>(staff, {
      file: englishTsv([person('2002', { family: 'Orlov', given: 'Ivan' })]),
      fileName: 'staff.txt',
    });
    expect(tsv.status, tsv.text).toBe(201);
    expect(tsv.body.details).toMatchObject({
      encoding: 'utf-8-bom',
      delimiter: '\t',
      mapping: { employeeId: 'Employee ID', familyName: 'Last name', givenName: 'First name' },
    });
    expect(tsv.body.counts.create).toBe(1);
  });

  it('reads an XLSX workbook (date cells, numeric employee numbers)', async () => {
    const file = await xlsxFile([person('3001'), person('3002', { hired: '15.03.2021' })]);
    const response = await upload<RunView>(staff, { file, fileName: 'staff.xlsx' });
    expect(response.status, response.text).toBe(201);
    expect(response.body.details).toMatchObject({
      format: 'xlsx',
      encoding: null,
      rows: 2,
      mapping: { employeeId: 'Таб. №', email: 'Эл. почта', hireDate: 'Дата приёма' },
    });
    const items = await plan(staff, response.body.id);
    expect(items.map((i) => i.externalId)).toEqual(['3001', '3002']);
    expect(items[1]?.record).toMatchObject({ hireDate: '2021-03-15' });
  });

  it('takes an explicit mapping over the headers, and reports unknown columns', async () => {
    const text = 'Личный номер;Работник;Комментарий\n4001;Волков Андрей;новый\n';
    const without = await upload(staff, { file: new TextEncoder().encode(text) });
    expectProblem(without, 422);
    expect(without.body).toMatchObject({ code: 'missing_columns' });
    const withMapping = await upload<RunView>(staff, {
      file: new TextEncoder().encode(text),
      fields: { mapping: JSON.stringify({ employeeId: 'Личный номер' }) },
    });
    expect(withMapping.status, withMapping.text).toBe(201);
    expect(withMapping.body.details).toMatchObject({
      mapping: { employeeId: 'Личный номер', fullName: 'Работник' },
      unmappedHeaders: ['Комментарий'],
    });
    const wrong = await upload(staff, {
      file: new TextEncoder().encode(text),
      fields: { mapping: JSON.stringify({ employeeId: 'Нет такой' }) },
    });
    expectProblem(wrong, 422);
    expect(wrong.body).toMatchObject({ code: 'mapping_header_not_found' });
    const unknownField = await upload(staff, {
      file: new TextEncoder().encode(text),
      fields: { mapping: JSON.stringify({ salary: 'Комментарий' }) },
    });
    expectProblem(unknownField, 400);
  });

  it('lists malformed rows by row and column, and duplicate employee numbers on both rows', async () => {
    const text = [
      'Табельный номер;ФИО;E-mail;Дата приема;Дата увольнения',
      '5001;Зайцев Олег Петрович;zaitsev@corp.example;01.02.2020;',
      ';Без Номера;;;',
      '5003;Одинслово;;;',
      '5004;Лебедев Илья;not-an-email;31.02.2020;',
      '5005;Морозов Иван;;10.10.2022;01.01.2021',
      '5006;Лишняя Ячейка;;;;лишнее',
      '5001;Зайцев Двойник;;;',
    ].join('\r\n');
    const response = await upload<RunView>(staff, { file: iconv.encode(text, 'win1251') });
    expect(response.status, response.text).toBe(201);
    const errors = response.body.details.rowErrors as {
      row: number;
      column: string | null;
      code: string;
      params: Record<string, unknown>;
      message: string;
    }[];
    expect(response.body.details.rowErrorCount).toBe(errors.length);
    // Each carries a registered code with its params, which the console translates.
    const coded = (row: number, column: string | null) =>
      errors
        .filter((e) => e.row === row && e.column === column)
        .map(({ code, params }) => ({ code, params }));
    expect(coded(3, 'Табельный номер')).toEqual([{ code: 'employee_id_missing', params: {} }]);
    expect(coded(6, 'Дата увольнения')).toEqual([
      {
        code: 'termination_before_hire',
        params: { terminationDate: expect.any(String), hireDate: expect.any(String) },
      },
    ]);
    expect(coded(7, null)).toEqual([
      { code: 'cell_count_mismatch', params: { cells: 6, headers: 5 } },
    ]);
    expect(coded(2, 'Табельный номер')).toEqual([
      { code: 'duplicate_employee_id', params: { employeeId: '5001', rows: '8' } },
    ]);
    const at = (row: number, column: string | null) =>
      errors.filter((e) => e.row === row && e.column === column).map((e) => e.message);
    expect(at(3, 'Табельный номер')).toEqual(['the employee number is missing']);
    expect(at(4, 'ФИО')[0]).toMatch(/family name and a given name/);
    expect(at(5, 'E-mail')[0]).toMatch(/not an email/);
    expect(at(5, 'Дата приема')[0]).toMatch(/not a date/);
    expect(at(6, 'Дата увольнения')[0]).toMatch(/before the hire date/);
    expect(at(7, null)[0]).toMatch(/6 cells where the header has 5/);
    expect(at(2, 'Табельный номер')).toEqual(['duplicate employee number 5001, also on row 8']);
    expect(at(8, 'Табельный номер')).toEqual(['duplicate employee number 5001, also on row 2']);
    // Every bad row is a conflict of the plan, with its reasons; nothing is picked silently.
    const items = await plan(staff, response.body.id);
    const conflicts = items.filter((i) => i.action === 'conflict');
    expect(conflicts).toHaveLength(7);
    expect(conflicts.find((i) => i.externalId === '5001')?.reason).toMatch(
      /duplicate employee number/,
    );
    expect(conflicts.find((i) => i.externalId === 'row:3')?.reason).toMatch(/row 3/);
    // The same reasons as plan notes: the row error's own code inside, for the console.
    expect(conflicts.find((i) => i.externalId === '5001')?.notes).toEqual([
      {
        code: 'import_row_cell',
        params: {
          row: 2,
          column: 'Табельный номер',
          error: { code: 'duplicate_employee_id', params: { employeeId: '5001', rows: '8' } },
        },
      },
    ]);
    expect(conflicts.find((i) => i.externalId === 'row:3')?.notes).toEqual([
      {
        code: 'import_row_cell',
        params: {
          row: 3,
          column: 'Табельный номер',
          error: { code: 'employee_id_missing', params: {} },
        },
      },
    ]);
    expect(items.filter((i) => i.action === 'create')).toHaveLength(0);
  });
  it('makes a control character or an unpaired surrogate in a cell the error of its row, and keeps line breaks in text', async () => {
    // Excel escapes what XML cannot carry as _xHHHH_: `_xD800_` is half a surrogate pair, and
    // `_x0001_` a control character. Staged as they are, the first fails in jsonb and the second
    // makes an employee number differ from its twin by an invisible byte.
    const header = ['Таб. №', 'ФИО', 'Должность'];
    const rows: string[][] = [
      header,
      ['7001', 'Орлов_xD800_ Павел', 'Инженер'],
      ['7002_x0001_', 'Соколов Пётр', 'Инженер'],
      ['7003', 'Титов Сергей', 'Ведущий\nинженер'],
    ];
    const file = generatedXlsx(rows.length, (index) => rows[index] ?? []);
    const response = await upload<RunView>(staff, { file, fileName: 'staff.xlsx' });
    expect(response.status, response.text).toBe(201);
    const errors = response.body.details.rowErrors as {
      row: number;
      column: string | null;
      message: string;
    }[];
    expect(errors).toEqual([
      {
        row: 2,
        column: 'ФИО',
        code: 'lone_surrogate',
        params: {},
        message: expect.stringMatching(/unpaired UTF-16 surrogates/),
      },
      {
        row: 3,
        column: 'Таб. №',
        code: 'control_character',
        params: {},
        message: expect.stringMatching(/control characters/),
      },
    ]);
    const items = await plan(staff, response.body.id);
    expect(items.filter((item) => item.action === 'conflict')).toHaveLength(2);
    // The line break inside a title (Alt+Enter) is display text: a space once normalized.
    expect(items.find((item) => item.externalId === '7003')).toMatchObject({
      action: 'create',
      record: { title: 'Ведущий инженер' },
    });
  });
});

describe('apply', () => {
  it('applies exactly the preview, records hire dates, and a second identical import changes nothing', async () => {
    const people = [
      person('6001'),
      person('6002', { family: 'Соколова', given: 'Анна', middle: 'Павловна' }),
    ];
    const file = oneCFile(people);
    const preview = (await upload<RunView>(staff, { file })).body;
    const items = await plan(staff, preview.id);
    const applied = await apply(staff, preview.id);
    expect(applied.status).toBe('succeeded');
    for (const item of items) {
      const [row] = await byNumber(item.externalId ?? '');
      expect(row?.id).toBe(item.userId);
      expect(row).toMatchObject({
        family_name: item.record?.familyName,
        given_name: item.record?.givenName,
        middle_name: item.record?.middleName ?? null,
        title: 'Инженер',
        status: 'active',
        hire_date: '2020-02-01',
      });
    }
    const again = (await upload<RunView>(staff, { file })).body;
    expect(again.counts).toMatchObject({ create: 0, update: 0, deactivate: 0, unchanged: 2 });
    expect((await apply(staff, again.id)).status).toBe('succeeded');
    expect(await byNumber('6001')).toHaveLength(1);
  });

  it('plans an update with the diff of a changed title', async () => {
    const preview = (
      await upload<RunView>(staff, {
        file: oneCFile([person('6001', { title: 'Ведущий инженер' })]),
      })
    ).body;
    const items = await plan(staff, preview.id);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      action: 'update',
      diff: { title: { from: 'Инженер', to: 'Ведущий инженер' } },
    });
    await apply(staff, preview.id);
    expect((await byNumber('6001'))[0]?.title).toBe('Ведущий инженер');
  });

  it('deactivates a person whose termination date has passed', async () => {
    const preview = (
      await upload<RunView>(staff, {
        file: oneCFile([
          person('6002', {
            family: 'Соколова',
            given: 'Анна',
            middle: 'Павловна',
            left: '01.03.2021',
          }),
        ]),
      })
    ).body;
    const items = await plan(staff, preview.id);
    expect(items[0]?.action).toBe('deactivate');
    await apply(staff, preview.id);
    expect((await byNumber('6002'))[0]?.status).toBe('deactivated');
  });

  it('blocks items on people of the requester’s rank or above when staff imports', async () => {
    const boss = await createPerson(context.services, {
      role: 'admin',
      email: 'boss@corp.example',
    });
    const preview = (
      await upload<RunView>(staff, {
        file: oneCFile([
          person('7001', {
            family: boss.familyName,
            given: boss.givenName,
            email: 'boss@corp.example',
            title: 'Директор',
          }),
        ]),
      })
    ).body;
    const items = await plan(staff, preview.id);
    expect(items[0]).toMatchObject({
      userId: boss.id,
      blocked: 'insufficient_rank',
      blockedNote: { code: 'blocked_insufficient_rank', params: {} },
    });
    expect(items[0]?.notes).toContainEqual({ code: 'requester_rank', params: {} });
    expect(preview.counts.blocked).toBe(1);
    const applied = await apply(staff, preview.id);
    expect(applied.status).toBe('succeeded');
    const { rows } = await context.services.pool.query(
      'select title, employee_number from app_user where id = $1',
      [boss.id],
    );
    expect(rows[0]).toMatchObject({ title: null, employee_number: null });
  });

  it('discards a preview: it can no longer be applied', async () => {
    const preview = (await upload<RunView>(staff, { file: oneCFile([person('8001')]) })).body;
    const discarded = await staff.post<RunView>(`/api/v1/imports/${preview.id}/discard`);
    expect(discarded.status).toBe(200);
    expect(discarded.body.status).toBe('cancelled');
    expectProblem(await staff.post(`/api/v1/imports/${preview.id}/apply`), 409);
    expect(await byNumber('8001')).toHaveLength(0);
  });
});

describe('access, audit and garbage', () => {
  it('401 without a session, 403 for an auditor (audited as denied), 201 for staff', async () => {
    const file = oneCFile([person('9001')]);
    const anonymous = await upload(new (staff.constructor as typeof ApiClient)(context.baseUrl), {
      file,
    });
    expectProblem(anonymous, 401);
    const denied = await upload(auditor, { file });
    expectProblem(denied, 403);
    const { rows } = await context.services.pool.query(
      `select outcome from audit_event where action = 'import.uploaded' and outcome = 'denied'`,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect((await upload(staff, { file })).status).toBe(201);
    // Auditors read imports, staff read them too; only sync-run routes stay closed to staff.
    expect((await auditor.get('/api/v1/imports')).status).toBe(200);
    const list = await staff.get<{ data: RunView[]; total: number }>('/api/v1/imports?limit=5');
    expect(list.status).toBe(200);
    expect(list.body.data.every((r) => r.sourceId === 'hr-import')).toBe(true);
    expect((await staff.get(`/api/v1/imports/${list.body.data[0]?.id}`)).status).toBe(200);
    expectProblem(await staff.get('/api/v1/sync-runs'), 403);
  });

  it('audits the upload with the file name and its SHA-256, and the apply', async () => {
    const file = oneCFile([person('9101')]);
    const run = (await upload<RunView>(admin, { file, fileName: 'март.csv' })).body;
    const sha256 = createHash('sha256').update(file).digest('hex');
    expect(run.details.sha256).toBe(sha256);
    await apply(admin, run.id);
    const { rows } = await context.services.pool.query(
      `select action, details from audit_event where target_id = $1 and action like 'import.%' order by seq`,
      [run.id],
    );
    expect(rows.map((r) => r.action)).toEqual(['import.uploaded', 'import.applied']);
    for (const row of rows) expect(row.details).toMatchObject({ fileName: 'март.csv', sha256 });
  });

  it('answers garbage with 4xx problems, never 500', async () => {
    const cases: [string, Parameters<typeof upload>[1], number][] = [
      ['empty file', { file: new Uint8Array(0) }, 422],
      ['binary junk', { file: new Uint8Array([0, 1, 2, 3, 255, 254, 0, 7, 8, 9]) }, 422],
      [
        'junk with an xlsx name',
        { file: new TextEncoder().encode('not a zip'), fileName: 'a.xlsx' },
        422,
      ],
      [
        'broken zip',
        { file: new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), fileName: 'a.xlsx' },
        422,
      ],
      ['only headers', { file: new TextEncoder().encode('Табельный номер;ФИО\r\n') }, 422],
      ['a 2 MB single line', { file: new TextEncoder().encode('x;'.repeat(1_048_576)) }, 422],
      [
        'an unclosed quote',
        { file: new TextEncoder().encode('Табельный номер;ФИО\n1;"Иванов Иван\n') },
        422,
      ],
      ['wrong multipart field', { file: oneCFile([person('9201')]), field: 'upload' }, 400],
      ['no file at all', { fields: { scope: 'partial' } }, 400],
      ['a bad scope', { file: oneCFile([person('9202')]), fields: { scope: 'everything' } }, 400],
      [
        'a mapping that is not JSON',
        { file: oneCFile([person('9203')]), fields: { mapping: '{' } },
        400,
      ],
      ['a bad format', { file: oneCFile([person('9204')]), fields: { format: 'pdf' } }, 400],
    ];
    for (const [name, parts, status] of cases) {
      const response = await upload(staff, parts);
      expect(response.status, `${name}: ${response.text}`).toBe(status);
      expect(response.headers.get('content-type'), name).toContain('application/problem+json');
    }
    const json = await staff.post('/api/v1/imports', { file: 'x' });
    expectProblem(json, 415);
    expectProblem(await staff.get('/api/v1/imports/not-a-uuid'), 400);
    expectProblem(await staff.get('/api/v1/imports/00000000-0000-4000-8000-000000000000'), 404);
  });

  it('refuses a file over hr.import.maxFileBytes with 413 file_too_large', async () => {
    const small = await startTestContext({
      jobs: { enabled: false },
      hr: { import: { maxFileBytes: 2_048 } },
    });
    try {
      const { api } = await signedIn(small, 'staff');
      const response = await upload(api, { file: new Uint8Array(4_096).fill(65) });
      expectProblem(response, 413);
      expect(response.body).toMatchObject({ code: 'file_too_large' });
    } finally {
      await small.close();
    }
  });
});
