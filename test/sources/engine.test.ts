import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANALYZE_STAGING_FROM,
  normalizePage,
  SLICED_FROM,
  stageNormalized,
} from '../../server/sources/reconcile/plan.ts';
import { configureEngine } from '../../server/sources/runs.ts';
import type { ApiClient } from '../support/api.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import type { TestContext } from '../support/harness.ts';
import { EXPECT_POLL_MS } from '../support/timeouts.ts';
import type { MemoryDirectory } from './memoryDirectory.ts';
import { sourcePerson } from './memoryDirectory.ts';
import {
  closeEngineSuite,
  defineSource,
  type PlanLine,
  peopleOf,
  planOf,
  startEngineSuite,
  sync,
} from './support.ts';

let context: TestContext;
let api: ApiClient;
let directories: Map<string, MemoryDirectory>;

beforeAll(async () => {
  ({ context, directories, api } = await startEngineSuite());
});

afterAll(() => closeEngineSuite(context));

describe('plan and apply', () => {
  it('creates, updates, deactivates, reactivates and leaves the unchanged alone', async () => {
    const { id, directory } = await defineSource(api, directories);
    const anna = sourcePerson({
      givenName: 'Анна',
      department: 'Бухгалтерия',
      phone: '8 916 123-45-67',
    });
    const boris = sourcePerson({ givenName: 'Борис', department: 'Бухгалтерия', title: 'Инженер' });
    const vera = sourcePerson({ givenName: 'Вера', department: 'ИТ' });
    directory.put(anna, boris, vera);
    const first = await sync(api, id);
    expect(first.status).toBe('succeeded');
    expect(first.counts).toMatchObject({ read: 3, create: 3, applied: 3 });
    let people = await peopleOf(context.services, id);
    expect(people.map((p) => [p.given_name, p.status, p.organization, p.source])).toEqual(
      [anna, boris, vera]
        .sort((a, b) => a.externalId.localeCompare(b.externalId))
        .map((p) => [p.givenName, 'active', p.department, 'ad']),
    );
    expect(people.find((p) => p.external_id === anna.externalId)?.phone).toBe('+79161234567');

    directory.change(boris.externalId, { title: 'Ведущий инженер', department: 'ИТ' });
    directory.change(vera.externalId, { disabled: true });
    const second = await sync(api, id);
    expect(second.counts).toMatchObject({ update: 1, deactivate: 1, unchanged: 1 });
    const plan = await planOf(api, second.id);
    const borisLine = plan.find((line) => line.externalId === boris.externalId);
    expect(borisLine?.diff).toEqual({
      title: { from: 'Инженер', to: 'Ведущий инженер' },
      organization: { from: 'Бухгалтерия', to: 'ИТ' },
    });
    people = await peopleOf(context.services, id);
    expect(people.find((p) => p.external_id === vera.externalId)?.status).toBe('deactivated');
    expect(people.find((p) => p.external_id === boris.externalId)?.title).toBe('Ведущий инженер');

    directory.change(vera.externalId, { disabled: false });
    const third = await sync(api, id);
    expect(third.counts).toMatchObject({ reactivate: 1, unchanged: 2 });
    people = await peopleOf(context.services, id);
    expect(people.every((p) => p.status === 'active')).toBe(true);
    // Departments became organizations once each, however many people share them.
    const { rows } = await context.services.pool.query(
      `select name from organization where name in ('Бухгалтерия', 'ИТ') order by name`,
    );
    expect(rows).toEqual([{ name: 'Бухгалтерия' }, { name: 'ИТ' }]);
  });

  it('deactivates people missing from a full read, never from an incremental one', async () => {
    const { id, directory } = await defineSource(api, directories);
    const people = Array.from({ length: 12 }, () => sourcePerson());
    directory.put(...people);
    await sync(api, id);
    directory.remove(people[0]?.externalId ?? '');
    const incremental = await sync(api, id, 'incremental');
    expect(incremental.readMode).toBe('incremental');
    expect(incremental.counts.deactivate).toBe(0);
    const full = await sync(api, id, 'full');
    expect(full.counts.deactivate).toBe(1);
    const rows = await peopleOf(context.services, id);
    expect(rows).toHaveLength(12);
    expect(rows.filter((p) => p.status === 'deactivated').map((p) => p.external_id)).toEqual([
      people[0]?.externalId,
    ]);
  });

  it('keeps a manual deactivation of a synced person', async () => {
    const { id, directory } = await defineSource(api, directories);
    const person = sourcePerson();
    directory.put(person);
    await sync(api, id);
    const [row] = await peopleOf(context.services, id);
    const { api: admin } = await signedIn(context, 'admin');
    const response = await admin.request('POST', `/api/v1/users/${row?.id}/deactivate`, {
      body: { reason: 'left the company' },
    });
    expect(response.status, response.text).toBe(200);
    directory.change(person.externalId, { title: 'Changed' });
    const run = await sync(api, id);
    const [line] = await planOf(api, run.id);
    expect(line?.action).toBe('update');
    expect(line?.reason).toContain('deactivated by hand; stays deactivated');
    const [after] = await peopleOf(context.services, id);
    expect(after?.status).toBe('deactivated');
    expect(after?.title).toBe('Changed');
  });
});

describe('plan items', () => {
  it("keep a create's values and nothing else, and go with their run", async () => {
    const { id, directory } = await defineSource(api, directories);
    const anna = sourcePerson({ givenName: 'Анна', department: 'ИТ', phone: '8 916 123-45-67' });
    directory.put(anna);
    const run = await sync(api, id, 'dry-run');
    const response = await api.request<{
      data: { action: string; externalId: string; locator: string; record: unknown }[];
    }>('GET', `/api/v1/sync-runs/${run.id}/plan?limit=10`);
    expect(response.status, response.text).toBe(200);
    const [item] = response.body.data;
    expect(item).toMatchObject({
      action: 'create',
      externalId: anna.externalId,
      locator: anna.locator,
    });
    // The external id and locator are the item's own fields, and a field without a value is
    // left out: the record is exactly what the person is created with.
    expect(item?.record).toEqual({
      username: anna.username,
      familyName: anna.familyName,
      givenName: 'Анна',
      displayName: `Анна ${anna.familyName}`,
      email: anna.email,
      phone: '+79161234567',
      department: 'ИТ',
    });
    // Not a foreign key any more (a check per inserted item): a trigger keeps the cascade. A
    // client of its own, not asSuperuser (tamper.ts), which switches user triggers off.
    const dba = new pg.Client({ connectionString: context.databaseUrl });
    await dba.connect();
    try {
      await dba.query('delete from sync_run where id = $1', [run.id]);
      const { rows } = await dba.query(
        'select count(*)::int as n from sync_plan_item where run_id = $1',
        [run.id],
      );
      expect(rows).toEqual([{ n: 0 }]);
    } finally {
      await dba.end();
    }
  });
});

describe('correlation', () => {
  it('links a person created by hand by employee id, and by email', async () => {
    const { id, directory } = await defineSource(api, directories);
    const manual = await createPerson(context.services, { email: 'olga.k@corp.example' });
    await context.services.pool.query(
      `update app_user set employee_number = 'E-100' where id = $1`,
      [manual.id],
    );
    const entry = sourcePerson({ employeeId: 'E-100', email: 'olga.k@corp.example' });
    directory.put(entry);
    const run = await sync(api, id);
    const [line] = await planOf(api, run.id);
    expect(line?.action).toBe('update');
    expect(line?.userId).toBe(manual.id);
    expect(line?.reason).toContain('linked by employeeId');
    const [row] = await peopleOf(context.services, id);
    expect(row).toMatchObject({ id: manual.id, source: 'ad', external_id: entry.externalId });

    const byEmail = await defineSource(api, directories, { correlateBy: 'email' });
    const other = await createPerson(context.services, { email: 'Semen.P@corp.example' });
    byEmail.directory.put(sourcePerson({ email: 'semen.p@corp.example' }));
    await sync(api, byEmail.id);
    const [linked] = await peopleOf(context.services, byEmail.id);
    expect(linked?.id).toBe(other.id);
  });

  it('records two candidates as a conflict and merges nobody', async () => {
    const { id, directory } = await defineSource(api, directories);
    const a = await createPerson(context.services);
    const b = await createPerson(context.services);
    await context.services.pool.query(
      `update app_user set employee_number = 'E-DUP' where id in ($1, $2)`,
      [a.id, b.id],
    );
    directory.put(sourcePerson({ employeeId: 'E-DUP' }));
    const run = await sync(api, id);
    expect(run.counts).toMatchObject({ conflict: 1, create: 0 });
    const [line] = await planOf(api, run.id);
    expect(line?.reason).toContain('2 people match by employeeId');
    expect(await peopleOf(context.services, id)).toHaveLength(0);
  });
});

describe('staging', () => {
  it('and the plan items are not vacuumed for inserts alone (a sync writes them in bursts)', async () => {
    const { rows } = await context.services.pool.query<{ table: string; options: string[] }>(
      `select relname as table, reloptions as options from pg_class
        where relname in ('sync_staging', 'sync_plan_item') and relkind = 'r' order by relname`,
    );
    expect(rows).toEqual([
      { table: 'sync_plan_item', options: ['autovacuum_vacuum_insert_threshold=-1'] },
      { table: 'sync_staging', options: ['autovacuum_vacuum_insert_threshold=-1'] },
    ]);
  });

  it("is truncated once a plan is made, unless another run's entries are staged", async () => {
    const { id, directory } = await defineSource(api, directories);
    directory.put(sourcePerson(), sourcePerson());
    const pool = context.services.pool;
    const staged = async () =>
      (
        await pool.query<{ runs: string[]; bytes: string }>(
          `select array(select distinct run_id::text from sync_staging order by 1) as runs,
                  pg_relation_size('sync_staging')::text as bytes`,
        )
      ).rows[0];
    // Alone: no row left and no page either (a delete leaves its pages to autovacuum).
    await sync(api, id, 'dry-run');
    expect(await staged()).toEqual({ runs: [], bytes: '0' });
    // Another run's read staging meanwhile: its entries stay, this run's own are deleted.
    const other = randomUUID();
    await pool.query(
      `insert into sync_staging (run_id, external_id, record) values ($1, 'someone', '{}')`,
      [other],
    );
    try {
      await sync(api, id, 'dry-run');
      expect((await staged())?.runs).toEqual([other]);
    } finally {
      await pool.query('delete from sync_staging where run_id = $1', [other]);
    }
  });

  it("is emptied of a dead run's entries when the next run of its source starts", async () => {
    const { id, directory } = await defineSource(api, directories);
    directory.put(sourcePerson());
    const pool = context.services.pool;
    const first = await sync(api, id, 'dry-run');
    // A run whose process died mid-read: still "running", its entries staged, an absence
    // staged and a plan slice committed on its own connection.
    const dead = randomUUID();
    await pool.query(
      `insert into sync_run (id, source_id, mode, status, requested_by_id, requested_by, started_at, details)
       select $1, source_id, 'full', 'running', requested_by_id, requested_by, now(), '{}'
         from sync_run where id = $2`,
      [dead, first.id],
    );
    await pool.query(
      `insert into sync_staging (run_id, external_id, record)
       select $1, 'dead-' || g, '{}' from generate_series(1, 50) g`,
      [dead],
    );
    await pool.query(`insert into sync_absence (run_id, external_id) values ($1, 'gone')`, [dead]);
    await pool.query(
      `insert into sync_plan_item (run_id, seq, action, external_id, label)
       values ($1, 1, 'unchanged', 'dead-1', 'dead-1')`,
      [dead],
    );
    const next = await sync(api, id, 'dry-run');
    expect(next.status).toBe('planned');
    const left = await pool.query<{ table: string; n: number }>(
      `select 'staging' as table, count(*)::int as n from sync_staging where run_id = $1
       union all select 'absence', count(*)::int from sync_absence where run_id = $1
       union all select 'items', count(*)::int from sync_plan_item where run_id = $1`,
      [dead],
    );
    expect(left.rows).toEqual([
      { table: 'staging', n: 0 },
      { table: 'absence', n: 0 },
      { table: 'items', n: 0 },
    ]);
    const { rows } = await pool.query<{ status: string }>(
      'select status from sync_run where id = $1',
      [dead],
    );
    expect(rows[0]?.status).toBe('failed');
    // Alone again, the table was truncated rather than deleted from.
    expect(
      (
        await pool.query<{ bytes: string }>(
          `select pg_relation_size('sync_staging')::text as bytes`,
        )
      ).rows[0]?.bytes,
    ).toBe('0');
  });

  it('stages an id repeated by a later page once, with the later entry', async () => {
    const runId = randomUUID();
    const page = async (...people: ReturnType<typeof sourcePerson>[]) =>
      stageNormalized(context.services.pool, runId, await normalizePage(people));
    const [first, repeated, last] = [sourcePerson(), sourcePerson(), sourcePerson()];
    try {
      expect(await page(first, repeated)).toBe(2);
      expect(await page({ ...repeated, title: 'Повторно' }, last)).toBe(2);
      const { rows } = await context.services.pool.query<{ external_id: string; title: string }>(
        `select external_id, record->>'title' as title from sync_staging where run_id = $1
          order by external_id`,
        [runId],
      );
      expect(rows).toHaveLength(3);
      expect(rows.find((row) => row.external_id === repeated.externalId)?.title).toBe('Повторно');
    } finally {
      await context.services.pool.query('delete from sync_staging where run_id = $1', [runId]);
    }
  });
});

describe('logins and e-mails another person holds', () => {
  it('checks logins first, then e-mails: a newcomer that lost its login no longer claims its e-mail', async () => {
    const stamp = Date.now().toString(36);
    const holderEmail = `holder${stamp}@corp.example`;
    const holder = await createPerson(context.services, {
      username: `holder${stamp}`,
      email: holderEmail,
    });
    const { id, directory } = await defineSource(api, directories);
    const kept = sourcePerson({ title: 'Инженер' });
    directory.put(kept);
    expect((await sync(api, id)).status).toBe('succeeded');
    const both = sourcePerson({ username: holder.username, email: holderEmail });
    const twinA = sourcePerson({ username: `twin${stamp}`, email: `pair${stamp}@corp.example` });
    const twinB = sourcePerson({ username: `twin${stamp}` });
    const pair = sourcePerson({ email: `pair${stamp}@corp.example` });
    const sharedA = sourcePerson({ email: `shared${stamp}@corp.example` });
    const sharedB = sourcePerson({ email: `shared${stamp}@corp.example` });
    directory.put(both, twinA, twinB, pair, sharedA, sharedB);
    directory.change(kept.externalId, {
      username: holder.username,
      email: holderEmail,
      title: 'Ведущий инженер',
    });
    const run = await sync(api, id, 'dry-run');
    const plan = await planOf(api, run.id);
    const line = (externalId: string) => plan.find((item) => item.externalId === externalId);
    // Its login taken, the newcomer is a conflict for that alone.
    expect(line(both.externalId)).toMatchObject({ action: 'conflict' });
    expect(line(both.externalId)?.reason).toBe(
      `username ${holder.username} belongs to another person`,
    );
    expect(line(twinA.externalId)?.action).toBe('conflict');
    expect(line(twinB.externalId)?.action).toBe('conflict');
    // twinA, a conflict by its login, is not created: the e-mail it named is pair's alone.
    expect(line(pair.externalId)?.action).toBe('create');
    for (const shared of [sharedA, sharedB])
      expect(line(shared.externalId)).toMatchObject({
        action: 'conflict',
        reason: `email shared${stamp}@corp.example belongs to another person`,
      });
    // A synced person keeps the rest of the change, without the two taken values.
    expect(line(kept.externalId)).toMatchObject({
      action: 'update',
      reason: `username ${holder.username} belongs to another person; email ${holderEmail} belongs to another person`,
    });
    expect(Object.keys(line(kept.externalId)?.diff ?? {})).toEqual(['title']);
  });
});

describe('the last superadmin', () => {
  it('is never deactivated by a sync', async () => {
    const { id, directory } = await defineSource(api, directories);
    const { rows } = await context.services.pool.query<{ id: string }>(
      `select id from app_user where role = 'superadmin' and status = 'active'`,
    );
    expect(rows).toHaveLength(1);
    await context.services.pool.query(
      `update app_user set employee_number = 'E-ROOT' where id = $1`,
      [rows[0]?.id],
    );
    directory.put(sourcePerson({ employeeId: 'E-ROOT', disabled: true }));
    const run = await sync(api, id);
    const [line] = await planOf(api, run.id);
    expect(line).toMatchObject({ action: 'deactivate', blocked: 'last_superadmin' });
    const { rows: after } = await context.services.pool.query(
      'select status from app_user where id = $1',
      [rows[0]?.id],
    );
    expect(after).toEqual([{ status: 'active' }]);
  });

  it('a plan computed in two slices at once is the plan computed whole, item for item', async () => {
    const { id, directory } = await defineSource(api, directories);
    const people = Array.from({ length: 40 }, (_, n) =>
      sourcePerson({ department: `Участок ${n % 3}`, title: `Должность ${n % 5}` }),
    );
    directory.put(...people);
    expect((await sync(api, id)).status).toBe('succeeded');
    // Then every kind of item: updates, deactivations (gone and disabled), newcomers, and two
    // newcomers claiming one login (both conflicts).
    for (const person of people.slice(0, 10))
      directory.change(person.externalId, { title: 'Новая должность' });
    directory.remove(...people.slice(10, 14).map((person) => person.externalId));
    for (const person of people.slice(14, 17))
      directory.change(person.externalId, { disabled: true });
    const stamp = Date.now().toString(36);
    directory.put(
      ...Array.from({ length: 12 }, () => sourcePerson({ department: 'Участок 9' })),
      sourcePerson({ username: `twin${stamp}` }),
      sourcePerson({ username: `twin${stamp}` }),
    );
    const lines = async (concurrency: number) => {
      configureEngine(context.services, { concurrency, slicedFrom: 0 });
      const run = await sync(api, id, 'dry-run');
      expect(run.status, JSON.stringify(run)).toBe('planned');
      return { counts: run.counts, plan: await planOf(api, run.id) };
    };
    const whole = await lines(1);
    const sliced = await lines(2);
    configureEngine(context.services, { concurrency: 2, slicedFrom: SLICED_FROM });
    expect(whole.counts).toMatchObject({ update: 10, deactivate: 7, create: 12, conflict: 2 });
    const comparable = (plan: PlanLine[]) =>
      plan.map(({ action, externalId, diff, reason, blocked, label, userId }) => ({
        action,
        externalId,
        diff,
        reason,
        blocked,
        label,
        // A create's id is drawn at plan time: only whether there is one compares.
        userId: action === 'create' ? Boolean(userId) : userId,
      }));
    expect(comparable(sliced.plan)).toEqual(comparable(whole.plan));
    expect(sliced.counts).toEqual(whole.counts);
  });

  it('refreshes the staging statistics before planning a read of many entries, as the service role', async () => {
    const manualAnalyzes = async () => {
      const { rows } = await context.services.pool.query<{ n: string }>(
        `select analyze_count::text as n from pg_stat_user_tables where relname = 'sync_staging'`,
      );
      return Number(rows[0]?.n ?? 0);
    };
    const before = await manualAnalyzes();
    const { id, directory } = await defineSource(api, directories);
    directory.put(
      ...Array.from({ length: ANALYZE_STAGING_FROM }, (_, n) =>
        sourcePerson({ department: `Участок ${n % 4}` }),
      ),
    );
    expect((await sync(api, id, 'dry-run')).status).toBe('planned');
    // Counted by the connection that ran it and published within a second or so.
    await expect.poll(manualAnalyzes, { timeout: EXPECT_POLL_MS }).toBeGreaterThan(before);
  });

  it('a plan that fails after its slices were committed leaves no items behind', async () => {
    const { id, directory } = await defineSource(api, directories);
    const people = Array.from({ length: 12 }, () => sourcePerson());
    directory.put(...people);
    expect((await sync(api, id)).status).toBe('succeeded');
    directory.remove(people[0]?.externalId ?? '');
    directory.change(people[1]?.externalId ?? '', { title: 'Другая должность' });
    // The statement after the sliced one (the full run's "missing" deactivations) fails.
    const admin = new pg.Client(context.databaseUrl);
    await admin.connect();
    try {
      await admin.query(`create function public.refuse_deactivate_items() returns trigger
        language plpgsql as $$ begin raise exception 'refused for the test'; end $$`);
      await admin.query(`create trigger refuse_deactivate_items before insert on sync_plan_item
        for each row when (new.action = 'deactivate') execute function refuse_deactivate_items()`);
      configureEngine(context.services, { concurrency: 2 });
      const run = await sync(api, id);
      expect(run.status).toBe('failed');
      expect(run.error).toContain('refused for the test');
      const { rows } = await context.services.pool.query<{ n: number }>(
        'select count(*)::int as n from sync_plan_item where run_id = $1',
        [run.id],
      );
      expect(rows[0]?.n).toBe(0);
    } finally {
      await admin.query('drop trigger if exists refuse_deactivate_items on sync_plan_item');
      await admin.query('drop function if exists public.refuse_deactivate_items()');
      await admin.end();
    }
  });
});
