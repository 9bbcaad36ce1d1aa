import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFilter } from '../../server/sources/hr/scim/filter.ts';
import { filterToSql } from '../../server/sources/hr/scim/filterSql.ts';
import { USER_COLUMNS } from '../../server/sources/hr/scim/users/list.ts';
import { createPerson } from '../support/factories.ts';
import type { TestContext } from '../support/harness.ts';
import {
  ENTERPRISE,
  expectScimError,
  GROUP_SCHEMA,
  ScimClient,
  scimUser,
  startScimContext,
} from './scimSupport.ts';

/*
 * Issue 12: SCIM attribute values against the text of RFC 7643 (the schema) and RFC 7644 §3.12
 * (errors). Each test quotes the section it checks. Deletion and 405: scim-rfc7644.test.ts.
 */

let context: TestContext;
let scim: ScimClient;

beforeAll(async () => {
  context = await startScimContext();
  scim = new ScimClient(context.baseUrl);
});

afterAll(async () => {
  await context?.close();
});

type Body = Record<string, unknown>;
const tag = `r${Date.now().toString(36)}`;

const filtered = (filter: string, extra = '') =>
  scim.get(`/Users?filter=${encodeURIComponent(filter)}${extra}`);
const ids = (res: { body: Body }) => (res.body.Resources as Body[]).map((r) => r.id);

async function stored(userId: string) {
  const { rows } = await context.services.pool.query(
    'select username, scim_user_name, email from app_user where id = $1',
    [userId],
  );
  return rows[0];
}

describe('userName (RFC 7643 §4.1.1, caseExact false)', () => {
  /*
   * RFC 7643 §4.1.1: "userName  A service provider's unique identifier for the user, typically
   * used by the user to directly authenticate to the service provider. [...] Each User MUST
   * include a non-empty userName value. This identifier MUST be unique across the service
   * provider's entire set of Users." (§8.7.1: "caseExact" : false, "uniqueness" : "server")
   * RFC 7643 §7: "caseExact  A Boolean value that specifies whether or not a string attribute is
   * case sensitive. The server SHALL use case sensitivity when evaluating filters. [...] If the
   * attribute is case insensitive, the server MAY alter case for a submitted value."
   * We do not alter it: Entra ID and Okta match their users on the userName they sent.
   */
  it('answers userName as sent and finds it case-insensitively', async () => {
    const userName = `Olga.Kuz.${tag}@Corp.Example`;
    const res = await scim.post('/Users', scimUser({ userName, emails: undefined }));
    expect(res.status, res.text).toBe(201);
    const id = res.body.id as string;
    expect(res.body.userName).toBe(userName);
    expect((await scim.get(`/Users/${id}`)).body.userName).toBe(userName);
    // Our login stays derived (lower-cased local part); the userName is kept beside it.
    expect(await stored(id)).toMatchObject({
      username: `olga.kuz.${tag}`,
      scim_user_name: userName,
      email: `olga.kuz.${tag}@corp.example`,
    });

    for (const filter of [
      `userName eq "${userName.toLowerCase()}"`,
      `userName eq "${userName.toUpperCase()}"`,
      `userName eq "${userName}"`,
      `USERNAME Eq "${userName.toLowerCase()}"`,
      `userName sw "OLGA.KUZ.${tag}@"`,
      `userName ew "@corp.example" and userName co "kuz.${tag}"`,
    ]) {
      const found = await filtered(filter);
      expect(found.status, found.text).toBe(200);
      expect(ids(found), filter).toEqual([id]);
      expect((found.body.Resources as Body[])[0]?.userName).toBe(userName);
    }
    expect(ids(await filtered(`userName eq "olga.kuz.${tag}"`))).toEqual([]);
    expect(
      ids(await filtered(`userName ne "${userName.toLowerCase()}" and id eq "${id}"`)),
    ).toEqual([]);
  });

  /*
   * RFC 7643 §4.1.1 (as above): "This identifier MUST be unique across the service provider's
   * entire set of Users." With "caseExact" false, two values differing only in case are the
   * same userName. RFC 7644 §3.3: "If the service provider determines that the creation of the
   * requested resource conflicts with existing resources (e.g., a "User" resource with a
   * duplicate "userName"), the service provider MUST return HTTP status code 409 (Conflict) with
   * a "scimType" error code of "uniqueness"".
   */
  it('refuses a userName that differs only in case (409 uniqueness), and takes a case change', async () => {
    const userName = `Case.${tag}@Corp.Example`;
    const first = await scim.post('/Users', scimUser({ userName }));
    expect(first.status, first.text).toBe(201);
    expectScimError(
      await scim.post('/Users', scimUser({ userName: userName.toUpperCase() })),
      409,
      'uniqueness',
    );
    const id = first.body.id as string;
    const renamed = await scim.patch(`/Users/${id}`, [
      { op: 'replace', path: 'userName', value: userName.toLowerCase() },
    ]);
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body.userName).toBe(userName.toLowerCase());
    expect(renamed.headers.get('etag')).not.toBe(first.headers.get('etag'));
    expect((await stored(id)).scim_user_name).toBe(userName.toLowerCase());
  });

  /*
   * RFC 7644 §3.4.2.3: "String type attributes are case insensitive by default, unless the
   * attribute type is defined as a case-exact string. "sortOrder" MUST sort according to the
   * attribute type; i.e., for case-insensitive attributes, sort the result using
   * case-insensitive Unicode alphabetic sort order with no specific locale implied".
   */
  it('sorts by userName as compared (case-insensitively)', async () => {
    for (const name of [`b.${tag}@x.example`, `A.${tag}@x.example`, `C.${tag}@x.example`]) {
      const res = await scim.post('/Users', scimUser({ userName: `Sort.${name}` }));
      expect(res.status, res.text).toBe(201);
    }
    const names = async (order: string) =>
      (
        (await filtered(`userName sw "sort."`, `&sortBy=userName&sortOrder=${order}`)).body
          .Resources as Body[]
      ).map((r) => r.userName);
    expect(await names('ascending')).toEqual([
      `Sort.A.${tag}@x.example`,
      `Sort.b.${tag}@x.example`,
      `Sort.C.${tag}@x.example`,
    ]);
    expect(await names('descending')).toEqual([
      `Sort.C.${tag}@x.example`,
      `Sort.b.${tag}@x.example`,
      `Sort.A.${tag}@x.example`,
    ]);
  });

  /*
   * RFC 7644 §3.4.2.2: "eq  equal  The attribute and operator values must be identical for a
   * match." People made before userName was stored (or made by hand) answer with their login,
   * and to their email-like userName as before (Entra matches on its UPN).
   */
  it('answers for people made outside SCIM with their login, and finds them as before', async () => {
    const login = `legacy.${tag}`;
    const person = await createPerson(context.services, {
      username: login,
      email: `${login}@corp.example`,
    });
    const read = await scim.get(`/Users/${person.id}`);
    expect(read.body.userName).toBe(login);
    expect(ids(await filtered(`userName eq "${login.toUpperCase()}"`))).toEqual([person.id]);
    expect(ids(await filtered(`userName eq "Legacy.${tag}@Corp.Example"`))).toEqual([person.id]);
    // A change that leaves userName alone does not store it: the login still stands for it.
    const patched = await scim.patch(`/Users/${person.id}`, [
      { op: 'replace', path: 'title', value: 'Бухгалтер' },
    ]);
    expect(patched.status, patched.text).toBe(200);
    expect((await stored(person.id)).scim_user_name).toBeNull();
    // The identity provider's own value, once sent, is kept as sent.
    const put = await scim.put(`/Users/${person.id}`, {
      ...read.body,
      userName: `Legacy.${tag}@Corp.Example`,
    });
    expect(put.status, put.text).toBe(200);
    expect(put.body.userName).toBe(`Legacy.${tag}@Corp.Example`);
    expect((await stored(person.id)).username).toBe(login);
  });

  /*
   * RFC 7644 §3.4.2.2: "sw  starts with  The entire operator value must be a substring of the
   * attribute value, starting at the beginning of the attribute value." Filters run in PostgreSQL;
   * eq and sw on userName go through app_user_scim_user_name_idx (100,000 people, docs/scim.md).
   */
  it('serves userName eq and sw from the userName index', async () => {
    const plan = async (filter: string): Promise<string> => {
      const where = filterToSql(parseFilter(filter), USER_COLUMNS);
      const client = await context.services.pool.connect();
      try {
        await client.query('begin');
        await client.query('set local enable_seqscan = off');
        const { rows } = await client.query(
          `explain (format json) select u.id from app_user u where ${where.sql}`,
          where.params,
        );
        return JSON.stringify(rows);
      } finally {
        await client.query('rollback');
        client.release();
      }
    };
    for (const filter of [
      'userName eq "olga.kuz@corp.example"',
      'userName eq "olga"',
      'userName sw "olga.k"',
    ])
      expect(await plan(filter), filter).toContain('app_user_scim_user_name_idx');
  });
});

describe('control characters and unpaired surrogates (RFC 7644 §3.12 invalidValue)', () => {
  const BAD = ['a\u0000b', 'a\u0007b', 'tab\there', 'a\u001fb', 'a\ud800b', '\udc00a'];

  /*
   * RFC 7644 §3.12, Table 9: "invalidValue  A required value was missing, or the value specified
   * was not compatible with the operation or attribute type (see Section 2.2 of [RFC7643]), or
   * resource schema (see Section 4 of [RFC7643])." (400)
   * RFC 7643 §2.3.1: "String  A sequence of zero or more Unicode characters encoded using UTF-8"
   * — an unpaired surrogate is not a Unicode character, and PostgreSQL stores no NUL: such values
   * are refused, never a 500.
   */
  it('refuses them in a Group displayName and externalId (POST, PUT, PATCH)', async () => {
    const group = await scim.post('/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: `Chars ${tag}`,
    });
    expect(group.status, group.text).toBe(201);
    const path = `/Groups/${group.body.id}`;
    for (const bad of BAD) {
      expectScimError(
        await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: bad }),
        400,
        'invalidValue',
      );
      expectScimError(
        await scim.post('/Groups', {
          schemas: [GROUP_SCHEMA],
          displayName: `Ext ${tag}`,
          externalId: bad,
        }),
        400,
        'invalidValue',
      );
      expectScimError(
        await scim.put(path, { schemas: [GROUP_SCHEMA], displayName: bad }),
        400,
        'invalidValue',
      );
      expectScimError(
        await scim.put(path, {
          schemas: [GROUP_SCHEMA],
          displayName: `Chars ${tag}`,
          externalId: bad,
        }),
        400,
        'invalidValue',
      );
      expectScimError(
        await scim.patch(path, [{ op: 'replace', path: 'displayName', value: bad }]),
        400,
        'invalidValue',
      );
      expectScimError(
        await scim.patch(path, [{ op: 'replace', value: { externalId: bad } }]),
        400,
        'invalidValue',
      );
    }
    // A character outside the BMP (a well-formed pair) is fine.
    const emoji = await scim.post('/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: `Команда 🚀 ${tag}`,
      externalId: `ext-🚀-${tag}`,
    });
    expect(emoji.status, emoji.text).toBe(201);
    expect(emoji.body.displayName).toBe(`Команда 🚀 ${tag}`);
  });

  /* RFC 7644 §3.12, Table 9, and RFC 7643 §2.3.1, as above. */
  it('refuses them in a User externalId (POST, PUT, PATCH) and other stored strings', async () => {
    const user = await scim.post('/Users', scimUser());
    expect(user.status, user.text).toBe(201);
    const path = `/Users/${user.body.id}`;
    for (const bad of BAD) {
      expectScimError(
        await scim.post('/Users', scimUser({ externalId: bad })),
        400,
        'invalidValue',
      );
      expectScimError(await scim.put(path, { ...user.body, externalId: bad }), 400, 'invalidValue');
      expectScimError(
        await scim.patch(path, [{ op: 'replace', path: 'externalId', value: bad }]),
        400,
        'invalidValue',
      );
    }
    for (const overrides of [
      { userName: `nul.${tag}@corp\u0000.example` },
      { displayName: 'a\u0000b' },
      { title: 'a\ud800' },
      { name: { familyName: 'a\u0000', givenName: 'b' } },
      { [ENTERPRISE]: { employeeNumber: '1\u0000', department: 'x' } },
      { [ENTERPRISE]: { department: 'Отдел\u0000' } },
    ])
      expectScimError(await scim.post('/Users', scimUser(overrides)), 400, 'invalidValue');
    // Nothing was written.
    const { rows } = await context.services.pool.query(
      `select count(*)::int as n from app_user where scim_external_id like '%' || chr(65533) || '%'`,
    );
    expect(rows[0].n).toBe(0);
  });

  /*
   * RFC 7644 §3.12, Table 9: "invalidFilter  The specified filter syntax was invalid (does not
   * comply with Figure 1), or the specified attribute and filter comparison combination is not
   * supported." No stored value holds these characters, and PostgreSQL takes no NUL.
   */
  it('refuses them in filter values (400 invalidFilter)', async () => {
    for (const value of ['\\u0000', '\\u0007', '\\ud800'])
      expectScimError(await filtered(`externalId eq "a${value}b"`), 400, 'invalidFilter');
  });
});
