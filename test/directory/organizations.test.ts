import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Organization } from '../../server/directory/entities.ts';
import { ApiClient } from '../support/api.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

interface Org {
  id: string;
  name: string;
  kind: string;
  parentId: string | null;
  version: number;
  childrenCount: number;
  memberCount: number;
  parent?: { id: string; name: string } | null;
  depth?: number;
  path?: string[];
  pathNames?: string[];
}
interface List<T> {
  data: T[];
  total: number;
}
interface Problem {
  code: string;
  status: number;
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

/** The newest audit event with this action (and actor, if given). */
async function lastEvent(action: string, actorId?: string) {
  const { rows } = await context.services.pool.query(
    `select action, outcome, actor_id, target_type, target_id, target_label, diff, details
       from audit_event where action = $1 and ($2::uuid is null or actor_id = $2::uuid)
      order by seq desc limit 1`,
    [action, actorId ?? null],
  );
  return rows[0];
}

async function create(body: Record<string, unknown>): Promise<Org> {
  const response = await superadmin.api.post<Org>('/api/v1/organizations', body);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

describe('GET /organizations', () => {
  let root: Org;
  let child: Org;
  beforeAll(async () => {
    root = await create({ name: 'Ёлкин и партнёры', kind: 'department' });
    child = await create({ name: 'Отдел продаж', kind: 'department', parentId: root.id });
    await create({ name: 'Project Apollo', kind: 'project', parentId: root.id });
    await create({ name: 'Бухгалтерия', kind: 'department', parentId: child.id });
  });

  it('401 without a session', async () => {
    expect((await anonymous.get('/api/v1/organizations')).status).toBe(401);
  });

  it('403 for staff, audited as denied', async () => {
    const response = await staff.api.get<Problem>('/api/v1/organizations');
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const event = await lastEvent('organization.listed', staff.user.id);
    expect(event).toMatchObject({ outcome: 'denied', target_type: 'Organization' });
  });

  it('lists for superadmin, admin and auditor', async () => {
    for (const client of [superadmin, admin, auditor]) {
      const response = await client.api.get<List<Org>>('/api/v1/organizations');
      expect(response.status).toBe(200);
      expect(response.body.total).toBeGreaterThanOrEqual(4);
    }
  });

  it('searches names case-insensitively with ё = е', async () => {
    const response = await admin.api.get<List<Org>>(
      `/api/v1/organizations?q=${encodeURIComponent('ЕЛКИН')}`,
    );
    expect(response.body.data.map((o) => o.name)).toEqual(['Ёлкин и партнёры']);
    const none = await admin.api.get<List<Org>>(
      `/api/v1/organizations?q=${encodeURIComponent("%' or 1=1 --")}`,
    );
    expect(none.status).toBe(200);
    expect(none.body.total).toBe(0);
  });

  it('filters by parent, root and kind, and pages', async () => {
    const children = await admin.api.get<List<Org>>(`/api/v1/organizations?parentId=${root.id}`);
    expect(children.body.data.map((o) => o.name).sort()).toEqual([
      'Project Apollo',
      'Отдел продаж',
    ]);
    const projects = await admin.api.get<List<Org>>(
      `/api/v1/organizations?parentId=${root.id}&kind=project`,
    );
    expect(projects.body.data.map((o) => o.name)).toEqual(['Project Apollo']);
    const roots = await admin.api.get<List<Org>>('/api/v1/organizations?parentId=root');
    expect(roots.body.data.some((o) => o.id === child.id)).toBe(false);
    expect(roots.body.data.find((o) => o.id === root.id)?.childrenCount).toBe(2);
    const page = await admin.api.get<List<Org>>('/api/v1/organizations?limit=1&offset=1');
    expect(page.body.data).toHaveLength(1);
    expect(page.body.total).toBeGreaterThanOrEqual(4);
  });

  it('returns the whole tree flat, depth-first, with depth and path', async () => {
    const response = await auditor.api.get<List<Org>>(
      `/api/v1/organizations?tree=true&parentId=${root.id}`,
    );
    expect(response.status).toBe(200);
    expect(response.body.data.map((o) => [o.name, o.depth])).toEqual([
      ['Project Apollo', 0],
      ['Отдел продаж', 0],
      ['Бухгалтерия', 1],
    ]);
    const whole = await auditor.api.get<List<Org>>('/api/v1/organizations?tree=true');
    const leaf = whole.body.data.find((o) => o.name === 'Бухгалтерия');
    expect(leaf?.depth).toBe(2);
    expect(leaf?.pathNames).toEqual(['Ёлкин и партнёры', 'Отдел продаж', 'Бухгалтерия']);
    expect(leaf?.path?.[0]).toBe(root.id);
    const names = whole.body.data.map((o) => o.name);
    expect(names.indexOf('Ёлкин и партнёры')).toBeLessThan(names.indexOf('Отдел продаж'));
    expect(names.indexOf('Отдел продаж')).toBe(names.indexOf('Бухгалтерия') - 1);
  });

  it('refuses bad query parameters with 400 problem+json', async () => {
    for (const query of [
      'limit=100000',
      'limit=0',
      'offset=-1',
      'kind=team',
      'parentId=nope',
      'tree=yes',
      'foo=1',
    ]) {
      const response = await admin.api.get<Problem>(`/api/v1/organizations?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await admin.api.get<Problem>('/api/v1/organizations?foo=1')).body.code).toBe(
      'unknown_field',
    );
  });
});

describe('GET /organizations/:id', () => {
  it('returns the parent, children count and member count', async () => {
    const parent = await create({ name: 'Parent for get', kind: 'department' });
    const org = await create({ name: 'Get me', kind: 'department', parentId: parent.id });
    await create({ name: 'Get me child', kind: 'project', parentId: org.id });
    await createPerson(context.services, { organizationId: org.id });
    await createPerson(context.services, { organizationId: org.id });
    const response = await auditor.api.get<Org>(`/api/v1/organizations/${org.id}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id: org.id,
      parent: { id: parent.id, name: 'Parent for get' },
      childrenCount: 1,
      memberCount: 2,
      version: 1,
    });
  });

  it('401, 403 (audited), 404 and 400', async () => {
    const org = await create({ name: 'Get trio', kind: 'department' });
    expect((await anonymous.get(`/api/v1/organizations/${org.id}`)).status).toBe(401);
    expect((await staff.api.get(`/api/v1/organizations/${org.id}`)).status).toBe(403);
    expect(await lastEvent('organization.viewed', staff.user.id)).toMatchObject({
      outcome: 'denied',
      target_id: org.id,
    });
    expect((await admin.api.get<Problem>(`/api/v1/organizations/${randomUUID()}`)).body.code).toBe(
      'not_found',
    );
    expect((await admin.api.get('/api/v1/organizations/not-a-uuid')).status).toBe(400);
  });
});

describe('POST /organizations', () => {
  it('creates (superadmin) and audits organization.created', async () => {
    const org = await create({ name: '  Новый отдел ', kind: 'department', description: 'Где-то' });
    expect(org).toMatchObject({
      name: 'Новый отдел',
      parentId: null,
      version: 1,
      childrenCount: 0,
    });
    const event = await lastEvent('organization.created', superadmin.user.id);
    expect(event).toMatchObject({
      outcome: 'success',
      target_id: org.id,
      target_label: 'Новый отдел',
    });
    expect(event.diff.after).toMatchObject({ name: 'Новый отдел', kind: 'department' });
  });

  it('401 without a session; 403 for admin and auditor, audited', async () => {
    const body = { name: 'Nope', kind: 'department' };
    expect((await anonymous.post('/api/v1/organizations', body)).status).toBe(401);
    for (const client of [admin, auditor, staff]) {
      expect((await client.api.post('/api/v1/organizations', body)).status).toBe(403);
      expect(await lastEvent('organization.created', client.user.id)).toMatchObject({
        outcome: 'denied',
      });
    }
    const names = await superadmin.api.get<List<Org>>('/api/v1/organizations?q=Nope');
    expect(names.body.total).toBe(0);
  });

  it('409 for a sibling with the same name, 422 for a missing parent', async () => {
    const parent = await create({ name: 'Siblings', kind: 'department' });
    await create({ name: 'Twin', kind: 'department', parentId: parent.id });
    const twin = await superadmin.api.post<Problem>('/api/v1/organizations', {
      name: 'TWIN',
      kind: 'project',
      parentId: parent.id,
    });
    expect(twin.status).toBe(409);
    expect(twin.body.code).toBe('already_exists');
    await create({ name: 'Twin', kind: 'department' });
    const orphan = await superadmin.api.post<Problem>('/api/v1/organizations', {
      name: 'Orphan',
      kind: 'department',
      parentId: randomUUID(),
    });
    expect(orphan.status).toBe(422);
    expect(orphan.body.code).toBe('parent_not_found');
  });

  it('refuses bad bodies with 400', async () => {
    const bodies = [
      {},
      { name: '', kind: 'department' },
      { name: '   ', kind: 'department' },
      { name: 'x'.repeat(201), kind: 'department' },
      { name: 'Bell\u0007', kind: 'department' },
      { name: 'Ok', kind: 'team' },
      { name: 'Ok', kind: 'department', parentId: 'nope' },
      { name: 'Ok', kind: 'department', owner: 'me' },
      { name: 42, kind: 'department' },
    ];
    for (const body of bodies) {
      const response = await superadmin.api.post<Problem>('/api/v1/organizations', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
  });
});

describe('PATCH /organizations/:id', () => {
  it('renames with the version and audits the diff', async () => {
    const org = await create({ name: 'Old name', kind: 'department', description: 'Same' });
    const response = await superadmin.api.patch<Org>(`/api/v1/organizations/${org.id}`, {
      version: 1,
      name: 'New name',
      description: 'Same',
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ name: 'New name', version: 2 });
    const event = await lastEvent('organization.updated', superadmin.user.id);
    expect(event.target_id).toBe(org.id);
    expect(event.diff).toEqual({ before: { name: 'Old name' }, after: { name: 'New name' } });
    const stale = await superadmin.api.patch<Problem>(`/api/v1/organizations/${org.id}`, {
      version: 1,
      name: 'Lost update',
    });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('version_conflict');
  });

  it('moves in the tree, but never under itself or a descendant', async () => {
    const a = await create({ name: 'Move A', kind: 'department' });
    const b = await create({ name: 'Move B', kind: 'department', parentId: a.id });
    const c = await create({ name: 'Move C', kind: 'department', parentId: b.id });
    const other = await create({ name: 'Move other', kind: 'department' });
    for (const parentId of [a.id, b.id, c.id]) {
      const response = await superadmin.api.patch<Problem>(`/api/v1/organizations/${a.id}`, {
        version: 1,
        parentId,
      });
      expect(response.status).toBe(422);
      expect(response.body.code).toBe('organization_cycle');
    }
    const moved = await superadmin.api.patch<Org>(`/api/v1/organizations/${b.id}`, {
      version: 1,
      parentId: other.id,
    });
    expect(moved.status).toBe(200);
    expect(moved.body.parent).toEqual({ id: other.id, name: 'Move other' });
    const toRoot = await superadmin.api.patch<Org>(`/api/v1/organizations/${c.id}`, {
      version: 1,
      parentId: null,
    });
    expect(toRoot.body.parentId).toBeNull();
  });

  it('401, 403 for admin (audited), 404, 400, source-owned 422', async () => {
    const org = await create({ name: 'Patch trio', kind: 'department' });
    const path = `/api/v1/organizations/${org.id}`;
    expect((await anonymous.patch(path, { version: 1, name: 'X' })).status).toBe(401);
    expect((await admin.api.patch(path, { version: 1, name: 'X' })).status).toBe(403);
    expect(await lastEvent('organization.updated', admin.user.id)).toMatchObject({
      outcome: 'denied',
      target_id: org.id,
    });
    const missing = await superadmin.api.patch(`/api/v1/organizations/${randomUUID()}`, {
      version: 1,
      name: 'X',
    });
    expect(missing.status).toBe(404);
    expect((await superadmin.api.patch(path, { name: 'No version' })).status).toBe(400);
    expect((await superadmin.api.patch(path, { version: 1, id: randomUUID() })).status).toBe(400);

    const em = context.services.orm.em.fork();
    const synced = em.create(Organization, {
      id: randomUUID(),
      name: 'From AD',
      kind: 'department',
      source: 'ad',
      externalId: 'ou=sales',
    });
    await em.flush();
    const renamed = await superadmin.api.patch<Problem>(`/api/v1/organizations/${synced.id}`, {
      version: 1,
      name: 'Hand edit',
    });
    expect(renamed.status).toBe(422);
    expect(renamed.body.code).toBe('source_owned_attribute');
    const described = await superadmin.api.patch<Org>(`/api/v1/organizations/${synced.id}`, {
      version: 1,
      description: 'Notes are ours',
    });
    expect(described.status).toBe(200);
  });
});

describe('DELETE /organizations/:id', () => {
  it('refuses an organization with children or people', async () => {
    const parent = await create({ name: 'Has child', kind: 'department' });
    await create({ name: 'The child', kind: 'department', parentId: parent.id });
    const withChild = await superadmin.api.delete<Problem>(`/api/v1/organizations/${parent.id}`);
    expect(withChild.status).toBe(422);
    expect(withChild.body.code).toBe('organization_not_empty');
    const staffed = await create({ name: 'Has people', kind: 'department' });
    await createPerson(context.services, { organizationId: staffed.id });
    const withPeople = await superadmin.api.delete<Problem>(`/api/v1/organizations/${staffed.id}`);
    expect(withPeople.status).toBe(422);
    expect(withPeople.body.code).toBe('organization_not_empty');
  });

  it('deletes an empty one (superadmin) and audits it; 401, 403, 404', async () => {
    const org = await create({ name: 'Doomed', kind: 'project' });
    const path = `/api/v1/organizations/${org.id}`;
    expect((await anonymous.delete(path)).status).toBe(401);
    expect((await admin.api.delete(path)).status).toBe(403);
    expect(await lastEvent('organization.deleted', admin.user.id)).toMatchObject({
      outcome: 'denied',
      target_id: org.id,
    });
    expect((await superadmin.api.delete(path)).status).toBe(204);
    const event = await lastEvent('organization.deleted', superadmin.user.id);
    expect(event).toMatchObject({ outcome: 'success', target_id: org.id, target_label: 'Doomed' });
    expect(event.diff.before).toMatchObject({ name: 'Doomed', kind: 'project' });
    expect((await superadmin.api.get(path)).status).toBe(404);
    expect((await superadmin.api.delete(path)).status).toBe(404);
  });
});
