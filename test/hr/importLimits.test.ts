import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainRuns } from '../../server/sources/runs.ts';
import type { RunView } from '../../server/sources/schemas.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { BULK_TEST_MS } from '../support/timeouts.ts';
import { generatedXlsx, type SheetCell, upload } from './importSupport.ts';

// Limits of this service: small enough to test each refusal with small files.
const MAX_UNCOMPRESSED = 32 * 1_048_576;
const MAX_ROWS = 50_000;

let context: TestContext;
let staff: ApiClient;

beforeAll(async () => {
  context = await startTestContext({
    jobs: { enabled: false },
    hr: { import: { maxUncompressedBytes: MAX_UNCOMPRESSED, maxRows: MAX_ROWS } },
  });
  ({ api: staff } = await signedIn(context, 'staff'));
});

afterAll(async () => {
  await drainRuns(context.services);
  await context.close();
});

const HEADER = ['Таб. №', 'ФИО', 'Должность', 'Отдел', 'Эл. почта', 'Дата приёма'];

/** Row i of a generated sheet (0: the header); employee numbers from `first`. */
function staffRow(first: number) {
  return (index: number): SheetCell[] =>
    index === 0
      ? HEADER
      : [
          first + index,
          'Петров Пётр Петрович',
          index % 3 === 0 ? 'Инженер' : 'Бухгалтер',
          `Отдел ${index % 40}`,
          `x${first + index}@corp.example`,
          { date: '2019-03-15' },
        ];
}

function csv(lines: string[]): Uint8Array {
  return new TextEncoder().encode(`${lines.join('\n')}\n`);
}

function expectRefused(
  response: { status: number; body: unknown; text: string },
  status: number,
  code: string,
) {
  expect(response.status, response.text).toBe(status);
  expect(response.body).toMatchObject({ code });
}

/** The byte offset of a ZIP entry's central directory record. */
function centralRecord(zip: Uint8Array, name: string): number {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const wanted = new TextEncoder().encode(name);
  for (let at = zip.length - 46; at >= 0; at -= 1)
    if (
      view.getUint32(at, true) === 0x02014b50 &&
      view.getUint16(at + 28, true) === wanted.length &&
      Buffer.from(zip.subarray(at + 46, at + 46 + wanted.length)).equals(wanted)
    )
      return at;
  throw new Error(`no ${name} in the archive`);
}

describe('HR import: off the event loop, within limits', () => {
  it(
    'reads a large XLSX in a worker thread while /healthz keeps answering, and reports progress',
    async () => {
      const rows = 30_000;
      const file = generatedXlsx(rows + 1, staffRow(500_000));
      let done = false;
      const pending = upload<RunView>(staff, { file, fileName: 'Сотрудники.xlsx' }).finally(() => {
        done = true;
      });
      // The service keeps answering while the file is read, staged and planned.
      let answeredMeanwhile = 0;
      while (!done) {
        const health = await fetch(`${staff.baseUrl}/healthz`);
        expect(health.status).toBe(200);
        if (!done) answeredMeanwhile += 1;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const response = await pending;
      expect(response.status, response.text).toBe(201);
      const run = response.body;
      expect(run.status).toBe('planned');
      expect(answeredMeanwhile).toBeGreaterThan(0);
      expect(run.counts).toMatchObject({ read: rows, create: rows, conflict: 0 });
      expect(run.details).toMatchObject({
        format: 'xlsx',
        rows,
        rowErrorCount: 0,
        progress: { rowsRead: rows, rows },
      });
      // Parsed by a worker thread: the main thread's id is 0.
      const thread = run.details.parsedInThread as number;
      expect(thread).toBeGreaterThan(0);
      // Date cells (style 14) are dates, numbers are text without a fraction.
      const item = await staff.get<{ data: { record: Record<string, unknown> }[] }>(
        `/api/v1/imports/${run.id}/plan?limit=1`,
      );
      expect(item.body.data[0]?.record).toMatchObject({
        employeeId: '500001',
        hireDate: '2019-03-15',
        familyName: 'Петров',
      });
    },
    BULK_TEST_MS,
  );

  it('refuses a zip bomb (413 uncompressed_too_large) from the archive directory, before inflating', async () => {
    // A real bomb: 64 MB of sheet XML in a file of a few hundred KB.
    const bomb = generatedXlsx(3, staffRow(1), { padding: { bytes: 2 * MAX_UNCOMPRESSED } });
    expect(bomb.length).toBeLessThan(MAX_UNCOMPRESSED / 16);
    const response = await upload(staff, { file: bomb, fileName: 'bomb.xlsx' });
    expectRefused(response, 413, 'uncompressed_too_large');
    expect(response.body).toMatchObject({
      limit: 'hr.import.maxUncompressedBytes',
      max: MAX_UNCOMPRESSED,
      part: 'xl/worksheets/sheet1.xml',
    });
    // The refusal comes from the declared sizes alone: the sheet's data, made undecodable here,
    // is never inflated (inflating it would answer 422 unreadable_spreadsheet instead).
    const lying = new Uint8Array(generatedXlsx(3, staffRow(1)));
    const view = new DataView(lying.buffer);
    const record = centralRecord(lying, 'xl/worksheets/sheet1.xml');
    view.setUint32(record + 24, 0xfffffff0, true);
    const local = view.getUint32(record + 42, true);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    lying.fill(0xff, start, start + view.getUint32(record + 20, true));
    expectRefused(
      await upload(staff, { file: lying, fileName: 'lying.xlsx' }),
      413,
      'uncompressed_too_large',
    );
    // A sheet that inflates past the size it declares is stopped there.
    const short = new Uint8Array(generatedXlsx(200, staffRow(1)));
    const shortView = new DataView(short.buffer);
    shortView.setUint32(centralRecord(short, 'xl/worksheets/sheet1.xml') + 24, 1_000, true);
    const stopped = await upload(staff, { file: short, fileName: 'short.xlsx' });
    expectRefused(stopped, 422, 'unreadable_spreadsheet');
    expect(stopped.text).toContain('past its declared size');
  });

  it('refuses too many columns, an overlong cell and too many rows with a clear code and where', async () => {
    const wide = ['Табельный номер', 'ФИО', ...Array.from({ length: 250 }, (_, i) => `Поле ${i}`)];
    const columns = await upload(staff, { file: csv([wide.join(';'), '1;Иванов Иван']) });
    expectRefused(columns, 422, 'too_many_columns');
    expect(columns.body).toMatchObject({
      limit: 'hr.import.maxColumns',
      max: 200,
      found: 252,
      row: 1,
    });
    const wideSheet = generatedXlsx(2, (index) =>
      index === 0 ? wide : ['1', 'Иванов Иван', ...Array.from({ length: 250 }, () => 'x')],
    );
    expectRefused(
      await upload(staff, { file: wideSheet, fileName: 'wide.xlsx' }),
      422,
      'too_many_columns',
    );

    const long = 'я'.repeat(40_000);
    const cell = await upload(staff, {
      file: csv(['Табельный номер;ФИО;Должность', `1;Иванов Иван;${long}`]),
    });
    expectRefused(cell, 422, 'cell_too_long');
    expect(cell.body).toMatchObject({ limit: 'hr.import.maxCellChars', row: 2, column: 3 });
    const longSheet = generatedXlsx(2, (index) =>
      index === 0 ? ['Табельный номер', 'ФИО', 'Должность'] : [1, 'Иванов Иван', long],
    );
    const sheetCell = await upload(staff, { file: longSheet, fileName: 'long.xlsx' });
    expectRefused(sheetCell, 422, 'cell_too_long');
    expect(sheetCell.body).toMatchObject({ row: 2, column: 3 });

    const many = ['Табельный номер;ФИО'];
    for (let i = 1; i <= MAX_ROWS + 1; i += 1) many.push(`${i};Иванов Иван`);
    const rows = await upload(staff, { file: csv(many) });
    expectRefused(rows, 422, 'too_many_rows');
    expect(rows.body).toMatchObject({ limit: 'hr.import.maxRows', max: MAX_ROWS });
    // A sheet that declares more rows than the limit is refused before its rows are read.
    const declared = generatedXlsx(2, staffRow(1), { dimension: `A1:F${MAX_ROWS + 10}` });
    expectRefused(
      await upload(staff, { file: declared, fileName: 'declared.xlsx' }),
      422,
      'too_many_rows',
    );
  });
});
