import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../server/directory/entities.ts';
import type { UserView } from '../../server/directory/users/presentUser.ts';
import { SEARCH_COUNT_CAP } from '../../server/directory/users/userQuery.ts';
import type { ApiClient } from '../support/api.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

type Page = { data: UserView[]; total: number };

let context: TestContext;
let api: ApiClient;
let adder: User;
let organizationId: string;
let spaceId: string;
const people: Record<string, User> = {};

beforeAll(async () => {
  context = await startTestContext();
  const auditor = await signedIn(context, 'auditor', { familyName: 'Zzаудитор' });
  api = auditor.api;
  adder = (await signedIn(context, 'staff', { familyName: 'Zzсотрудник' })).user;
  organizationId = randomUUID();
  spaceId = randomUUID();
  const em = context.services.orm.em.fork();
  await em.execute(
    "insert into organization (id, name, kind) values (?, 'Бухгалтерия', 'department')",
    [organizationId],
  );
  await em.execute("insert into space (id, name) values (?, 'Проект Альфа')", [spaceId]);
  const make = (key: string, overrides: Parameters<typeof createPerson>[1]) =>
    createPerson(context.services, overrides).then((user) => {
      people[key] = user;
    });
  await make('yolkin', {
    familyName: 'Ёлкин',
    givenName: 'Пётр',
    phone: '+79161234567',
    organizationId,
    addedById: adder.id,
  });
  await make('elkina', { familyName: 'Елкина', givenName: 'Анна', status: 'pending' });
  await make('smith', {
    familyName: 'Smith',
    givenName: 'John',
    email: 'john.smith@corp.example',
    source: 'ad',
  });
  await make('percent', { familyName: 'Сто%Процентов', givenName: 'Ян_Подчёркнутый' });
  await make('backslash', { familyName: 'Обратный\\Слеш', givenName: 'Юрий' });
  await make('abramov', { familyName: 'Абрамов', givenName: 'Борис', status: 'deactivated' });
  await em.execute('insert into space_member (space_id, user_id) values (?, ?)', [
    spaceId,
    people.smith?.id,
  ]);
});
afterAll(async () => {
  await context.close();
});

async function search(query: string): Promise<Page> {
  const response = await api.get<Page>(`/api/v1/users?${query}`);
  expect(response.status).toBe(200);
  return response.body;
}
const ids = (page: Page) => page.data.map((u) => u.id);
const q = (text: string) => `q=${encodeURIComponent(text)}`;

describe('GET /users search', () => {
  it('finds Cyrillic fragments case-insensitively, with ё = е', async () => {
    for (const text of ['ёлк', 'ЁЛК', 'елк', 'Елк']) {
      const found = ids(await search(q(text)));
      expect(found).toContain(people.yolkin?.id);
      expect(found).toContain(people.elkina?.id);
    }
    expect(ids(await search(q('ёлкин')))).toContain(people.yolkin?.id);
  });

  it('requires every token to match', async () => {
    expect(ids(await search(q('елк пётр')))).toEqual([people.yolkin?.id]);
    expect(ids(await search(q('елк анна')))).toEqual([people.elkina?.id]);
    expect((await search(q('елк джон'))).total).toBe(0);
  });

  it('finds Latin names, emails and usernames', async () => {
    expect(ids(await search(q('SMI')))).toEqual([people.smith?.id]);
    expect(ids(await search(q('john.smith@corp')))).toEqual([people.smith?.id]);
    const username = people.smith?.username ?? '';
    expect(ids(await search(q(username)))).toEqual([people.smith?.id]);
  });

  it('finds phone fragments in any common format', async () => {
    for (const text of ['+7 916 123', '8(916)123-45', '1234567', '916-123-45-67', '89161234567']) {
      expect(ids(await search(q(text))), text).toEqual([people.yolkin?.id]);
    }
    expect(ids(await search(q('Ёлкин +7 916')))).toEqual([people.yolkin?.id]);
    expect(await search(q('+7 999 000'))).toMatchObject({ total: 0 });
  });

  it('matches short tokens at word starts', async () => {
    expect(ids(await search(q('ёл')))).toEqual(
      expect.arrayContaining([people.yolkin?.id, people.elkina?.id]),
    );
    expect(ids(await search(q('лк')))).toEqual([]);
  });

  it('treats SQL and LDAP syntax and LIKE wildcards as literal text', async () => {
    for (const text of ["' OR 1=1 --", '*)(uid=*))(|(uid=*', "'; drop table app_user; --"]) {
      expect((await search(q(text))).total, text).toBe(0);
    }
    expect(ids(await search(q('%')))).toEqual([people.percent?.id]);
    expect(ids(await search(q('сто%проц')))).toEqual([people.percent?.id]);
    expect(ids(await search(q('_')))).toEqual([people.percent?.id]);
    expect(ids(await search(q('ян_под')))).toEqual([people.percent?.id]);
    expect(ids(await search(q('\\')))).toEqual([people.backslash?.id]);
    expect(ids(await search(q('ный\\сл')))).toEqual([people.backslash?.id]);
    const em = context.services.orm.em.fork();
    const [row] = await em.execute<{ n: number }[]>('select count(*)::int as n from app_user');
    expect(row?.n).toBeGreaterThanOrEqual(8);
  });
});

describe('GET /users filters and sorting', () => {
  it('filters by organization, space, status, source, added by and role', async () => {
    expect(ids(await search(`organizationId=${organizationId}`))).toEqual([people.yolkin?.id]);
    const org = (await search(`organizationId=${organizationId}`)).data[0];
    expect(org?.organization).toEqual({ id: organizationId, name: 'Бухгалтерия' });
    expect(org?.addedBy).toEqual({
      id: adder.id,
      displayName: adder.displayName,
      fullName: `${adder.familyName} ${adder.givenName}`,
    });
    expect(ids(await search(`spaceId=${spaceId}`))).toEqual([people.smith?.id]);
    expect(ids(await search('status=pending'))).toEqual([people.elkina?.id]);
    expect(ids(await search('status=deactivated'))).toEqual([people.abramov?.id]);
    expect(ids(await search('source=ad'))).toEqual([people.smith?.id]);
    expect(ids(await search(`addedBy=${adder.id}`))).toEqual([people.yolkin?.id]);
    expect((await search('role=staff')).data.map((u) => u.familyName)).toEqual(['Zzсотрудник']);
    expect((await search('role=none')).data.every((u) => u.role === null)).toBe(true);
    expect(ids(await search(`${q('елк')}&status=active`))).toEqual([people.yolkin?.id]);
  });

  it('sorts names with Cyrillic collation, in both directions, and pages', async () => {
    const names = (await search('sort=name&limit=200')).data.map((u) => u.familyName);
    const abramov = names.indexOf('Абрамов');
    expect(abramov).toBeGreaterThanOrEqual(0);
    // ICU collation: Ё sorts with Е (between Д and Ж), not after Я as in code-point order.
    expect(names.indexOf('Ёлкин')).toBeGreaterThan(abramov);
    expect(names.indexOf('Ёлкин')).toBeLessThan(names.indexOf('Сто%Процентов'));
    const reversed = (await search('sort=name&order=desc&limit=200')).data.map((u) => u.familyName);
    expect(reversed).toEqual([...names].reverse());
    const page = await search('sort=name&offset=1&limit=2');
    expect(page.data.map((u) => u.familyName)).toEqual(names.slice(1, 3));
    expect(page.total).toBe(names.length);
  });

  it('sorts by creation, update and status', async () => {
    const created = (await search('sort=createdAt&order=desc&limit=200')).data;
    const times = created.map((u) => u.createdAt);
    expect(times).toEqual([...times].sort().reverse());
    const statuses = (await search('sort=status&limit=200')).data.map((u) => u.status);
    expect(statuses).toEqual([...statuses].sort());
    expect((await search('sort=updatedAt')).data.length).toBeGreaterThan(0);
  });
});

describe('the count of a broad search (issue 17, scope 3)', () => {
  it('stops after SEARCH_COUNT_CAP matches and says so; exactTotal=true counts them all', async () => {
    await context.services.pool.query(
      `insert into app_user (id, family_name, given_name, display_name, status, created_at, updated_at, version)
       select gen_random_uuid(), 'Широкопоисков' || n, 'Иван', 'Иван Широкопоисков' || n, 'active',
              now(), now(), 1
         from generate_series(1, 1005) as n`,
    );
    const broad = await api.get<Page & { totalIsEstimate: boolean }>(
      `/api/v1/users?q=${encodeURIComponent('широкопоисков')}&limit=25`,
    );
    expect(broad.status).toBe(200);
    expect(broad.body).toMatchObject({ total: SEARCH_COUNT_CAP, totalIsEstimate: true });
    expect(broad.body.data).toHaveLength(25);
    const exact = await api.get<Page & { totalIsEstimate: boolean }>(
      `/api/v1/users?q=${encodeURIComponent('широкопоисков')}&limit=1&exactTotal=true`,
    );
    expect(exact.body).toMatchObject({ total: 1005, totalIsEstimate: false });
    const narrow = await api.get<Page & { totalIsEstimate: boolean }>(
      `/api/v1/users?q=${encodeURIComponent('широкопоисков100')}&limit=25`,
    );
    // «…100», «…1000» … «…1005»: seven matches, counted exactly.
    expect(narrow.body).toMatchObject({ total: 7, totalIsEstimate: false });
    const bad = await api.get<{ code: string; errors: { path: string }[] }>(
      '/api/v1/users?exactTotal=yes',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]?.path).toBe('exactTotal');
  });
});

describe('the page of a search reads at most SEARCH_COUNT_CAP + 1 matches (issue 17, scope 3)', () => {
  type Estimated = Page & { totalIsEstimate: boolean };
  const ids = (page: Page) => page.data.map((user) => user.id);

  beforeAll(async () => {
    // Given names in reverse of insertion order, so that the name order is not the table's.
    await context.services.pool.query(
      `insert into app_user (id, family_name, given_name, display_name, status, created_at, updated_at, version)
       select gen_random_uuid(), 'Многопоисков', 'Имя' || lpad((2000 - n)::text, 4, '0'),
              'Многопоисков ' || n, 'active', now(), now(), 1
         from generate_series(1, 1010) as n`,
    );
  });

  it('orders and pages up to SEARCH_COUNT_CAP matches exactly as the full count does', async () => {
    // «имя10…»: the given names 1000–1099 (100 matches, under the cap): exact.
    expect(SEARCH_COUNT_CAP).toBeGreaterThanOrEqual(100);
    const q = encodeURIComponent('многопоисков имя10');
    for (const [sort, order] of [
      ['name', 'asc'],
      ['name', 'desc'],
      ['createdAt', 'desc'],
    ]) {
      for (const offset of [0, 25, 75]) {
        const query = `/api/v1/users?q=${q}&sort=${sort}&order=${order}&limit=25&offset=${offset}`;
        const bounded = await api.get<Estimated>(query);
        const exact = await api.get<Estimated>(`${query}&exactTotal=true`);
        expect(bounded.status).toBe(200);
        expect(bounded.body).toMatchObject({ total: 100, totalIsEstimate: false });
        expect(ids(bounded.body)).toEqual(ids(exact.body));
      }
    }
    const first = await api.get<Estimated>(`/api/v1/users?q=${q}&sort=name&limit=3`);
    expect(first.body.data.map((user) => user.givenName)).toEqual([
      'Имя1000',
      'Имя1001',
      'Имя1002',
    ]);
  });

  it('beyond the cap orders the page within the first matches found and ends paging there', async () => {
    const cap = SEARCH_COUNT_CAP;
    const q = encodeURIComponent('многопоисков');
    const broad = await api.get<Estimated>(`/api/v1/users?q=${q}&sort=name&limit=100`);
    expect(broad.body).toMatchObject({ total: cap, totalIsEstimate: true });
    const names = broad.body.data.map((user) => user.givenName ?? '');
    expect(names).toHaveLength(100);
    expect(names).toEqual([...names].sort());
    // Pages are a partition of the same candidates: no person twice across pages.
    const next = await api.get<Estimated>(`/api/v1/users?q=${q}&sort=name&limit=100&offset=100`);
    expect(ids(next.body).filter((id) => ids(broad.body).includes(id))).toEqual([]);
    expect((next.body.data[0]?.givenName ?? '') >= (names.at(-1) ?? '')).toBe(true);
    // The last candidate page, then nothing: the count still says "more than the cap".
    const last = await api.get<Estimated>(`/api/v1/users?q=${q}&sort=name&limit=25&offset=${cap}`);
    expect(last.body.data).toHaveLength(1);
    const past = await api.get<Estimated>(
      `/api/v1/users?q=${q}&sort=name&limit=25&offset=${cap + 25}`,
    );
    expect(past.status).toBe(200);
    expect(past.body).toMatchObject({ data: [], total: cap, totalIsEstimate: true });
    const exact = await api.get<Estimated>(`/api/v1/users?q=${q}&limit=1&exactTotal=true`);
    expect(exact.body).toMatchObject({ total: 1010, totalIsEstimate: false });
  });
});
