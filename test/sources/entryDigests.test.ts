import { hash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DigestSet, entryDigest, loadRecordedDigests } from '../../server/sources/entryDigest.ts';
import type { SourcePerson } from '../../server/sources/types.ts';
import type { ApiClient } from '../support/api.ts';
import { createPerson } from '../support/factories.ts';
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

// Inserting and loading 140,000 digests on a busy machine.
const LOAD_TIMEOUT_MS = 120_000;

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

describe('entries that match nobody', () => {
  const unmatchedOf = async (sourceId: string) =>
    (
      await sql(
        'select external_id from sync_unmatched_entry where source_id = $1 order by external_id',
        [sourceId],
      )
    ).map((row) => row.external_id as string);

  it('are recognized by digest, and planned again once a person could match them', async () => {
    // 20 people: one deactivation stays within the approval limit.
    const { id, directory } = await syncedSource(20);
    counter += 1;
    const disabled = sourcePerson({ disabled: true, employeeId: `E-GONE-${counter}` });
    const left = sourcePerson({ terminationDate: '2020-01-31' });
    const named = sourcePerson({ disabled: true });
    directory.put(disabled, left, named);
    const ids = [disabled, left, named].map((p) => p.externalId).sort();

    const first = await sync(api, id);
    expect(first.counts).toMatchObject({ create: 0, unchanged: 23, unchangedByDigest: 20 });
    expect((await planOf(api, first.id)).map((line) => line.externalId).sort()).toEqual(ids);
    expect(await unmatchedOf(id)).toEqual(ids);

    const quiet = await sync(api, id);
    expect(quiet.counts).toMatchObject({ read: 23, unchanged: 23, unchangedByDigest: 23 });
    expect(await planOf(api, quiet.id)).toEqual([]);

    // Someone created by hand with the disabled entry's employee number is linked to it and
    // deactivated, as before; a login taken by another person makes its entry planned again.
    const returning = await createPerson(context.services);
    await sql('update app_user set employee_number = $2 where id = $1', [
      returning.id,
      disabled.employeeId,
    ]);
    await createPerson(context.services, { username: named.username ?? '' });
    const found = await sync(api, id);
    expect(found.status).toBe('succeeded');
    expect(found.counts).toMatchObject({ deactivate: 1, unchangedByDigest: 21 });
    const plan = await planOf(api, found.id);
    const line = (externalId: string) => plan.find((item) => item.externalId === externalId);
    expect(line(disabled.externalId)).toMatchObject({ action: 'deactivate', userId: returning.id });
    expect(line(named.externalId)?.action).toBe('unchanged');
    expect(line(left.externalId)).toBeUndefined();
    expect((await personOf(id, disabled.externalId))?.status).toBe('deactivated');

    // A changed entry is planned once, then recognized again (so is the person just
    // deactivated, once their entry is found unchanged: as any person changed); a full run
    // forgets the entries it no longer reads.
    directory.change(left.externalId, { title: 'Бывший инженер' });
    const changed = await sync(api, id);
    expect((await planOf(api, changed.id)).map((item) => item.externalId).sort()).toEqual(ids);
    expect((await sync(api, id)).counts).toMatchObject({ unchangedByDigest: 22 });
    directory.remove(left.externalId);
    await sync(api, id);
    expect(await unmatchedOf(id)).not.toContain(left.externalId);
  });

  it('are known but planned by every run while in conflict, and created once it is resolved', async () => {
    const { id, directory } = await syncedSource(1);
    counter += 1;
    const taken = await createPerson(context.services, { username: `taken-${counter}` });
    const entry = sourcePerson({ username: `taken-${counter}` });
    directory.put(entry);
    const conflictsOf = async () =>
      sql(
        `select outcome, digest from sync_unmatched_entry
          where source_id = $1 and external_id = $2`,
        [id, entry.externalId],
      );
    for (let run = 0; run < 2; run += 1) {
      const seen = await sync(api, id);
      expect(seen.counts).toMatchObject({ conflict: 1, create: 0, unchangedByDigest: 1 });
      // Known (an enumerating incremental run does not read it again: newInScope.ts), with no
      // digest, so never skipped as unchanged.
      expect(await conflictsOf()).toEqual([{ outcome: 'conflict', digest: null }]);
    }
    await sql('update app_user set username = $2 where id = $1', [taken.id, `freed-${counter}`]);
    const resolved = await sync(api, id);
    expect(resolved.counts).toMatchObject({ conflict: 0, create: 1 });
    expect((await personOf(id, entry.externalId))?.status).toBe('active');
  });

  it("are planned while an admin's reconnection decision names them", async () => {
    const { id, directory, people } = await syncedSource(1);
    const entry = sourcePerson({ disabled: true });
    directory.put(entry);
    await sync(api, id);
    expect((await sync(api, id)).counts).toMatchObject({ unchangedByDigest: 2 });
    const person = await personOf(id, people[0]?.externalId);
    await sql(
      `insert into sync_reconnect_decision (source_id, external_id, decision, user_id, decided_at)
       values ($1, $2, 'ignore', $3, now())`,
      [id, entry.externalId, person?.id],
    );
    const run = await sync(api, id);
    expect(run.counts).toMatchObject({ unchangedByDigest: 1 });
    expect((await planOf(api, run.id)).map((item) => item.externalId)).toEqual([entry.externalId]);
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

/**
 * The digest as it was first written (session 13): the text `fingerprint + s5:value…` hashed as
 * UTF-8. entryDigest() now writes the same bytes into a buffer; digests people recorded before
 * must keep matching.
 */
function textDigest(fingerprint: string, person: SourcePerson): string {
  const serialized = (value: unknown): string => {
    if (value === undefined) return 'u';
    if (value === null) return 'n';
    if (typeof value === 'string') return `s${value.length}:${value}`;
    if (typeof value === 'boolean') return value ? 't' : 'f';
    if (Array.isArray(value)) return `a${value.length}:${value.map(serialized).join('')}`;
    const json = JSON.stringify(value) ?? 'u';
    return `j${json.length}:${json}`;
  };
  const keys: (keyof SourcePerson)[] = [
    'externalId',
    'locator',
    'username',
    'familyName',
    'givenName',
    'middleName',
    'displayName',
    'email',
    'phone',
    'title',
    'department',
    'employeeId',
    'disabled',
    'groups',
    'hireDate',
    'terminationDate',
    'suspended',
    'errors',
    'errorNotes',
    'fields',
  ];
  let text = fingerprint;
  for (const key of keys) text += serialized(person[key]);
  return hash('sha256', text, 'hex').slice(0, 32);
}

describe('entryDigest, written into a buffer', () => {
  it('hashes the same bytes as the text it replaced, for any values', () => {
    // Cyrillic, astral characters, unpaired surrogates, and values longer than the buffer.
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('Иванова-Петрова', '😀 日本', '\uD800', 'x\uDC00y', ''),
      // Beyond the buffer's first 4 KiB, and beyond the 64 KiB it keeps.
      fc.string({ unit: fc.constantFrom('ж', 'a', '😀'), minLength: 1_500, maxLength: 6_000 }),
      fc.constant('ж'.repeat(40_000)),
    );
    const maybe = fc.option(text, { nil: null });
    const entry = fc.record({
      externalId: text,
      locator: text,
      username: maybe,
      familyName: maybe,
      givenName: maybe,
      middleName: maybe,
      displayName: maybe,
      email: maybe,
      phone: maybe,
      title: maybe,
      department: maybe,
      employeeId: maybe,
      disabled: fc.boolean(),
      groups: fc.array(text, { maxLength: 4 }),
      hireDate: fc.option(maybe, { nil: undefined }),
      terminationDate: fc.option(maybe, { nil: undefined }),
      suspended: fc.option(fc.option(fc.boolean(), { nil: null }), { nil: undefined }),
      errors: fc.option(fc.array(text, { maxLength: 3 }), { nil: undefined }),
      errorNotes: fc.option(
        fc.array(fc.record({ code: text, params: fc.dictionary(text, text, { maxKeys: 2 }) }), {
          maxLength: 2,
        }),
        { nil: undefined },
      ),
      fields: fc.option(fc.array(fc.constantFrom('email', 'phone', 'title'), { maxLength: 3 }), {
        nil: undefined,
      }),
    });
    fc.assert(
      fc.property(text, entry, (fingerprint, person) => {
        expect(entryDigest(fingerprint, person as SourcePerson)).toBe(
          textDigest(fingerprint, person as SourcePerson),
        );
      }),
      // A failure is reported as found: shrinking values this long takes minutes.
      { numRuns: 500, endOnFailure: true },
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
    // Read in parts, as the people's digests and the unmatched entries' are.
    const parts = new DigestSet(Buffer.concat(held.slice(0, 10)), Buffer.concat(held.slice(5, 20)));
    expect(parts.size).toBe(20);
    expect(held.slice(0, 20).every((digest) => parts.has(hex(digest)))).toBe(true);
    expect(parts.has(hex(held[20] as Buffer))).toBe(false);
  });

  it('grows past the room it was made with, and keeps every digest', () => {
    const held = Array.from({ length: 2_000 }, () => randomBytes(16));
    const set = DigestSet.withRoom(10);
    set.add(Buffer.concat(held.slice(0, 700)));
    set.add(Buffer.concat([...held.slice(500), Buffer.alloc(16)]));
    expect(set.size).toBe(2_000);
    expect(held.every((digest) => set.has(digest.toString('hex')))).toBe(true);
    expect(set.has(randomBytes(16).toString('hex'))).toBe(false);
  });

  it(
    'loads more digests than one row of the load carries, people and entries alike',
    async () => {
      const { id } = await syncedSource(3);
      // 140,000 entries that match nobody: three rows of 65,536 digests at most.
      await sql(
        `insert into sync_unmatched_entry (source_id, external_id, digest, employee_id, email, username)
         select $1, 'entry-' || n, gen_random_uuid(), 'E-nobody-' || n, null, null
           from generate_series(1, 140000) n`,
        [id],
      );
      const stored = await sql(
        `select encode(uuid_send(sync_digest), 'hex') as d from app_user where source_id = $1
          union all
         select encode(uuid_send(digest), 'hex') from sync_unmatched_entry where source_id = $1`,
        [id],
      );
      expect(stored).toHaveLength(140_003);
      const set = await loadRecordedDigests(context.services.pool, id);
      expect(set.size).toBe(140_003);
      expect(stored.every((row) => set.has(row.d as string))).toBe(true);
      // An entry someone could match now is left out (UNMATCHED_SQL): here, by login.
      await sql(
        `update sync_unmatched_entry set username = (
           select username from app_user where source_id = $1 limit 1)
          where source_id = $1 and external_id = 'entry-7'`,
        [id],
      );
      expect((await loadRecordedDigests(context.services.pool, id)).size).toBe(140_002);
      await sql('delete from sync_unmatched_entry where source_id = $1', [id]);
    },
    LOAD_TIMEOUT_MS,
  );

  it('reads a digest made by entryDigest as PostgreSQL stores and returns it', async () => {
    const digest = entryDigest('f', sourcePerson());
    const [row] = await sql(`select uuid_send($1::uuid) as packed`, [digest]);
    expect(new DigestSet(row?.packed as Buffer).has(digest)).toBe(true);
  });
});
