import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainRuns } from '../../server/sources/runs.ts';
import type { PlanItemView, RunView } from '../../server/sources/schemas.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { type FilePerson, oneCFile, upload } from './importSupport.ts';

let context: TestContext;
let staff: ApiClient;
let admin: ApiClient;

beforeAll(async () => {
  context = await startTestContext({ jobs: { enabled: false } });
  ({ api: staff } = await signedIn(context, 'staff'));
  ({ api: admin } = await signedIn(context, 'admin'));
});

afterAll(async () => {
  await drainRuns(context.services);
  await context.close();
});

const company: FilePerson[] = Array.from({ length: 12 }, (_, i) => ({
  number: `C${String(i + 1).padStart(3, '0')}`,
  family: `Фамилия${i + 1}`,
  given: 'Мария',
  middle: 'Андреевна',
  title: 'Менеджер',
  department: 'Продажи',
  email: `c${i + 1}@corp.example`,
  hired: '10.01.2019',
}));

async function statuses(): Promise<Record<string, string>> {
  const { rows } = await context.services.pool.query<{ employee_number: string; status: string }>(
    `select employee_number, status from app_user where employee_number like 'C%'`,
  );
  return Object.fromEntries(rows.map((r) => [r.employee_number, r.status]));
}

describe('a complete staff list', () => {
  it('a partial import never deactivates the people it does not list', async () => {
    const first = (await upload<RunView>(staff, { file: oneCFile(company) })).body;
    expect(first.counts.create).toBe(12);
    const applied = await staff.post<RunView>(`/api/v1/imports/${first.id}/apply?wait=true`);
    expect(applied.body.status).toBe('succeeded');
    const partial = (await upload<RunView>(staff, { file: oneCFile(company.slice(0, 3)) })).body;
    expect(partial.counts).toMatchObject({ deactivate: 0, unchanged: 3 });
    expect(partial.mode).toBe('incremental');
  });

  it('holds a file that would deactivate half the company for approval; an admin approves it', async () => {
    const half = company.slice(0, 6);
    const preview = (
      await upload<RunView>(staff, { file: oneCFile(half), fields: { scope: 'complete' } })
    ).body;
    expect(preview.status).toBe('planned');
    expect(preview.mode).toBe('full');
    expect(preview.details.scope).toBe('complete');
    expect(preview.counts.deactivate).toBe(6);
    const plan = await staff.get<{ data: PlanItemView[] }>(
      `/api/v1/imports/${preview.id}/plan?action=deactivate`,
    );
    expect(plan.body.data.map((i) => i.externalId).sort()).toEqual(
      company.slice(6).map((p) => p.number),
    );
    const held = await staff.post<RunView>(`/api/v1/imports/${preview.id}/apply?wait=true`);
    expect(held.status).toBe(202);
    expect(held.body.status).toBe('awaiting_approval');
    expect(held.body.safety).toMatch(/approval/);
    expect(Object.values(await statuses()).filter((s) => s === 'deactivated')).toHaveLength(0);
    // Staff may not approve; an admin may.
    expect((await staff.post(`/api/v1/sync-runs/${preview.id}/approve`)).status).toBe(403);
    const approved = await admin.post<RunView>(`/api/v1/sync-runs/${preview.id}/approve?wait=true`);
    expect(approved.status, approved.text).toBe(202);
    expect(approved.body.status).toBe('succeeded');
    const after = await statuses();
    for (const p of company.slice(0, 6)) expect(after[p.number]).toBe('active');
    for (const p of company.slice(6)) expect(after[p.number]).toBe('deactivated');
  });

  it('a malformed row of a complete file keeps its person (present, not deactivated)', async () => {
    const rows = company.slice(0, 6).map((p, i) => (i === 0 ? { ...p, hired: '99.99.2020' } : p));
    const preview = (
      await upload<RunView>(staff, { file: oneCFile(rows), fields: { scope: 'complete' } })
    ).body;
    expect(preview.counts).toMatchObject({ conflict: 1, deactivate: 0 });
  });
});
