import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConnectors } from '../../server/core/connectors/registry.ts';
import { createPerson } from '../support/factories.ts';
import type { TestContext } from '../support/harness.ts';
import { expectScimError, GROUP_SCHEMA, ScimClient, startScimContext } from './scimSupport.ts';

let context: TestContext;
let scim: ScimClient;
let people: string[];
let n = 0;

beforeAll(async () => {
  context = await startScimContext();
  await registerConnectors(context.services, [{ name: 'hook', kind: 'webhook' }]);
  scim = new ScimClient(context.baseUrl);
  people = [];
  for (let i = 0; i < 4; i += 1) people.push((await createPerson(context.services)).id);
});

afterAll(async () => {
  await context?.close();
});

async function members(spaceId: string): Promise<string[]> {
  const { rows } = await context.services.pool.query<{ user_id: string }>(
    'select user_id from space_member where space_id = $1 order by user_id',
    [spaceId],
  );
  return rows.map((r) => r.user_id);
}

async function createGroup(memberIds: string[] = []) {
  n += 1;
  const res = await scim.post('/Groups', {
    schemas: [GROUP_SCHEMA],
    displayName: `Группа ${n} ${Date.now()}`,
    externalId: `g-${n}-${Date.now()}`,
    members: memberIds.map((value) => ({ value })),
  });
  expect(res.status, res.text).toBe(201);
  return res;
}

const sorted = (ids: string[]) => [...ids].sort();

describe('SCIM Groups (spaces)', () => {
  it('creates a space with members, audited, and reads it back', async () => {
    const res = await createGroup([people[0] as string, people[1] as string]);
    const id = res.body.id as string;
    expect(res.headers.get('location')).toContain(`/scim/v2/Groups/${id}`);
    expect((res.body.members as unknown[]).length).toBe(2);
    expect(await members(id)).toEqual(sorted([people[0] as string, people[1] as string]));
    const { rows } = await context.services.pool.query(
      'select source, external_id from space where id = $1',
      [id],
    );
    expect(rows[0]).toMatchObject({ source: 'scim', external_id: res.body.externalId });
    const { rows: audit } = await context.services.pool.query<{ action: string }>(
      "select action from audit_event where action like 'space.%' and (target_id = $1 or details->>'spaceId' = $1)",
      [id],
    );
    expect(audit.map((a) => a.action).sort()).toEqual([
      'space.created',
      'space.member_added',
      'space.member_added',
    ]);
    const got = await scim.get(`/Groups/${id}?excludedAttributes=members`);
    expect(got.body.members).toBeUndefined();
    expect(got.body.displayName).toBe(res.body.displayName);
  });

  it('refuses a duplicate name (409 uniqueness) and unknown members (400)', async () => {
    const first = await createGroup();
    expectScimError(
      await scim.post('/Groups', { displayName: String(first.body.displayName).toUpperCase() }),
      409,
      'uniqueness',
    );
    expectScimError(
      await scim.post('/Groups', {
        displayName: 'x-unknown',
        members: [{ value: '00000000-0000-4000-8000-000000000009' }],
      }),
      400,
      'invalidValue',
    );
    expectScimError(
      await scim.post('/Groups', { displayName: 'x-bad', members: [{ value: 'nope' }] }),
      400,
      'invalidValue',
    );
  });

  it('finds groups by displayName and by member', async () => {
    const res = await createGroup([people[2] as string]);
    const byName = await scim.get(
      `/Groups?filter=${encodeURIComponent(`displayName eq "${res.body.displayName}"`)}&excludedAttributes=members`,
    );
    expect(byName.body.totalResults).toBe(1);
    const byMember = await scim.get(
      `/Groups?filter=${encodeURIComponent(`members[value eq "${people[2]}"]`)}`,
    );
    expect((byMember.body.Resources as { id: string }[]).map((g) => g.id)).toContain(res.body.id);
  });

  it('applies Microsoft Entra member PATCHes verbatim', async () => {
    const id = (await createGroup([people[0] as string])).body.id as string;
    const add = await scim.patch(`/Groups/${id}`, [
      { op: 'Add', path: 'members', value: [{ value: people[1] }, { value: people[2] }] },
    ]);
    expect(add.status, add.text).toBe(200);
    expect(await members(id)).toEqual(sorted([people[0], people[1], people[2]] as string[]));
    const remove = await scim.patch(`/Groups/${id}`, [
      { op: 'Remove', path: `members[value eq "${people[1]}"]` },
    ]);
    expect(remove.status, remove.text).toBe(200);
    expect(await members(id)).toEqual(sorted([people[0], people[2]] as string[]));
    await scim.patch(`/Groups/${id}`, [
      { op: 'Remove', path: 'members', value: [{ value: people[0] }] },
    ]);
    expect(await members(id)).toEqual([people[2]]);
    const rename = await scim.patch(`/Groups/${id}`, [
      { op: 'Replace', path: 'displayName', value: `Entra ${id}` },
    ]);
    expect(rename.body.displayName).toBe(`Entra ${id}`);
  });

  it('applies Okta group PATCHes verbatim', async () => {
    const id = (await createGroup()).body.id as string;
    const res = await scim.patch(`/Groups/${id}`, [
      { op: 'replace', value: { id, displayName: `Okta ${id}` } },
      { op: 'add', path: 'members', value: [{ value: people[3], display: 'x' }] },
    ]);
    expect(res.status, res.text).toBe(200);
    expect(res.body.displayName).toBe(`Okta ${id}`);
    expect(await members(id)).toEqual([people[3]]);
    await scim.patch(`/Groups/${id}`, [
      { op: 'replace', path: 'members', value: [{ value: people[0] }] },
    ]);
    expect(await members(id)).toEqual([people[0]]);
  });

  it('replaces a group with PUT', async () => {
    const id = (await createGroup([people[0] as string])).body.id as string;
    const res = await scim.put(`/Groups/${id}`, {
      displayName: `PUT ${id}`,
      members: [{ value: people[1] }],
    });
    expect(res.status, res.text).toBe(200);
    expect(await members(id)).toEqual([people[1]]);
  });

  it('deletes groups SCIM made; refuses spaces made elsewhere (409)', async () => {
    const id = (await createGroup([people[0] as string])).body.id as string;
    expect((await scim.delete(`/Groups/${id}`)).status).toBe(204);
    expectScimError(await scim.get(`/Groups/${id}`), 404);
    const { rows } = await context.services.pool.query<{ id: string }>(
      "insert into space (id, name) values (gen_random_uuid(), 'Ручное пространство') returning id",
    );
    const manual = rows[0]?.id as string;
    expectScimError(await scim.delete(`/Groups/${manual}`), 409);
    expect((await scim.get(`/Groups/${manual}`)).status).toBe(200);
  });

  it('lists with paging and sorting', async () => {
    for (let i = 0; i < 3; i += 1) await createGroup();
    const page = await scim.get(
      '/Groups?startIndex=2&count=2&sortBy=displayName&sortOrder=descending',
    );
    expect(page.body).toMatchObject({ startIndex: 2, itemsPerPage: 2 });
    expect(page.body.totalResults as number).toBeGreaterThanOrEqual(4);
    const count = await scim.get('/Groups?count=0');
    expect(count.body.Resources).toEqual([]);
  });
});
