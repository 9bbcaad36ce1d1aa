/**
 * The sync engine with an HR channel: people known by employee number, employment dates,
 * precedence between a directory and HR, fields a file does not carry, invalid rows. The
 * reader is the in-memory test double of test/sources; everything else is the real engine
 * on the real database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../server/authz/actor.ts';
import { HR_IMPORT_SOURCE_ID, hrSource } from '../../server/sources/hr/source.ts';
import { drainRuns, startPlannedApply, startRun } from '../../server/sources/runs.ts';
import type { SourcePerson } from '../../server/sources/types.ts';
import { MemoryDirectory, sourcePerson } from '../sources/memoryDirectory.ts';
import { defineSource, memoryDirectories, sync } from '../sources/support.ts';
import type { ApiClient } from '../support/api.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

let context: TestContext;
let api: ApiClient;
let numbers = 0;

beforeAll(async () => {
  context = await startTestContext({ jobs: { enabled: false } });
  ({ api } = await signedIn(context, 'superadmin'));
});

afterAll(async () => {
  context.setNow(undefined);
  await drainRuns(context.services);
  await context.close();
});

/** An HR row: externalId and employeeId are the employee number, no login, no groups. */
function hrRow(overrides: Partial<SourcePerson> = {}): SourcePerson {
  numbers += 1;
  const number = `T${Date.now().toString(36)}${numbers}`;
  return sourcePerson({
    externalId: number,
    employeeId: number,
    locator: `row ${numbers + 1}`,
    username: null,
    email: null,
    ...overrides,
  });
}

/** Runs the HR import channel over `rows` and waits for its end; returns the run row. */
async function importRows(
  rows: SourcePerson[],
  mode: 'full' | 'incremental' = 'incremental',
  stopAtPlan = false,
) {
  const file = new MemoryDirectory();
  file.pageSize = 1_000;
  file.put(...rows);
  const source = hrSource(context.services, HR_IMPORT_SOURCE_ID);
  const started = await startRun(context.services, source, mode, systemActor('test'), file, {
    stopAtPlan,
  });
  await started.done;
  return runRow(started.runId);
}

async function runRow(id: string) {
  const { rows } = await context.services.pool.query<{
    id: string;
    status: string;
    counts: Record<string, number>;
    error: string | null;
  }>('select id, status, counts, error from sync_run where id = $1', [id]);
  const row = rows[0];
  if (!row) throw new Error(`no run ${id}`);
  return row;
}

async function planItems(runId: string) {
  const { rows } = await context.services.pool.query<{
    action: string;
    external_id: string;
    diff: Record<string, { from: unknown; to: unknown }>;
    reason: string | null;
  }>(
    'select action, external_id, diff, reason from sync_plan_item where run_id = $1 order by seq',
    [runId],
  );
  return rows;
}

async function personByNumber(number: string) {
  const { rows } = await context.services.pool.query<{
    id: string;
    status: string;
    family_name: string;
    title: string | null;
    email: string | null;
    username: string | null;
    hr_source_id: string | null;
    source: string;
    hire_date: string | null;
    termination_date: string | null;
  }>(
    `select id, status, family_name, title, email, username, hr_source_id, source,
            hire_date::text, termination_date::text
       from app_user where employee_number = $1`,
    [number],
  );
  return rows;
}

async function liveChanges(userId: string) {
  const { rows } = await context.services.pool.query<{ kind: string; effective_at: Date }>(
    `select kind, effective_at from scheduled_change
      where user_id = $1 and cancelled_at is null and fired_at is null order by kind`,
    [userId],
  );
  return rows;
}

describe('HR channel on the sync engine', () => {
  it('creates people by employee number and leaves an identical second import unchanged', async () => {
    const rows = [hrRow({ title: 'Бухгалтер' }), hrRow({ department: 'Кадры' })];
    const first = await importRows(rows);
    expect(first.status, first.error ?? '').toBe('succeeded');
    expect(first.counts).toMatchObject({ create: 2, applied: 2 });
    const [person] = await personByNumber(rows[0]?.externalId ?? '');
    expect(person).toMatchObject({ status: 'active', source: 'import', hr_source_id: 'hr-import' });
    const second = await importRows(rows);
    expect(second.counts).toMatchObject({ create: 0, update: 0, unchanged: 2 });
  });

  it('shows an update as a diff, and the preview is exactly what apply does', async () => {
    const row = hrRow({ title: 'Инженер' });
    await importRows([row]);
    const preview = await importRows([{ ...row, title: 'Ведущий инженер' }], 'incremental', true);
    expect(preview.status).toBe('planned');
    const items = await planItems(preview.id);
    expect(items).toMatchObject([
      { action: 'update', diff: { title: { from: 'Инженер', to: 'Ведущий инженер' } } },
    ]);
    expect((await personByNumber(row.externalId))[0]?.title).toBe('Инженер');
    const applied = await startPlannedApply(
      context.services,
      hrSource(context.services, HR_IMPORT_SOURCE_ID),
      preview.id,
    );
    await applied.done;
    expect((await runRow(preview.id)).status).toBe('succeeded');
    expect((await personByNumber(row.externalId))[0]?.title).toBe('Ведущий инженер');
  });

  it('deactivates a leaver whose last day has ended, and schedules a future one', async () => {
    context.setNow(new Date('2026-11-21T12:00:00Z'));
    try {
      const gone = hrRow({ terminationDate: '2026-11-20' });
      const leaving = hrRow({ terminationDate: '2026-11-30' });
      const starting = hrRow({ hireDate: '2026-12-01' });
      await importRows([gone, leaving, starting]);
      // A leaver who never existed here is not created.
      expect(await personByNumber(gone.externalId)).toEqual([]);
      const [leaver] = await personByNumber(leaving.externalId);
      expect(leaver?.status).toBe('active');
      expect(leaver?.termination_date).toBe('2026-11-30');
      expect(await liveChanges(leaver?.id ?? '')).toEqual([
        // End of 30 November in Moscow (UTC+3).
        { kind: 'deactivate', effective_at: new Date('2026-11-30T21:00:00Z') },
      ]);
      const [starter] = await personByNumber(starting.externalId);
      expect(starter?.status).toBe('pending');
      expect(await liveChanges(starter?.id ?? '')).toEqual([
        { kind: 'activate', effective_at: new Date('2026-11-30T21:00:00Z') },
      ]);
      // The last day moves into the past: the next import deactivates at once.
      const run = await importRows([{ ...leaving, terminationDate: '2026-11-21' }]);
      expect(run.counts).toMatchObject({ update: 1 });
      context.setNow(new Date('2026-11-21T21:00:01Z'));
      const later = await importRows([{ ...leaving, terminationDate: '2026-11-21' }]);
      expect(later.counts).toMatchObject({ deactivate: 1 });
      expect((await personByNumber(leaving.externalId))[0]?.status).toBe('deactivated');
    } finally {
      context.setNow(undefined);
    }
  });

  it('lists an invalid row as a conflict, and a complete import does not deactivate its person', async () => {
    const kept = hrRow();
    await importRows([kept], 'full');
    const broken = { ...kept, errors: ['row 2, Дата приёма: "31.02.2026" is not a date'] };
    // A complete list: everyone else the channel fed in this file's tests is missing from it.
    const run = await importRows([broken, hrRow()], 'full', true);
    expect(run.counts).toMatchObject({ conflict: 1, create: 1 });
    const items = await planItems(run.id);
    const keptItem = items.find((item) => item.external_id === kept.externalId);
    expect(keptItem?.action).toBe('conflict');
    expect(keptItem?.reason).toContain('is not a date');
    expect(items.filter((item) => item.action === 'deactivate').length).toBe(run.counts.deactivate);
    expect((await personByNumber(kept.externalId))[0]?.status).toBe('active');
  });

  it('never clears a field the file does not carry', async () => {
    const row = hrRow({ email: 'carried@corp.example', title: 'Юрист' });
    await importRows([row]);
    const run = await importRows([
      { ...row, email: null, title: 'Старший юрист', fields: ['familyName', 'givenName', 'title'] },
    ]);
    expect(run.counts).toMatchObject({ update: 1 });
    const [person] = await personByNumber(row.externalId);
    expect(person).toMatchObject({ email: 'carried@corp.example', title: 'Старший юрист' });
  });

  it('reports two people with the same employee number as a conflict', async () => {
    const number = `D${Date.now().toString(36)}`;
    await createPerson(context.services, { familyName: 'Первый' });
    const a = await createPerson(context.services, { familyName: 'Первый' });
    const b = await createPerson(context.services, { familyName: 'Второй' });
    await context.services.pool.query(
      'update app_user set employee_number = $1 where id = any($2::uuid[])',
      [number, [a.id, b.id]],
    );
    const run = await importRows([hrRow({ externalId: number, employeeId: number })]);
    expect(run.counts).toMatchObject({ conflict: 1, update: 0 });
  });

  it('follows precedence for a person fed by both a directory and HR', async () => {
    const directories = memoryDirectories(context.services);
    const { id, directory } = await defineSource(api, directories);
    const number = `P${Date.now().toString(36)}`;
    const adPerson = sourcePerson({ employeeId: number, title: 'AD title', familyName: 'Адов' });
    directory.put(adPerson);
    expect((await sync(api, id)).status).toBe('succeeded');
    // HR links the directory's person by employee number and wins names and title...
    const hrRun = await importRows([
      hrRow({
        externalId: number,
        employeeId: number,
        familyName: 'Кадров',
        title: 'HR title',
        email: 'hr@corp.example',
        username: null,
      }),
    ]);
    expect(hrRun.counts).toMatchObject({ update: 1 });
    let [person] = await personByNumber(number);
    expect(person).toMatchObject({
      family_name: 'Кадров',
      title: 'HR title',
      // ...but not the email, which the directory wins.
      email: adPerson.email,
      hr_source_id: 'hr-import',
      source: 'ad',
    });
    // The directory's next run leaves HR's fields alone and still owns the login.
    directory.change(adPerson.externalId, {
      familyName: 'Адов-2',
      title: 'AD title 2',
      username: `${adPerson.username}x`,
    });
    const adRun = await sync(api, id);
    expect(adRun.counts).toMatchObject({ update: 1 });
    [person] = await personByNumber(number);
    expect(person).toMatchObject({
      family_name: 'Кадров',
      title: 'HR title',
      username: `${adPerson.username}x`,
    });
  });
});
