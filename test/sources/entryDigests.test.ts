import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DigestSet, entryDigest } from '../../server/sources/entryDigest.ts';
import type { SourcePerson } from '../../server/sources/types.ts';
import type { ApiClient } from '../support/api.ts';
import type { TestContext } from '../support/harness.ts';
import type { MemoryDirectory } from './memoryDirectory.ts';
import { sourcePerson } from './memoryDirectory.ts';
import {
  closeEngineSuite,
  defineSource,
  peopleOf,
  planOf,
  startEngineSuite,
  sync,
} from './support.ts';

// Unchanged entries by digest (server/sources/entryDigest.ts): a run skips the entries whose
// person recorded the same digest, and every other way a person can change makes the next run
// plan them again.

let context: TestContext;
let api: ApiClient;
let directories: Map<string, MemoryDirectory>;
let counter = 0;

beforeAll(async () => {
  ({ context, directories, api } = await startEngineSuite());
});

afterAll(() => closeEngineSuite(context));

const sql = async (text: string, params: unknown[] = []) =>
  (await context.services.pool.query(text, params)).rows;

/** A source of `count` people, synced once: every one of them created with a digest. */
async function syncedSource(count: number, extra: Record<string, unknown> = {}) {
  const source = await defineSource(api, directories, extra);
  const people = Array.from({ length: count }, (_, n) =>
    sourcePerson({ department: `Отдел ${n % 3}`, title: 'Инженер' }),
  );
  source.directory.put(...people);
  const run = await sync(api, source.id);
  expect(run.status).toBe('succeeded');
  expect(run.counts).toMatchObject({ create: count, unchangedByDigest: 0 });
  return { ...source, people };
}

const personOf = async (sourceId: string, externalId: string | undefined) =>
  (await peopleOf(context.services, sourceId)).find((p) => p.external_id === externalId);

describe('unchanged entries by digest', () => {
  it('skips every unchanged entry of a full run, and plans only what changed', async () => {
    const { id, directory, people } = await syncedSource(6);
    const digests = await sql(
      'select count(sync_digest)::int as n from app_user where source_id = $1',
      [id],
    );
    expect(digests).toEqual([{ n: 6 }]);

    const again = await sync(api, id);
    expect(again.status).toBe('succeeded');
    expect(again.counts).toMatchObject({ read: 6, unchanged: 6, unchangedByDigest: 6 });
    expect(await planOf(api, again.id)).toEqual([]);

    directory.change(people[0]?.externalId ?? '', { title: 'Ведущий инженер' });
    const changed = await sync(api, id);
    expect(changed.counts).toMatchObject({ update: 1, unchanged: 5, unchangedByDigest: 5 });
    expect((await planOf(api, changed.id)).map((line) => line.action)).toEqual(['update']);
    expect((await personOf(id, people[0]?.externalId))?.title).toBe('Ведущий инженер');

    // The updated person is planned once more (unchanged), then recognized by digest again.
    const settled = await sync(api, id);
    expect(settled.counts).toMatchObject({ unchanged: 6, unchangedByDigest: 5 });
    expect((await sync(api, id)).counts).toMatchObject({ unchanged: 6, unchangedByDigest: 6 });
  });

  it('still deactivates whoever left or was disabled while everyone else is skipped', async () => {
    // 20 people: two deactivations are within the approval limit (10 %).
    const { id, directory, people } = await syncedSource(20);
    directory.remove(people[0]?.externalId ?? '');
    directory.change(people[1]?.externalId ?? '', { disabled: true });
    const run = await sync(api, id);
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ deactivate: 2, unchangedByDigest: 18 });
    expect((await personOf(id, people[0]?.externalId))?.status).toBe('deactivated');
    expect((await personOf(id, people[1]?.externalId))?.status).toBe('deactivated');
    const active = (await peopleOf(context.services, id)).filter((p) => p.status === 'active');
    expect(active).toHaveLength(18);
  });

  it('plans a person again once anything the plan compares changed by another way', async () => {
    const { id, people } = await syncedSource(4);
    const [edited, moved, reactivated] = people;
    // Another door writes the title (as a DBA or another service would).
    await sql('update app_user set title = $3 where source_id = $1 and external_id = $2', [
      id,
      edited?.externalId,
      'Переписано вручную',
    ]);
    // The person's organization is renamed.
    const org = await sql(
      `select o.id, o.name from organization o join app_user u on u.organization_id = o.id
        where u.source_id = $1 and u.external_id = $2`,
      [id, moved?.externalId],
    );
    await sql('update organization set name = $2 where id = $1', [
      org[0]?.id,
      `${org[0]?.name} (старое)`,
    ]);
    // An admin deactivates a synced person, then the directory's state is the same as before.
    const target = await personOf(id, reactivated?.externalId);
    const response = await api.request('POST', `/api/v1/users/${target?.id}/deactivate`, {
      body: { reason: 'проверка' },
    });
    expect(response.status, response.text).toBe(200);

    const run = await sync(api, id);
    const plan = await planOf(api, run.id);
    const line = (externalId: string | undefined) =>
      plan.find((item) => item.externalId === externalId);
    expect(line(edited?.externalId)?.diff).toEqual({
      title: { from: 'Переписано вручную', to: 'Инженер' },
    });
    expect(line(moved?.externalId)?.action).toBe('update');
    expect(line(moved?.externalId)?.diff).toHaveProperty('organization');
    // Deactivated by hand: planned, and kept deactivated, as without digests.
    expect(line(reactivated?.externalId)?.action).toBe('unchanged');
    expect((await personOf(id, edited?.externalId))?.title).toBe('Инженер');
    expect((await personOf(id, reactivated?.externalId))?.status).toBe('deactivated');
  });

  it('restores a membership of a mapped space removed by hand', async () => {
    counter += 1;
    const group = `CN=Staff ${counter},OU=Groups,DC=corp,DC=example,DC=test`;
    const space = `Все сотрудники ${Date.now().toString(36)}${counter}`;
    const source = await defineSource(api, directories);
    const patched = await api.request('PATCH', `/api/v1/directory-sources/${source.id}`, {
      body: { connection: { groupMappings: [{ group, spaces: [space] }] } },
    });
    expect(patched.status, patched.text).toBe(200);
    const person = sourcePerson({ groups: [group] });
    source.directory.put(person);
    await sync(api, source.id);
    const member = await personOf(source.id, person.externalId);
    const inSpace = async () =>
      (
        await sql(
          `select count(*)::int as n from space_member m join space s on s.id = m.space_id
            where m.user_id = $1 and s.name = $2`,
          [member?.id, space],
        )
      )[0]?.n;
    expect(await inSpace()).toBe(1);
    // The new person's digest survived the memberships their own batch added.
    expect((await sync(api, source.id)).counts).toMatchObject({ unchangedByDigest: 1 });

    await sql(
      `delete from space_member m using space s
        where s.id = m.space_id and s.name = $2 and m.user_id = $1`,
      [member?.id, space],
    );
    const run = await sync(api, source.id);
    expect(run.counts).toMatchObject({ update: 1, unchangedByDigest: 0 });
    expect(await inSpace()).toBe(1);
  });

  it('records nothing in a dry run, and nothing for a person changed before the plan was applied', async () => {
    const { id, directory, people } = await syncedSource(12);
    await sql('update app_user set sync_digest = null where source_id = $1', [id]);
    const dry = await sync(api, id, 'dry-run');
    expect(dry.counts).toMatchObject({ unchanged: 12, unchangedByDigest: 0 });
    expect(
      await sql('select count(sync_digest)::int as n from app_user where source_id = $1', [id]),
    ).toEqual([{ n: 0 }]);

    // Two deactivations out of 12 wait for an approval; meanwhile a person is changed.
    directory.remove(people[0]?.externalId ?? '', people[1]?.externalId ?? '');
    const held = await sync(api, id);
    expect(held.status).toBe('awaiting_approval');
    await sql('update app_user set title = $3 where source_id = $1 and external_id = $2', [
      id,
      people[2]?.externalId,
      'Изменено до одобрения',
    ]);
    const approved = await api.request('POST', `/api/v1/sync-runs/${held.id}/approve?wait=true`);
    expect(approved.status, approved.text).toBe(202);
    const recorded = await sql(
      `select external_id from app_user where source_id = $1 and sync_digest is not null
        order by external_id`,
      [id],
    );
    expect(recorded.map((row) => row.external_id)).toEqual(
      people
        .slice(3)
        .map((p) => p.externalId)
        .sort(),
    );
    const next = await sync(api, id);
    expect(next.counts).toMatchObject({ update: 1, unchangedByDigest: 9 });
    expect((await personOf(id, people[2]?.externalId))?.title).toBe('Инженер');
  });

  it('plans every entry again when the source settings change, and entries with a leaving date always', async () => {
    const { id, directory } = await syncedSource(3);
    const leaving = sourcePerson({ terminationDate: '2999-12-31' });
    directory.put(leaving);
    await sync(api, id);
    const settled = await sync(api, id);
    // The leaving date's person is planned by every run: only the clock can change their plan.
    expect(settled.counts).toMatchObject({ unchanged: 4, unchangedByDigest: 3 });

    const patched = await api.request('PATCH', `/api/v1/directory-sources/${id}`, {
      body: { reconnect: 'never' },
    });
    expect(patched.status, patched.text).toBe(200);
    const after = await sync(api, id);
    expect(after.counts).toMatchObject({ unchanged: 4, unchangedByDigest: 0 });
  });
});

describe('entryDigest', () => {
  it('changes with every attribute of an entry, and with the fingerprint', () => {
    const person = sourcePerson({
      hireDate: '2020-01-01',
      terminationDate: null,
      suspended: false,
      errors: [],
      errorNotes: [],
      fields: ['email'],
      groups: ['cn=a'],
    });
    const base = entryDigest('f', person);
    expect(entryDigest('f', { ...person })).toBe(base);
    expect(entryDigest('g', person)).not.toBe(base);
    const changed: Record<keyof SourcePerson, unknown> = {
      externalId: 'other',
      locator: 'cn=other',
      username: 'other',
      familyName: 'Другая',
      givenName: 'Другой',
      middleName: 'Другович',
      displayName: 'Другой',
      email: 'other@corp.example.test',
      phone: '+7 900 000-00-00',
      title: 'Другая должность',
      department: 'Другой отдел',
      employeeId: 'E0',
      disabled: true,
      groups: ['cn=a', 'cn=b'],
      hireDate: '2021-01-01',
      terminationDate: '2030-01-01',
      suspended: true,
      errors: ['broken'],
      errorNotes: [{ code: 'x', params: {} }],
      fields: ['email', 'phone'],
    };
    for (const [key, value] of Object.entries(changed))
      expect(entryDigest('f', { ...person, [key]: value }), key).not.toBe(base);
    // Values that would read alike if simply joined are told apart.
    expect(entryDigest('f', { ...person, familyName: 'ab', givenName: 'c' })).not.toBe(
      entryDigest('f', { ...person, familyName: 'a', givenName: 'bc' }),
    );
    expect(entryDigest('f', { ...person, middleName: null })).not.toBe(
      entryDigest('f', { ...person, middleName: undefined as unknown as null }),
    );
  });
});

describe('DigestSet', () => {
  it('finds every digest it holds and none it does not, the all-zero one never', () => {
    const held = Array.from({ length: 5_000 }, () => randomBytes(16));
    const set = new DigestSet(Buffer.concat([...held, Buffer.alloc(16), held[0] as Buffer]));
    const hex = (digest: Buffer) => digest.toString('hex');
    expect(set.size).toBe(5_000);
    expect(held.every((digest) => set.has(hex(digest)))).toBe(true);
    expect(Array.from({ length: 5_000 }, () => hex(randomBytes(16))).some((d) => set.has(d))).toBe(
      false,
    );
    expect(set.has('0'.repeat(32))).toBe(false);
    // Digests differing in one bit of their last word only are told apart.
    const near = Buffer.from(held[1] as Buffer);
    near.writeInt32BE(near.readInt32BE(12) ^ 1, 12);
    expect(set.has(hex(near))).toBe(false);
    expect(new DigestSet(Buffer.alloc(0)).has(hex(held[0] as Buffer))).toBe(false);
  });

  it('reads a digest made by entryDigest as PostgreSQL stores and returns it', async () => {
    const digest = entryDigest('f', sourcePerson());
    const [row] = await sql(`select uuid_send($1::uuid) as packed`, [digest]);
    expect(new DigestSet(row?.packed as Buffer).has(digest)).toBe(true);
  });
});
