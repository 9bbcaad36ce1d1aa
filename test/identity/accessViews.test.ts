import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api.ts';
import { createOrganization, createPerson, signedIn, signIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { EXPECT_POLL_MS } from '../support/timeouts.ts';

/**
 * Access views (issue 18, scope 4): what a person can get into and why, a space's members and
 * why, and the company's lists (dormant, gone from their sources, back-office accounts without a
 * second factor or unused), each with an audited CSV export, within the caller's scope.
 */
type Client = Awaited<ReturnType<typeof signedIn>>;

interface Row {
  userId: string;
  idleDays: number | null;
  roles: string[];
  goneFrom: { sourceId: string; reason: string }[];
}

let context: TestContext;
let superadmin: Client;
let auditor: Client;
let scoped: ApiClient;
let scopedId: string;
let ural: string;
let yekaterinburg: string;
let moscow: string;

const organization = (name: string, parentId: string | null) =>
  createOrganization(context.services, name, parentId);

async function space(name: string, organizationId: string | null): Promise<string> {
  const created = await superadmin.api.post<{ id: string }>('/api/v1/spaces', {
    name,
    organizationId,
  });
  expect(created.status, created.text).toBe(201);
  return created.body.id;
}

/** The file's rows (fetch's text() has already dropped the UTF-8 BOM). */
function csvRows(text: string): string[][] {
  return parse(text.replace(/^\uFEFF/, '')) as string[][];
}

async function audited(action: string, actorId: string, targetId?: string) {
  const { rows } = await context.services.pool.query<{ details: Record<string, unknown> }>(
    `select details from audit_event where action = $1 and actor_id = $2
        and ($3::text is null or target_id = $3) order by seq`,
    [action, actorId, targetId ?? null],
  );
  return rows.map((row) => row.details);
}

async function view(api: ApiClient, name: string, query = '') {
  return api.get<{ data: Row[]; total: number }>(`/api/v1/access/${name}?limit=200&${query}`);
}

beforeAll(async () => {
  context = await startTestContext();
  superadmin = await signedIn(context, 'superadmin');
  auditor = await signedIn(context, 'auditor');
  ural = await organization('Уральский филиал', null);
  yekaterinburg = await organization('Екатеринбург', ural);
  moscow = await organization('Москва', null);
  const hr = await createPerson(context.services, { organizationId: yekaterinburg });
  scopedId = hr.id;
  const granted = await superadmin.api.post(`/api/v1/users/${hr.id}/grants`, {
    role: 'admin',
    scope: [ural],
    reason: 'Кадровый администратор филиала',
  });
  expect(granted.status, granted.text).toBe(201);
  scoped = await signIn(context, hr);
});
afterAll(async () => {
  context?.setNow(undefined);
  await context?.close();
});

describe('a person’s access', () => {
  it('lists the organization with its path, every space with why, and every right in force', async () => {
    const person = await createPerson(context.services, { organizationId: yekaterinburg });
    const byHand = await space(`Проект «Север» ${randomUUID().slice(0, 6)}`, yekaterinburg);
    const added = await superadmin.api.post(`/api/v1/spaces/${byHand}/members`, {
      userIds: [person.id],
    });
    expect(added.status, added.text).toBe(200);
    const bySource = await space(`Все сотрудники ${randomUUID().slice(0, 6)}`, null);
    await context.services.pool.query(
      `insert into space_member (space_id, user_id, via, via_source_id) values ($1, $2, 'scim', 'scim')`,
      [bySource, person.id],
    );
    const until = new Date(Date.now() + 86_400_000).toISOString();
    const grant = await superadmin.api.post(`/api/v1/users/${person.id}/grants`, {
      role: 'staff',
      scope: [ural],
      expiresAt: until,
      reason: 'Замещение на время отпуска',
    });
    expect(grant.status, grant.text).toBe(201);

    const access = await superadmin.api.get<{
      organization: { path: string[]; via: string; viaSourceId: string | null };
      spaces: {
        spaceId: string;
        via: string;
        viaSourceId: string | null;
        addedById: string | null;
      }[];
      spacesTotal: number;
      rights: { role: string; scope: { name: string }[]; expiresAt: string | null }[];
    }>(`/api/v1/users/${person.id}/access`);
    expect(access.status, access.text).toBe(200);
    expect(access.body.organization).toMatchObject({
      path: ['Уральский филиал', 'Екатеринбург'],
      via: 'manual',
      viaSourceId: null,
    });
    expect(access.body.spacesTotal).toBe(2);
    const reasons = Object.fromEntries(access.body.spaces.map((s) => [s.spaceId, s]));
    expect(reasons[byHand]).toMatchObject({ via: 'manual', addedById: superadmin.user.id });
    expect(reasons[bySource]).toMatchObject({ via: 'scim', viaSourceId: 'scim', addedById: null });
    expect(access.body.rights).toEqual([
      expect.objectContaining({
        role: 'staff',
        scope: [expect.objectContaining({ name: 'Уральский филиал' })],
        expiresAt: expect.stringMatching(/^\d{4}-/),
      }),
    ]);
    const onlyScim = await superadmin.api.get<{ spaces: unknown[]; spacesTotal: number }>(
      `/api/v1/users/${person.id}/access?via=scim`,
    );
    expect(onlyScim.body.spacesTotal).toBe(1);

    // Owned by a directory source: the organization comes from it.
    await context.services.pool.query(
      `update app_user set source = 'ad', source_id = 'ad-main', external_id = $2 where id = $1`,
      [person.id, randomUUID()],
    );
    const owned = await superadmin.api.get<{ organization: { via: string; viaSourceId: string } }>(
      `/api/v1/users/${person.id}/access`,
    );
    expect(owned.body.organization).toMatchObject({ via: 'directory', viaSourceId: 'ad-main' });

    const file = await auditor.api.get(`/api/v1/users/${person.id}/access/export`);
    expect(file.status, file.text).toBe(200);
    expect(file.headers.get('content-disposition')).toMatch(/person-access-/);
    const rows = csvRows(file.text);
    expect(rows[0]?.slice(0, 3)).toEqual(['Что', 'Название', 'Почему']);
    expect(rows.map((row) => row[0])).toEqual([
      'Что',
      'Организация',
      'Пространство',
      'Пространство',
      'Роль',
    ]);
    expect(rows.find((row) => row[2] === 'Вручную')?.[1]).toMatch(/Проект «Север»/);
    expect(rows.at(-1)?.slice(0, 2)).toEqual(['Роль', 'Оператор']);
    expect(await audited('access.exported', auditor.user.id, person.id)).toHaveLength(1);
    await expect
      .poll(() => audited('access.export_finished', auditor.user.id, person.id), {
        timeout: EXPECT_POLL_MS,
      })
      .toEqual([expect.objectContaining({ rows: 4, view: 'person' })]);
  });

  it('shows a scoped admin only the spaces of their subtrees, in the view and its file', async () => {
    const person = await createPerson(context.services, { organizationId: yekaterinburg });
    const ours = await space(`Склад Урал ${randomUUID().slice(0, 6)}`, yekaterinburg);
    const theirs = await space(`Совет директоров ${randomUUID().slice(0, 6)}`, moscow);
    for (const room of [ours, theirs])
      expect(
        (await superadmin.api.post(`/api/v1/spaces/${room}/members`, { userIds: [person.id] }))
          .status,
      ).toBe(200);
    const seen = await scoped.get<{ spaces: { spaceId: string }[]; spacesTotal: number }>(
      `/api/v1/users/${person.id}/access`,
    );
    expect(seen.status).toBe(200);
    expect(seen.body.spaces.map((one) => one.spaceId)).toEqual([ours]);
    expect(seen.body.spacesTotal).toBe(1);
    // Filtered by why, the page keeps the scope too (it once dropped it, with its parameters).
    const byHand = await scoped.get<{ spaces: { spaceId: string }[]; spacesTotal: number }>(
      `/api/v1/users/${person.id}/access?via=manual`,
    );
    expect(byHand.status, byHand.text).toBe(200);
    expect(byHand.body.spaces.map((one) => one.spaceId)).toEqual([ours]);
    expect(byHand.body.spacesTotal).toBe(1);
    const file = await scoped.get(`/api/v1/users/${person.id}/access/export?lang=ru`);
    expect(file.status).toBe(200);
    expect(file.text).toContain('Склад Урал');
    expect(file.text).not.toContain('Совет директоров');
    // The company-wide view still sees both.
    const all = await superadmin.api.get<{ spacesTotal: number }>(
      `/api/v1/users/${person.id}/access`,
    );
    expect(all.body.spacesTotal).toBe(2);
  });

  it('is refused outside a scoped admin’s subtree, and audited as denied', async () => {
    const outside = await createPerson(context.services, { organizationId: moscow });
    expect((await scoped.get(`/api/v1/users/${outside.id}/access`)).status).toBe(403);
    expect((await scoped.get(`/api/v1/users/${outside.id}/access/export`)).status).toBe(403);
    const { rows } = await context.services.pool.query(
      `select 1 from audit_event where action in ('access.viewed', 'access.exported')
          and outcome = 'denied' and actor_id = $1 and target_id = $2`,
      [scopedId, outside.id],
    );
    expect(rows).toHaveLength(2);
    const nobody = await superadmin.api.get<{ code: string }>(
      `/api/v1/users/${randomUUID()}/access`,
    );
    expect(nobody.status).toBe(404);
    const anonymous = new ApiClient(context.baseUrl);
    expect((await anonymous.get(`/api/v1/users/${outside.id}/access`)).status).toBe(401);
    expect((await anonymous.get('/api/v1/access/dormant')).status).toBe(401);
  });
});

describe('a space’s members', () => {
  it('shows why each member is there, filters by it, and a scoped admin sees only their people', async () => {
    const room = await space(`Общий чат ${randomUUID().slice(0, 6)}`, yekaterinburg);
    const inside = await createPerson(context.services, { organizationId: yekaterinburg });
    const outside = await createPerson(context.services, { organizationId: moscow });
    expect(
      (
        await superadmin.api.post(`/api/v1/spaces/${room}/members`, {
          userIds: [inside.id, outside.id],
        })
      ).status,
    ).toBe(200);
    const synced = await createPerson(context.services, { organizationId: yekaterinburg });
    await context.services.pool.query(
      `insert into space_member (space_id, user_id, via, via_source_id)
       values ($1, $2, 'directory_group', 'ad-main')`,
      [room, synced.id],
    );
    type Members = {
      data: { userId: string; via: string; viaSourceId: string | null }[];
      total: number;
    };
    const all = await superadmin.api.get<Members>(`/api/v1/spaces/${room}/members`);
    expect(all.body.total).toBe(3);
    expect(all.body.data.find((m) => m.userId === synced.id)).toMatchObject({
      via: 'directory_group',
      viaSourceId: 'ad-main',
    });
    const manual = await superadmin.api.get<Members>(`/api/v1/spaces/${room}/members?via=manual`);
    expect(manual.body.data.map((m) => m.userId).sort()).toEqual([inside.id, outside.id].sort());

    const mine = await scoped.get<Members>(`/api/v1/spaces/${room}/members`);
    expect(mine.status, mine.text).toBe(200);
    expect(mine.body.data.map((m) => m.userId)).not.toContain(outside.id);
    expect(mine.body.total).toBe(2);
    const file = await scoped.get(`/api/v1/spaces/${room}/members/export?lang=en`);
    expect(file.status, file.text).toBe(200);
    const rows = csvRows(file.text);
    expect(rows[0]).toContain('Why');
    const ids = rows.slice(1).map((row) => row[0]);
    expect(ids.sort()).toEqual([inside.id, synced.id].sort());
    expect(rows.find((row) => row[0] === synced.id)).toContain('Directory group');
    expect(await audited('access.exported', scopedId, room)).toEqual([
      expect.objectContaining({ view: 'space-members', spaceId: room }),
    ]);
  });
});

describe('company views', () => {
  it('dormant: active people with no login for N days; never signed in counts from creation', async () => {
    const now = new Date();
    context.setNow(now);
    try {
      const org = await organization(`Склад ${randomUUID().slice(0, 6)}`, null);
      const day = 86_400_000;
      const long = await createPerson(context.services, { organizationId: org });
      const recent = await createPerson(context.services, { organizationId: org });
      const never = await createPerson(context.services, { organizationId: org });
      const gone = await createPerson(context.services, {
        organizationId: org,
        status: 'deactivated',
      });
      await context.services.pool.query(
        `update app_user set last_login_at = case id when $1 then $4::timestamptz when $2 then $5::timestamptz end,
                created_at = $6::timestamptz
          where id in ($1, $2, $3, $7)`,
        [
          long.id,
          recent.id,
          never.id,
          new Date(now.getTime() - 200 * day),
          new Date(now.getTime() - 10 * day),
          new Date(now.getTime() - 120 * day),
          gone.id,
        ],
      );
      const ninety = await view(superadmin.api, 'dormant', `organizationId=${org}`);
      expect(ninety.status, ninety.text).toBe(200);
      expect(ninety.body.data.map((r) => [r.userId, r.idleDays])).toEqual([
        [long.id, 200],
        [never.id, 120],
      ]);
      expect(ninety.body.total).toBe(2);
      const week = await view(
        superadmin.api,
        'dormant',
        `organizationId=${org}&days=7&sort=idle&order=asc`,
      );
      expect(week.body.data.map((r) => r.userId)).toEqual([recent.id, never.id, long.id]);
      const year = await view(superadmin.api, 'dormant', `organizationId=${org}&days=365`);
      expect(year.body.total).toBe(0);
      const bad = await superadmin.api.get<{ code: string }>('/api/v1/access/dormant?days=0');
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('validation_failed');
      expect((await superadmin.api.get('/api/v1/access/nobody')).status).toBe(400);
    } finally {
      context.setNow(undefined);
    }
  });

  it('orphaned: people still here whom every owning source counts as gone', async () => {
    const org = await organization(`Цех ${randomUUID().slice(0, 6)}`, null);
    const removed = await createPerson(context.services, { organizationId: org, source: 'ad' });
    const held = await createPerson(context.services, { organizationId: org, source: 'ad' });
    const both = await createPerson(context.services, { organizationId: org, source: 'ad' });
    const present = await createPerson(context.services, { organizationId: org, source: 'ad' });
    const sourceId = `ad-${randomUUID().slice(0, 6)}`;
    await context.services.pool.query(
      `insert into directory_source (id, name, kind, config) values ($1, 'Тестовый AD', 'active-directory', '{}')`,
      [sourceId],
    );
    await context.services.pool.query(
      `update app_user set source_id = case when id = $1 then 'ad-deleted' else $5 end,
              hr_source_id = case when id = $3 then 'hr-import' end, external_id = id::text
        where id in ($1, $2, $3, $4)`,
      [removed.id, held.id, both.id, present.id, sourceId],
    );
    const run = randomUUID();
    await context.services.pool.query(
      `insert into sync_run (id, source_id, mode, status, requested_by, started_at)
       values ($1, $2, 'full', 'awaiting_approval', 'test', now())`,
      [run, sourceId],
    );
    await context.services.pool.query(
      `insert into sync_plan_item (run_id, seq, action, user_id, external_id)
       values ($1, 1, 'deactivate', $2, 'a'), ($1, 2, 'deactivate', $3, 'b'), ($1, 3, 'unchanged', $4, 'c')`,
      [run, held.id, both.id, present.id],
    );
    // An older run's word does not count once a newer one read the person again.
    const older = randomUUID();
    await context.services.pool.query(
      `insert into sync_run (id, source_id, mode, status, requested_by, started_at)
       values ($1, $2, 'full', 'cancelled', 'test', now() - interval '1 day')`,
      [older, sourceId],
    );
    await context.services.pool.query(
      `insert into sync_plan_item (run_id, seq, action, user_id, external_id)
       values ($1, 1, 'deactivate', $2, 'c')`,
      [older, present.id],
    );
    const orphaned = await view(superadmin.api, 'orphaned', `organizationId=${org}&sort=name`);
    expect(orphaned.status, orphaned.text).toBe(200);
    const found = Object.fromEntries(orphaned.body.data.map((r) => [r.userId, r.goneFrom]));
    expect(Object.keys(found).sort()).toEqual([removed.id, held.id].sort());
    expect(found[removed.id]).toEqual([{ sourceId: 'ad-deleted', reason: 'source_removed' }]);
    expect(found[held.id]).toEqual([{ sourceId, reason: 'deactivation_not_applied' }]);
  });

  it('back-office accounts without a second factor, and unused for N days', async () => {
    const now = new Date();
    context.setNow(now);
    try {
      const org = await organization(`Бухгалтерия ${randomUUID().slice(0, 6)}`, null);
      const noFactor = await createPerson(context.services, { organizationId: org, role: 'admin' });
      const withFactor = await createPerson(context.services, {
        organizationId: org,
        role: 'staff',
      });
      const plain = await createPerson(context.services, { organizationId: org });
      const granted = await createPerson(context.services, { organizationId: org });
      await context.services.pool.query(
        `insert into totp_factor (user_id, secret_encrypted, confirmed_at) values ($1, 'x', now())`,
        [withFactor.id],
      );
      expect(
        (
          await superadmin.api.post(`/api/v1/users/${granted.id}/grants`, {
            role: 'auditor',
            reason: 'Проверка',
          })
        ).status,
      ).toBe(201);
      const missing = await view(
        auditor.api,
        'no-second-factor',
        `organizationId=${org}&sort=name`,
      );
      expect(missing.status, missing.text).toBe(200);
      expect(Object.fromEntries(missing.body.data.map((r) => [r.userId, r.roles]))).toEqual({
        [noFactor.id]: ['admin'],
        [granted.id]: ['auditor'],
      });
      expect(missing.body.data.map((r) => r.userId)).not.toContain(plain.id);

      const day = 86_400_000;
      await context.services.pool.query(
        `update app_user set created_at = $2 where id in ($1, $3)`,
        [noFactor.id, new Date(now.getTime() - 400 * day), withFactor.id],
      );
      await context.services.pool.query(
        `insert into backoffice_session (id, token_hash, user_id, created_at, last_seen_at, expires_at)
         values ($1, $2, $3, $4, $4, $4)`,
        [
          randomUUID(),
          Buffer.from(randomUUID()),
          withFactor.id,
          new Date(now.getTime() - 30 * day),
        ],
      );
      const unused = await view(auditor.api, 'unused-backoffice', `organizationId=${org}`);
      // noFactor: created 400 days ago, never used; withFactor: last used 30 days ago; granted: new.
      expect(unused.body.data.map((r) => [r.userId, r.idleDays])).toEqual([[noFactor.id, 400]]);
      const month = await view(auditor.api, 'unused-backoffice', `organizationId=${org}&days=20`);
      expect(month.body.data.map((r) => r.userId)).toEqual([noFactor.id, withFactor.id]);

      // Back-office accounts are listed to superadmins and auditors only, as their own list.
      expect((await scoped.get('/api/v1/access/no-second-factor')).status).toBe(403);
      const admin = await signedIn(context, 'admin');
      expect((await admin.api.get('/api/v1/access/unused-backoffice')).status).toBe(403);
      expect((await admin.api.get('/api/v1/access/dormant')).status).toBe(200);
    } finally {
      context.setNow(undefined);
    }
  });
});

describe('scope and size', () => {
  /** Inserts `count` active people of an organization, last seen 200 days ago, in one statement. */
  async function crowd(organizationId: string, prefix: string, count: number): Promise<void> {
    await context.services.pool.query(
      `insert into app_user (id, username, family_name, given_name, display_name, email,
                             organization_id, status, source, last_login_at, created_at)
       select gen_random_uuid(), $2 || i, 'Южанин' || i, 'Олег', 'Олег Южанин' || i,
              $2 || i || '@corp.example.test', $1, 'active', 'manual',
              now() - interval '200 days', now() - interval '300 days'
         from generate_series(1, $3::int) as i`,
      [organizationId, prefix, count],
    );
  }

  it('a scoped admin never sees a person outside their subtree, in a view or its export', async () => {
    const tag = randomUUID().slice(0, 6);
    await crowd(yekaterinburg, `in${tag}`, 3);
    await crowd(moscow, `out${tag}`, 3);
    const list = await view(scoped, 'dormant', `q=${tag}`);
    expect(list.status, list.text).toBe(200);
    expect(list.body.total).toBe(3);
    const everyone = await view(superadmin.api, 'dormant', `q=${tag}`);
    expect(everyone.body.total).toBe(6);
    // A filter naming an organization outside the scope finds nobody rather than leaking.
    const outside = await view(scoped, 'dormant', `organizationId=${moscow}`);
    expect(outside.body.total).toBe(0);
    const file = await scoped.get(`/api/v1/access/dormant/export?q=${tag}`);
    expect(file.status, file.text).toBe(200);
    const rows = csvRows(file.text);
    expect(rows).toHaveLength(1 + 3);
    expect(rows.slice(1).every((row) => row[4] === 'Екатеринбург')).toBe(true);
    expect(await audited('access.exported', scopedId)).toContainEqual(
      expect.objectContaining({ view: 'dormant', filter: expect.objectContaining({ q: tag }) }),
    );
    // Staff read people but do not export them.
    const staff = await signedIn(context, 'staff');
    expect((await staff.api.get('/api/v1/access/dormant/export')).status).toBe(403);
  });

  it('answers from thousands of people with the same few statements as from three', async () => {
    const big = await organization(`Большой филиал ${randomUUID().slice(0, 6)}`, null);
    const small = await organization(`Малый филиал ${randomUUID().slice(0, 6)}`, null);
    await crowd(big, `big${randomUUID().slice(0, 6)}`, 3000);
    await crowd(small, `small${randomUUID().slice(0, 6)}`, 3);
    const knex = context.services.orm.em.getKnex();
    const statements = async (path: string) => {
      let count = 0;
      const onQuery = () => {
        count++;
      };
      knex.on('query', onQuery);
      try {
        const response = await auditor.api.get<{ total: number }>(path);
        expect(response.status, response.text).toBe(200);
        return { count, total: response.body.total };
      } finally {
        knex.off('query', onQuery);
      }
    };
    const large = await statements(`/api/v1/access/dormant?organizationId=${big}&limit=200`);
    const few = await statements(`/api/v1/access/dormant?organizationId=${small}&limit=200`);
    expect(large.total).toBe(3000);
    expect(few.total).toBe(3);
    expect(few.count).toBeGreaterThan(0);
    expect(large.count).toBe(few.count);
    const file = await auditor.api.get(`/api/v1/access/dormant/export?organizationId=${big}`);
    expect(csvRows(file.text)).toHaveLength(1 + 3000);
  });
});
