import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainRuns } from '../../server/sources/runs.ts';
import { GROUP_SCHEMA, PATCH, ScimClient, startScimContext } from '../hr/scimSupport.ts';
import type { ApiClient } from '../support/api.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import type { TestContext } from '../support/harness.ts';
import type { MemoryDirectory } from './memoryDirectory.ts';
import { sourcePerson } from './memoryDirectory.ts';
import { defineSource, memoryDirectories, peopleOf, sync } from './support.ts';

/**
 * Why a person is in a space (issue 18, access views): each door that adds members records its
 * reason — the directory sync's group mappings, SCIM group membership (the console's manual add
 * is tested in test/identity/accessViews.test.ts) — and the company view of people gone from
 * their sources finds those whose deactivation a real sync run holds for approval.
 */
let context: TestContext;
let api: ApiClient;
let directories: Map<string, MemoryDirectory>;

beforeAll(async () => {
  context = await startScimContext();
  directories = memoryDirectories(context.services);
  ({ api } = await signedIn(context, 'superadmin'));
});

afterAll(async () => {
  await drainRuns(context.services);
  await context?.close();
});

async function reasons(userId: string) {
  const { rows } = await context.services.pool.query<{
    name: string;
    via: string;
    via_source_id: string | null;
  }>(
    `select s.name, m.via, m.via_source_id from space_member m join space s on s.id = m.space_id
      where m.user_id = $1 order by lower(s.name)`,
    [userId],
  );
  return rows;
}

describe('membership reasons', () => {
  it('a directory group mapping adds members as directory_group, naming the source', async () => {
    const n = Date.now().toString(36);
    const group = `CN=Sales ${n},OU=Groups,DC=corp,DC=example,DC=test`;
    const spaceName = `Продажи ${n}`;
    const { id, directory } = await defineSource(api, directories);
    const patched = await api.request('PATCH', `/api/v1/directory-sources/${id}`, {
      body: { connection: { groupMappings: [{ group, spaces: [spaceName] }] } },
    });
    expect(patched.status, patched.text).toBe(200);
    const anna = sourcePerson({ givenName: 'Анна', groups: [group] });
    directory.put(anna);
    const run = await sync(api, id);
    expect(run.status).toBe('succeeded');
    const [person] = await peopleOf(context.services, id);
    expect(await reasons(person?.id ?? '')).toEqual([
      { name: spaceName, via: 'directory_group', via_source_id: id },
    ]);
    const access = await api.get<{ spaces: { name: string; via: string; viaSourceId: string }[] }>(
      `/api/v1/users/${person?.id}/access`,
    );
    expect(access.body.spaces).toEqual([
      expect.objectContaining({ name: spaceName, via: 'directory_group', viaSourceId: id }),
    ]);
  });

  it('SCIM group membership adds members as scim, on create and on PATCH', async () => {
    const scim = new ScimClient(context.baseUrl);
    const first = await createPerson(context.services);
    const second = await createPerson(context.services);
    const created = await scim.post('/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: `Группа ${Date.now()}`,
      members: [{ value: first.id }],
    });
    expect(created.status, created.text).toBe(201);
    const groupId = created.body.id as string;
    const patched = await scim.request('PATCH', `/Groups/${groupId}`, {
      schemas: [PATCH],
      Operations: [{ op: 'add', path: 'members', value: [{ value: second.id }] }],
    });
    expect([200, 204]).toContain(patched.status);
    for (const person of [first, second])
      expect(await reasons(person.id)).toEqual([
        expect.objectContaining({ via: 'scim', via_source_id: 'scim' }),
      ]);
  });
});

describe('people gone from their source', () => {
  it('lists the people whose deactivation a held sync run has not applied', async () => {
    const { id, directory } = await defineSource(api, directories);
    const people = Array.from({ length: 12 }, (_, i) => sourcePerson({ givenName: `Лев${i}` }));
    directory.put(...people);
    expect((await sync(api, id)).status).toBe('succeeded');
    const leaving = people.slice(0, 2).map((p) => p.externalId);
    directory.remove(...leaving);
    // 12 managed: 10% is 1, so 2 deactivations wait for an approval and both stay active.
    const held = await sync(api, id);
    expect(held.status).toBe('awaiting_approval');
    const rows = await peopleOf(context.services, id);
    const gone = rows.filter((row) => leaving.includes(row.external_id ?? '')).map((row) => row.id);
    const view = await api.get<{ data: { userId: string; goneFrom: unknown[] }[]; total: number }>(
      '/api/v1/access/orphaned?limit=200',
    );
    expect(view.status, view.text).toBe(200);
    const mine = view.body.data.filter((row) => rows.some((person) => person.id === row.userId));
    expect(mine.map((row) => row.userId).sort()).toEqual(gone.sort());
    expect(mine[0]?.goneFrom).toEqual([{ sourceId: id, reason: 'deactivation_not_applied' }]);

    // Once the run is approved and applied, they are deactivated and leave the view.
    const approved = await api.request('POST', `/api/v1/sync-runs/${held.id}/approve`);
    expect(approved.status, approved.text).toBeLessThan(300);
    await drainRuns(context.services);
    const after = await api.get<{ data: { userId: string }[] }>(
      '/api/v1/access/orphaned?limit=200',
    );
    expect(after.body.data.filter((row) => gone.includes(row.userId))).toEqual([]);
  });
});
