import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainRuns } from '../../server/sources/runs.ts';
import type { PlanItemView, RunView } from '../../server/sources/schemas.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { upload } from './importSupport.ts';

/*
 * An HR file can say a person is on a long leave (a «Состояние» column from 1C): the plan
 * suspends them through the lifecycle, and a later file lifts only the suspension HR made.
 */

let context: TestContext;
let admin: ApiClient;

beforeAll(async () => {
  context = await startTestContext({ jobs: { enabled: false } });
  ({ api: admin } = await signedIn(context, 'admin'));
});

afterAll(async () => {
  await drainRuns(context.services);
  await context.close();
});

/** A 1C-style file with a state column, one `[number, name, state]` a row. */
function file(rows: [string, string, string][]): Uint8Array {
  const lines = ['Табельный номер;ФИО;Состояние', ...rows.map((row) => row.join(';'))];
  return iconv.encode(`${lines.join('\r\n')}\r\n`, 'win1251');
}

async function previewAndApply(rows: [string, string, string][]): Promise<PlanItemView[]> {
  const preview = await upload<RunView>(admin, { file: file(rows) });
  expect(preview.status, preview.text).toBe(201);
  const plan = await admin.get<{ data: PlanItemView[] }>(
    `/api/v1/imports/${preview.body.id}/plan?limit=200`,
  );
  expect(plan.status).toBe(200);
  const applied = await admin.post<RunView>(`/api/v1/imports/${preview.body.id}/apply?wait=true`);
  expect(applied.status, applied.text).toBe(202);
  expect(applied.body.status).toBe('succeeded');
  return plan.body.data;
}

async function personOf(number: string): Promise<{ id: string; status: string }> {
  const { rows } = await context.services.pool.query<{ id: string; status: string }>(
    'select id, status from app_user where employee_number = $1',
    [number],
  );
  expect(rows).toHaveLength(1);
  return rows[0] as { id: string; status: string };
}

async function newestHistory(id: string) {
  const response = await admin.get<{ data: { from: string; to: string; door: string }[] }>(
    `/api/v1/users/${id}/status-history`,
  );
  expect(response.status).toBe(200);
  return response.body.data[0];
}

describe('a suspension mark in an HR file', () => {
  it('creates a newcomer on leave as suspended, suspends and lifts through the lifecycle', async () => {
    const created = await previewAndApply([
      ['7001', 'Орлова Мария Ивановна', ''],
      ['7002', 'Фомин Артём Олегович', 'Отпуск по уходу за ребёнком'],
    ]);
    expect(created.map((item) => item.action)).toEqual(['create', 'create']);
    expect((await personOf('7001')).status).toBe('active');
    expect((await personOf('7002')).status).toBe('suspended');

    const suspended = await previewAndApply([
      ['7001', 'Орлова Мария Ивановна', 'декрет'],
      ['7002', 'Фомин Артём Олегович', 'отпуск по уходу за ребенком'],
    ]);
    expect(suspended.find((item) => item.externalId === '7001')).toMatchObject({
      action: 'suspend',
      diff: { status: { from: 'active', to: 'suspended' } },
    });
    expect(suspended.find((item) => item.externalId === '7002')?.action).toBe('unchanged');
    const orlova = await personOf('7001');
    expect(orlova.status).toBe('suspended');
    expect(await newestHistory(orlova.id)).toMatchObject({
      from: 'active',
      to: 'suspended',
      door: 'hr-import',
    });

    const back = await previewAndApply([
      ['7001', 'Орлова Мария Ивановна', 'работает'],
      ['7002', 'Фомин Артём Олегович', ''],
    ]);
    expect(back.map((item) => item.action)).toEqual(['reactivate', 'reactivate']);
    expect((await personOf('7001')).status).toBe('active');
    expect((await personOf('7002')).status).toBe('active');
    expect(await newestHistory(orlova.id)).toMatchObject({
      from: 'suspended',
      to: 'active',
      door: 'hr-import',
    });
  });

  it('never lifts a suspension made by hand', async () => {
    await previewAndApply([['7101', 'Гусев Денис Павлович', '']]);
    const gusev = await personOf('7101');
    const suspend = await admin.post(`/api/v1/users/${gusev.id}/suspend`, {
      reason: 'служебная проверка',
    });
    expect(suspend.status, suspend.text).toBe(200);
    const plan = await previewAndApply([['7101', 'Гусев Денис Павлович', 'нет']]);
    expect(plan[0]?.action).toBe('unchanged');
    expect(plan[0]?.reason).toContain('suspended by hand; stays suspended');
    expect((await personOf('7101')).status).toBe('suspended');
  });

  it('refuses a mark it does not understand, at the row and column', async () => {
    const preview = await upload<RunView>(admin, {
      file: file([['7201', 'Белова Анна Сергеевна', 'в командировке']]),
    });
    expect(preview.status, preview.text).toBe(201);
    const errors = preview.body.details.rowErrors as { row: number; column: string }[];
    expect(errors).toEqual([
      expect.objectContaining({ row: 2, column: 'Состояние', message: expect.any(String) }),
    ]);
  });
});
