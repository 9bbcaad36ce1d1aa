import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFilter } from '../../server/sources/hr/scim/filter.ts';
import { escapeLike, filterToSql } from '../../server/sources/hr/scim/filterSql.ts';
import { USER_COLUMNS } from '../../server/sources/hr/scim/users/list.ts';
import type { TestContext } from '../support/harness.ts';
import { ENTERPRISE, ScimClient, scimUser, startScimContext } from './scimSupport.ts';

describe('SCIM filter parser', () => {
  it('gives not > and > or precedence and honours parentheses', () => {
    expect(parseFilter('a eq 1 or b eq 2 and c eq 3')).toEqual({
      kind: 'or',
      left: { kind: 'compare', path: 'a', op: 'eq', value: 1 },
      right: {
        kind: 'and',
        left: { kind: 'compare', path: 'b', op: 'eq', value: 2 },
        right: { kind: 'compare', path: 'c', op: 'eq', value: 3 },
      },
    });
    expect(parseFilter('(a eq 1 or b eq 2) and not (c pr)')).toEqual({
      kind: 'and',
      left: {
        kind: 'or',
        left: { kind: 'compare', path: 'a', op: 'eq', value: 1 },
        right: { kind: 'compare', path: 'b', op: 'eq', value: 2 },
      },
      right: { kind: 'not', expr: { kind: 'present', path: 'c' } },
    });
  });

  it('reads value paths, URNs, escapes and literals', () => {
    expect(parseFilter('emails[type eq "work"].value co "x"')).toEqual({
      kind: 'and',
      left: { kind: 'compare', path: 'emails.type', op: 'eq', value: 'work' },
      right: { kind: 'compare', path: 'emails.value', op: 'co', value: 'x' },
    });
    expect(parseFilter(`${ENTERPRISE}:employeeNumber EQ "1"`)).toMatchObject({
      path: `${ENTERPRISE}:employeeNumber`,
      op: 'eq',
    });
    expect(parseFilter('title eq "a \\"b\\""')).toMatchObject({ value: 'a "b"' });
    expect(parseFilter('x eq null')).toMatchObject({ value: null });
    expect(parseFilter('x eq false')).toMatchObject({ value: false });
  });

  it('translates to parameterized SQL, values never inlined', () => {
    const sql = filterToSql(parseFilter('userName sw "iv%" and not (title co "x")'), USER_COLUMNS);
    const userName = 'lower(coalesce(u.scim_user_name, u.username)) collate "C"';
    expect(sql.sql).toBe(`(${userName} like $1 and (not coalesce(lower(u.title) like $2, false)))`);
    expect(sql.params).toEqual(['iv\\%%', '%x%']);
    expect(escapeLike('a_b%c\\')).toBe('a\\_b\\%c\\\\');
    const injection = filterToSql(
      parseFilter(`userName eq "x'; drop table app_user; --"`),
      USER_COLUMNS,
    );
    expect(injection.sql).toBe(`${userName} = $1`);
  });
});

describe('SCIM filters over HTTP', () => {
  let context: TestContext;
  let scim: ScimClient;
  const tag = `f${Date.now().toString(36)}`;

  beforeAll(async () => {
    context = await startScimContext();
    scim = new ScimClient(context.baseUrl);
    const rows: [string, string, string, boolean, string][] = [
      ['ivanov', 'Иванов', 'Иван', true, 'Отдел А'],
      ['ivanova', 'Иванова', 'Мария', false, 'Отдел Б'],
      ['petrov', 'Петров', 'Пётр', true, 'Отдел А'],
      ['sidorov', 'Сидоров', 'Сидор', true, 'Отдел Б'],
    ];
    for (const [login, family, given, active, department] of rows) {
      const res = await scim.post(
        '/Users',
        scimUser({
          userName: `${tag}.${login}`,
          name: { familyName: family, givenName: given },
          emails: [{ value: `${login}.${tag}@corp.example`, type: 'work' }],
          title: login === 'petrov' ? null : 'Инженер',
          active,
          [ENTERPRISE]: { employeeNumber: `${tag}-${login}`, department },
        }),
      );
      expect(res.status, res.text).toBe(201);
    }
  });

  afterAll(async () => {
    await context?.close();
  });

  const names = async (filter: string, extra = '') => {
    const res = await scim.get(
      `/Users?filter=${encodeURIComponent(filter)}&sortBy=userName${extra}`,
    );
    expect(res.status, res.text).toBe(200);
    return (res.body.Resources as { userName: string }[]).map((r) =>
      r.userName.replace(`${tag}.`, ''),
    );
  };
  const mine = (filter: string) => `userName sw "${tag}." and (${filter})`;

  it('supports every comparison operator', async () => {
    expect(await names(mine('name.familyName eq "иванов"'))).toEqual(['ivanov']);
    expect(await names(mine('name.familyName ne "Иванов"'))).toEqual([
      'ivanova',
      'petrov',
      'sidorov',
    ]);
    expect(await names(mine('emails.value co "IVANOV"'))).toEqual(['ivanov', 'ivanova']);
    expect(await names(mine('emails[type eq "work"].value sw "petrov"'))).toEqual(['petrov']);
    expect(await names(mine('userName ew "ova"'))).toEqual(['ivanova']);
    expect(await names(mine('title pr'))).toEqual(['ivanov', 'ivanova', 'sidorov']);
    expect(await names(mine('name.familyName gt "Петров"'))).toEqual(['sidorov']);
    expect(await names(mine('name.familyName ge "Петров"'))).toEqual(['petrov', 'sidorov']);
    expect(await names(mine('name.familyName lt "Иванова"'))).toEqual(['ivanov']);
    expect(await names(mine('name.familyName le "Иванова"'))).toEqual(['ivanov', 'ivanova']);
    expect(await names(mine('meta.created gt "2000-01-01T00:00:00Z"'))).toHaveLength(4);
    expect(await names(mine(`${ENTERPRISE}:employeeNumber eq "${tag}-sidorov"`))).toEqual([
      'sidorov',
    ]);
    expect(await names(mine(`${ENTERPRISE}:department eq "отдел а"`))).toEqual([
      'ivanov',
      'petrov',
    ]);
    expect(await names(mine('active eq false'))).toEqual(['ivanova']);
  });

  it('combines with and, or, not and parentheses', async () => {
    expect(await names(mine('name.familyName eq "Иванов" and active eq true'))).toEqual(['ivanov']);
    expect(
      await names(mine('userName ew "petrov" or userName ew "sidorov" and active eq false')),
    ).toEqual(['petrov']);
    expect(
      await names(mine('(userName ew "petrov" or userName ew "sidorov") and active eq true')),
    ).toEqual(['petrov', 'sidorov']);
    // not() keeps people without the attribute (petrov has no title).
    expect(await names(mine('not (title eq "Инженер")'))).toEqual(['petrov']);
    expect(await names(mine('not (userName ew "ov" or active eq false)'))).toEqual([]);
    expect(await names(mine('not (userName ew "ov" and active eq true)'))).toEqual(['ivanova']);
  });

  it('pages, sorts, counts and projects', async () => {
    const page = await scim.get(
      `/Users?filter=${encodeURIComponent(`userName sw "${tag}."`)}&startIndex=2&count=2&sortBy=name.familyName&sortOrder=descending&attributes=userName`,
    );
    expect(page.body).toMatchObject({ totalResults: 4, startIndex: 2, itemsPerPage: 2 });
    const resources = page.body.Resources as Record<string, unknown>[];
    expect(resources.map((r) => r.userName)).toEqual([`${tag}.petrov`, `${tag}.ivanova`]);
    expect(Object.keys(resources[0] as object).sort()).toEqual(['id', 'schemas', 'userName']);
    const counted = await scim.get(
      `/Users?filter=${encodeURIComponent(`userName sw "${tag}."`)}&count=0`,
    );
    expect(counted.body).toMatchObject({ totalResults: 4, itemsPerPage: 0, Resources: [] });
    const excluded = await scim.get(
      `/Users?filter=${encodeURIComponent(`userName eq "${tag}.petrov"`)}&excludedAttributes=emails,${ENTERPRISE}`,
    );
    const one = (excluded.body.Resources as Record<string, unknown>[])[0] as Record<
      string,
      unknown
    >;
    expect(one.emails).toBeUndefined();
    expect(one[ENTERPRISE]).toBeUndefined();
    expect(one.name).toBeDefined();
  });

  it('searches with POST /.search', async () => {
    const res = await scim.post('/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: `userName sw "${tag}." and active eq true`,
      sortBy: 'userName',
      count: 10,
      attributes: ['userName'],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.totalResults).toBe(3);
  });
});
