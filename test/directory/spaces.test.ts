import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

interface SpaceBody {
  id: string;
  name: string;
  organizationId: string | null;
  organizationName: string | null;
  memberCount: number;
  version: number;
}
interface Member {
  userId: string;
  displayName: string;
  addedById: string | null;
}
interface List<T> {
  data: T[];
  total: number;
}
interface Problem {
  code: string;
  userIds?: string[];
}
type Client = Awaited<ReturnType<typeof signedIn>>;

let context: TestContext;
let superadmin: Client;
let admin: Client;
let auditor: Client;
let staff: Client;
let anonymous: ApiClient;

beforeAll(async () => {
  context = await startTestContext();
  superadmin = await signedIn(context, 'superadmin');
  admin = await signedIn(context, 'admin');
  auditor = await signedIn(context, 'auditor');
  staff = await signedIn(context, 'staff');
  anonymous = new ApiClient(context.baseUrl);
});
afterAll(async () => {
  await context.close();
});

async function events(action: string, actorId: string) {
  const { rows } = await context.services.pool.query(
    `select action, outcome, target_type, target_id, target_label, diff, details
       from audit_event where action = $1 and actor_id = $2 order by seq`,
    [action, actorId],
  );
  return rows;
}
async function lastEvent(action: string, actorId: string) {
  return (await events(action, actorId)).at(-1);
}

async function createSpace(body: Record<string, unknown>): Promise<SpaceBody> {
  const response = await superadmin.api.post<SpaceBody>('/api/v1/spaces', body);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

describe('spaces CRUD', () => {
  it('creates (superadmin only), audited; 401/403 otherwise', async () => {
    const org = await superadmin.api.post<{ id: string }>('/api/v1/organizations', {
      name: 'Spaces org',
      kind: 'department',
    });
    const space = await createSpace({ name: 'Общий чат', organizationId: org.body.id });
    expect(space).toMatchObject({ organizationName: 'Spaces org', memberCount: 0, version: 1 });
    expect(await lastEvent('space.created', superadmin.user.id)).toMatchObject({
      outcome: 'success',
      target_id: space.id,
      target_label: 'Общий чат',
    });
    expect((await anonymous.post('/api/v1/spaces', { name: 'X' })).status).toBe(401);
    for (const client of [admin, auditor, staff]) {
      expect((await client.api.post('/api/v1/spaces', { name: 'X' })).status).toBe(403);
      expect(await lastEvent('space.created', client.user.id)).toMatchObject({ outcome: 'denied' });
    }
    const duplicate = await superadmin.api.post<Problem>('/api/v1/spaces', { name: 'общий ЧАТ' });
    expect(duplicate.status).toBe(409);
    const noOrg = await superadmin.api.post<Problem>('/api/v1/spaces', {
      name: 'Lost',
      organizationId: randomUUID(),
    });
    expect(noOrg.status).toBe(422);
    expect(noOrg.body.code).toBe('organization_not_found');
    for (const body of [{}, { name: '' }, { name: 'x'.repeat(201) }, { name: 'Ok', extra: 1 }]) {
      expect((await superadmin.api.post('/api/v1/spaces', body)).status).toBe(400);
    }
  });

  it('lists with member counts and search (superadmin, admin, auditor); 401, 403', async () => {
    const space = await createSpace({ name: 'Ёжики в тумане' });
    const people = [await createPerson(context.services), await createPerson(context.services)];
    await admin.api.post(`/api/v1/spaces/${space.id}/members`, {
      userIds: people.map((p) => p.id),
    });
    for (const client of [superadmin, admin, auditor]) {
      const response = await client.api.get<List<SpaceBody>>(
        `/api/v1/spaces?q=${encodeURIComponent('ежики')}`,
      );
      expect(response.status).toBe(200);
      expect(response.body.data).toEqual([
        expect.objectContaining({ id: space.id, memberCount: 2 }),
      ]);
      expect(response.body.total).toBe(1);
    }
    expect((await anonymous.get('/api/v1/spaces')).status).toBe(401);
    expect((await staff.api.get('/api/v1/spaces')).status).toBe(403);
    expect(await lastEvent('space.listed', staff.user.id)).toMatchObject({ outcome: 'denied' });
    expect((await admin.api.get('/api/v1/spaces?limit=5000')).status).toBe(400);
    const all = await admin.api.get<List<SpaceBody>>('/api/v1/spaces?limit=1');
    expect(all.body.data).toHaveLength(1);
    expect(all.body.total).toBeGreaterThanOrEqual(2);
  });

  it('gets one; 401, 403, 404', async () => {
    const space = await createSpace({ name: 'Get space' });
    const response = await auditor.api.get<SpaceBody>(`/api/v1/spaces/${space.id}`);
    expect(response.body).toMatchObject({ id: space.id, name: 'Get space' });
    expect((await anonymous.get(`/api/v1/spaces/${space.id}`)).status).toBe(401);
    expect((await staff.api.get(`/api/v1/spaces/${space.id}`)).status).toBe(403);
    expect(await lastEvent('space.viewed', staff.user.id)).toMatchObject({
      outcome: 'denied',
      target_id: space.id,
    });
    expect((await admin.api.get(`/api/v1/spaces/${randomUUID()}`)).status).toBe(404);
  });

  it('updates with the version, audited with a diff; 409 on a stale version', async () => {
    const space = await createSpace({ name: 'Before', description: 'd' });
    const path = `/api/v1/spaces/${space.id}`;
    expect((await anonymous.patch(path, { version: 1, name: 'After' })).status).toBe(401);
    expect((await admin.api.patch(path, { version: 1, name: 'After' })).status).toBe(403);
    expect(await lastEvent('space.updated', admin.user.id)).toMatchObject({ outcome: 'denied' });
    const response = await superadmin.api.patch<SpaceBody>(path, { version: 1, name: 'After' });
    expect(response.body).toMatchObject({ name: 'After', version: 2 });
    expect((await lastEvent('space.updated', superadmin.user.id))?.diff).toEqual({
      before: { name: 'Before' },
      after: { name: 'After' },
    });
    const stale = await superadmin.api.patch<Problem>(path, { version: 1, name: 'Again' });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('version_conflict');
    expect(
      (await superadmin.api.patch(`/api/v1/spaces/${randomUUID()}`, { version: 1 })).status,
    ).toBe(404);
  });

  it('deletes with its memberships, audited; 401, 403, 404', async () => {
    const space = await createSpace({ name: 'Doomed space' });
    const person = await createPerson(context.services);
    await admin.api.post(`/api/v1/spaces/${space.id}/members`, { userIds: [person.id] });
    const path = `/api/v1/spaces/${space.id}`;
    expect((await anonymous.delete(path)).status).toBe(401);
    expect((await admin.api.delete(path)).status).toBe(403);
    expect(await lastEvent('space.deleted', admin.user.id)).toMatchObject({ outcome: 'denied' });
    expect((await superadmin.api.delete(path)).status).toBe(204);
    expect(await lastEvent('space.deleted', superadmin.user.id)).toMatchObject({
      target_id: space.id,
      details: { membersRemoved: 1 },
    });
    expect((await superadmin.api.get(path)).status).toBe(404);
    expect((await superadmin.api.delete(path)).status).toBe(404);
    const { rows } = await context.services.pool.query(
      'select count(*)::int as n from space_member where space_id = $1',
      [space.id],
    );
    expect(rows[0].n).toBe(0);
  });
});

describe('space membership', () => {
  it('adds people set-based (superadmin, admin), skipping members, one event per person', async () => {
    const space = await createSpace({ name: 'Members' });
    const [a, b, c] = [
      await createPerson(context.services, { familyName: 'Алексеев' }),
      await createPerson(context.services, { familyName: 'Борисов' }),
      await createPerson(context.services, { familyName: 'Васильев' }),
    ];
    const path = `/api/v1/spaces/${space.id}/members`;
    const first = await admin.api.post<{ added: string[]; alreadyMembers: string[] }>(path, {
      userIds: [a.id, b.id, a.id],
    });
    expect(first.status).toBe(200);
    expect(first.body.added.sort()).toEqual([a.id, b.id].sort());
    const second = await superadmin.api.post<{ added: string[]; alreadyMembers: string[] }>(path, {
      userIds: [b.id, c.id],
    });
    expect(second.body).toEqual({ added: [c.id], alreadyMembers: [b.id] });
    const added = (await events('space.member_added', admin.user.id)).filter(
      (e) => e.details.spaceId === space.id,
    );
    expect(added.map((e) => e.target_id).sort()).toEqual([a.id, b.id].sort());
    expect(added[0]).toMatchObject({
      target_type: 'User',
      details: { spaceId: space.id, spaceName: 'Members' },
    });

    const list = await auditor.api.get<List<Member>>(path);
    expect(list.body.total).toBe(3);
    expect(list.body.data.map((m) => m.userId)).toEqual([a.id, b.id, c.id]);
    expect(list.body.data[0]?.addedById).toBe(admin.user.id);
    const searched = await auditor.api.get<List<Member>>(
      `${path}?q=${encodeURIComponent('борис')}`,
    );
    expect(searched.body.data.map((m) => m.userId)).toEqual([b.id]);
    const paged = await auditor.api.get<List<Member>>(`${path}?limit=1&offset=2`);
    expect(paged.body.data.map((m) => m.userId)).toEqual([c.id]);
    expect((await auditor.api.get<SpaceBody>(`/api/v1/spaces/${space.id}`)).body.memberCount).toBe(
      3,
    );
  });

  it('refuses unknown people (422) without adding anyone, and bad bodies (400)', async () => {
    const space = await createSpace({ name: 'Strict members' });
    const person = await createPerson(context.services);
    const ghost = randomUUID();
    const path = `/api/v1/spaces/${space.id}/members`;
    const response = await admin.api.post<Problem>(path, { userIds: [person.id, ghost] });
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ code: 'unknown_users', userIds: [ghost] });
    expect((await admin.api.get<List<Member>>(path)).body.total).toBe(0);
    const tooMany = Array.from({ length: 501 }, () => randomUUID());
    for (const body of [
      {},
      { userIds: [] },
      { userIds: ['nope'] },
      { userIds: tooMany },
      { userIds: [person.id], x: 1 },
    ]) {
      expect((await admin.api.post(path, body)).status, JSON.stringify(body).slice(0, 40)).toBe(
        400,
      );
    }
    expect(
      (await admin.api.post(`/api/v1/spaces/${randomUUID()}/members`, { userIds: [person.id] }))
        .status,
    ).toBe(404);
  });

  it('adds 500 people in one call', async () => {
    const space = await createSpace({ name: 'Big space' });
    const { rows } = await context.services.pool.query<{ id: string }>(
      `insert into app_user (id, family_name, given_name, display_name)
       select gen_random_uuid(), 'Bulk' || i, 'Person', 'Person ' || i from generate_series(1, 500) i
       returning id`,
    );
    const response = await admin.api.post<{ added: string[] }>(
      `/api/v1/spaces/${space.id}/members`,
      {
        userIds: rows.map((r) => r.id),
      },
    );
    expect(response.status).toBe(200);
    expect(response.body.added).toHaveLength(500);
    expect((await admin.api.get<SpaceBody>(`/api/v1/spaces/${space.id}`)).body.memberCount).toBe(
      500,
    );
  });

  it('removes a member, audited; 404 when not a member', async () => {
    const space = await createSpace({ name: 'Leaving' });
    const person = await createPerson(context.services);
    await admin.api.post(`/api/v1/spaces/${space.id}/members`, { userIds: [person.id] });
    const path = `/api/v1/spaces/${space.id}/members/${person.id}`;
    expect((await anonymous.delete(path)).status).toBe(401);
    expect((await auditor.api.delete(path)).status).toBe(403);
    expect(await lastEvent('space.member_removed', auditor.user.id)).toMatchObject({
      outcome: 'denied',
    });
    expect((await admin.api.delete(path)).status).toBe(204);
    expect(await lastEvent('space.member_removed', admin.user.id)).toMatchObject({
      outcome: 'success',
      target_type: 'User',
      target_id: person.id,
      details: { spaceId: space.id },
    });
    expect((await admin.api.delete(path)).status).toBe(404);
    expect((await admin.api.delete(`/api/v1/spaces/${space.id}/members/nope`)).status).toBe(400);
  });

  it('membership: 401 and 403 (audited) for those who may not', async () => {
    const space = await createSpace({ name: 'Guarded' });
    const person = await createPerson(context.services);
    const path = `/api/v1/spaces/${space.id}/members`;
    expect((await anonymous.get(path)).status).toBe(401);
    expect((await anonymous.post(path, { userIds: [person.id] })).status).toBe(401);
    expect((await staff.api.get(path)).status).toBe(403);
    expect(await lastEvent('space.members_listed', staff.user.id)).toMatchObject({
      outcome: 'denied',
    });
    for (const client of [auditor, staff]) {
      expect((await client.api.post(path, { userIds: [person.id] })).status).toBe(403);
      expect(await lastEvent('space.member_added', client.user.id)).toMatchObject({
        outcome: 'denied',
        target_id: space.id,
      });
    }
    expect((await superadmin.api.get<List<Member>>(path)).body.total).toBe(0);
  });
});
