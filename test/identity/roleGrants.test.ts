import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, createPerson, signedIn, signIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

/**
 * Role grants (issue 18): a role inside organization subtrees and/or until a time, on top of the
 * standing role. Rights follow the organization tree and the clock on every request.
 */
type Client = Awaited<ReturnType<typeof signedIn>>;

let context: TestContext;
let superadmin: Client;
let ural: string;
let yekaterinburg: string;
let moscow: string;

const organization = (name: string, parentId: string | null) =>
  createOrganization(context.services, name, parentId);

beforeAll(async () => {
  context = await startTestContext();
  superadmin = await signedIn(context, 'superadmin');
  ural = await organization('Уральский филиал', null);
  yekaterinburg = await organization('Екатеринбург', ural);
  moscow = await organization('Москва', null);
});
afterAll(async () => {
  context?.setNow(undefined);
  await context?.close();
});

async function grant(userId: string, body: Record<string, unknown>) {
  return superadmin.api.post<{ id: string; inForce: boolean; scope: { name: string }[] }>(
    `/api/v1/users/${userId}/grants`,
    { reason: 'Кадровый администратор филиала', ...body },
  );
}

describe('a scoped admin', () => {
  it('reaches people of their subtrees only, in cards, lists and actions', async () => {
    const hr = await createPerson(context.services);
    const granted = await grant(hr.id, { role: 'admin', scope: [ural] });
    expect(granted.status, JSON.stringify(granted.body)).toBe(201);
    expect(granted.body.scope.map((o) => o.name)).toEqual(['Уральский филиал']);
    const api = await signIn(context, hr);
    const inside = await createPerson(context.services, { organizationId: yekaterinburg });
    const outside = await createPerson(context.services, { organizationId: moscow });
    const nowhere = await createPerson(context.services, { organizationId: null });

    expect((await api.get(`/api/v1/users/${inside.id}`)).status).toBe(200);
    expect((await api.get(`/api/v1/users/${outside.id}`)).status).toBe(403);
    expect((await api.get(`/api/v1/users/${nowhere.id}`)).status).toBe(403);

    const list = await api.get<{ data: { id: string }[] }>('/api/v1/users?limit=200');
    const ids = list.body.data.map((row) => row.id);
    expect(ids).toContain(inside.id);
    expect(ids).not.toContain(outside.id);
    expect(ids).not.toContain(nowhere.id);

    const deactivate = (id: string) =>
      api.post(`/api/v1/users/${id}/deactivate`, { reason: 'Уволен' });
    expect((await deactivate(outside.id)).status).toBe(403);
    expect((await deactivate(inside.id)).status).toBe(200);
  });

  it('loses a person the moment they are moved out of the scope', async () => {
    const hr = await createPerson(context.services);
    await grant(hr.id, { role: 'staff', scope: [ural] });
    const api = await signIn(context, hr);
    const person = await createPerson(context.services, { organizationId: yekaterinburg });
    expect((await api.get(`/api/v1/users/${person.id}`)).status).toBe(200);
    await context.services.pool.query('update app_user set organization_id = $1 where id = $2', [
      moscow,
      person.id,
    ]);
    expect((await api.get(`/api/v1/users/${person.id}`)).status).toBe(403);
  });

  it('is refused on company-wide things: sources, audit log, role grants', async () => {
    const hr = await createPerson(context.services);
    await grant(hr.id, { role: 'admin', scope: [ural] });
    const api = await signIn(context, hr);
    expect((await api.get('/api/v1/audit-events')).status).toBe(403);
    const someone = await createPerson(context.services, { organizationId: yekaterinburg });
    const refused = await api.post(`/api/v1/users/${someone.id}/grants`, {
      role: 'staff',
      reason: 'Помощник',
    });
    expect(refused.status).toBe(403);
  });
});

describe('a time-bound grant', () => {
  it('gives no rights once its time has passed, whatever the tidying job did', async () => {
    const now = new Date();
    context.setNow(now);
    try {
      const helper = await createPerson(context.services);
      const until = new Date(now.getTime() + 5 * 60_000);
      const created = await grant(helper.id, { role: 'admin', expiresAt: until.toISOString() });
      expect(created.status).toBe(201);
      const api = await signIn(context, helper);
      const person = await createPerson(context.services);
      const before = await api.get(`/api/v1/users/${person.id}`);
      expect(before.status, JSON.stringify(before.body)).toBe(200);
      context.setNow(new Date(until.getTime() + 1000));
      const after = await api.get<{ code: string }>(`/api/v1/users/${person.id}`);
      expect(after.status).toBe(401);
      expect(after.body.code).toBe('session_no_access');
    } finally {
      context.setNow(undefined);
    }
  });

  it('refuses an expiry in the past, pointing at the field', async () => {
    const person = await createPerson(context.services);
    const response = await grant(person.id, {
      role: 'staff',
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(response.status).toBe(400);
    expect((response.body as unknown as { errors: { path: string }[] }).errors[0]?.path).toBe(
      'expiresAt',
    );
  });
});

describe('withdrawing a grant', () => {
  it('ends the back-office sessions of whoever holds no role any more, audited', async () => {
    const helper = await createPerson(context.services);
    const created = await grant(helper.id, { role: 'staff', scope: [moscow] });
    const api = await signIn(context, helper);
    expect((await api.get('/api/v1/me')).status).toBe(200);
    const ended = await superadmin.api.post<{ inForce: boolean }>(
      `/api/v1/users/${helper.id}/grants/${created.body.id}/end`,
      { reason: 'Больше не нужно' },
    );
    expect(ended.status).toBe(200);
    expect(ended.body.inForce).toBe(false);
    expect((await api.get('/api/v1/me')).status).toBe(401);
    const { rows } = await context.services.pool.query<{ rank: number }>(
      'select rank from app_user where id = $1',
      [helper.id],
    );
    expect(rows[0]?.rank).toBe(0);
    const again = await superadmin.api.post<{ code: string }>(
      `/api/v1/users/${helper.id}/grants/${created.body.id}/end`,
      { reason: 'Повторно' },
    );
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('grant_ended');
  });
});
