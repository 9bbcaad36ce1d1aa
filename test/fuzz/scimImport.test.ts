import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { GROUP_SCHEMA, PATCH, scimUser } from '../hr/scimSupport.ts';
import {
  encodeForUrl,
  hostileParam,
  hostileValue,
  MALFORMED_BODIES,
  queryString,
} from './arbitraries.ts';
import {
  type ActorKind,
  type FuzzRequest,
  fuzz,
  idPool,
  SCIM_HEADERS,
  startFuzzWorld,
} from './fuzzSupport.ts';

/*
 * Issue 12: the two doors that are not in the OpenAPI document — SCIM 2.0 (where the first 500s
 * were found) and the HR file upload (multipart) — fuzzed the same way: no 5xx, no dropped
 * connection.
 */

const world = await startFuzzWorld();
afterAll(() => world.context.close());

const scimActor = {
  kind: 'anonymous' as ActorKind,
  client:
    world.actors.get('anonymous')?.client ??
    (() => {
      throw new Error('no client');
    })(),
  headers: SCIM_HEADERS,
  async renew() {},
};

const SCIM_JSON = { 'content-type': 'application/scim+json' };
const USER_PATHS = [
  'active',
  'displayName',
  'name.familyName',
  'title',
  'externalId',
  'userName',
  'emails[type eq "work"].value',
  'phoneNumbers',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
  'members',
  'members[value eq "x"]',
  'displayName\u0000',
  'name[',
  '',
];
const FILTER_ATTRIBUTES = [
  'userName',
  'externalId',
  'displayName',
  'name.familyName',
  'emails.value',
  'active',
  'meta.lastModified',
  'id',
  'members.value',
  'x\u0000',
  'emails[type eq "work"]',
];
const FILTER_OPERATORS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr', 'zz'];

/** A value put in place of one leaf of a valid SCIM body. */
function mutate(
  body: Record<string, unknown>,
  key: string,
  value: unknown,
): Record<string, unknown> {
  if (key === '__drop__') return body;
  const [outer, inner] = key.split('.');
  if (inner && outer && typeof body[outer] === 'object' && body[outer] !== null)
    return { ...body, [outer]: { ...(body[outer] as Record<string, unknown>), [inner]: value } };
  return { ...body, [key]: value };
}

const userKeys = fc.constantFrom(
  'userName',
  'externalId',
  'displayName',
  'name.familyName',
  'name.givenName',
  'title',
  'active',
  'emails',
  'phoneNumbers',
  'schemas',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  'unknownAttr',
  'id',
  'meta',
);
const groupKeys = fc.constantFrom(
  'displayName',
  'externalId',
  'members',
  'schemas',
  'unknownAttr',
  'id',
);

function bodies(kind: 'Users' | 'Groups', pool: string[]): fc.Arbitrary<string> {
  const base = () =>
    kind === 'Users'
      ? scimUser()
      : {
          schemas: [GROUP_SCHEMA],
          displayName: `Fuzz group ${Math.random().toString(36).slice(2)}`,
          members: pool.slice(0, 2).map((value) => ({ value })),
        };
  const mutated = fc
    .tuple(kind === 'Users' ? userKeys : groupKeys, hostileValue, fc.boolean())
    .map(([key, value, keep]) => JSON.stringify(keep ? base() : mutate(base(), key, value)));
  return fc.oneof(
    { weight: 4, arbitrary: mutated },
    { weight: 1, arbitrary: fc.constantFrom(...MALFORMED_BODIES) },
  );
}

function patchBodies(pool: string[]): fc.Arbitrary<string> {
  const operation = fc.record({
    op: fc.constantFrom('add', 'replace', 'remove', 'Replace', 'copy', '\u0000'),
    path: fc.option(fc.oneof(fc.constantFrom(...USER_PATHS), hostileParam), { freq: 3 }),
    value: fc.oneof(
      hostileValue,
      fc.constantFrom(
        false,
        true,
        'Новое имя',
        pool.map((value) => ({ value })),
      ),
    ),
  });
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .array(operation, { minLength: 1, maxLength: 3 })
        .map((Operations) => JSON.stringify({ schemas: [PATCH], Operations })),
    },
    {
      weight: 1,
      arbitrary: hostileValue.map((value) =>
        JSON.stringify({ schemas: [PATCH], Operations: value }),
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom(...MALFORMED_BODIES) },
  );
}

const filters = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...FILTER_ATTRIBUTES),
      fc.constantFrom(...FILTER_OPERATORS),
      fc.oneof(hostileParam, fc.string({ maxLength: 10 })),
    )
    .map(([attribute, operator, value]) => `${attribute} ${operator} ${JSON.stringify(value)}`),
  fc.constantFrom(
    'not (userName eq "a")',
    '(',
    'userName eq',
    'userName eq "a" and',
    'a'.repeat(5000),
    '"\\',
    'userName eq "\\u0000"',
  ),
  hostileParam,
);

const listQuery = fc
  .record({
    filter: fc.option(filters, { freq: 2 }),
    startIndex: fc.option(fc.oneof(fc.integer({ min: -5, max: 100 }).map(String), hostileParam), {
      freq: 3,
    }),
    count: fc.option(fc.oneof(fc.integer({ min: -5, max: 2000 }).map(String), hostileParam), {
      freq: 3,
    }),
    attributes: fc.option(
      fc.oneof(fc.constantFrom('userName,name.familyName', 'members', 'x'), hostileParam),
      { freq: 3 },
    ),
    sortBy: fc.option(fc.oneof(fc.constantFrom('userName', 'meta.created'), hostileParam), {
      freq: 4,
    }),
  })
  .map((query) =>
    queryString(Object.entries(query).map(([name, value]) => [name, value ?? undefined])),
  );

async function scimIds(kind: 'Users' | 'Groups'): Promise<string[]> {
  return (await idPool(world, kind)).uuids;
}

function idArbitrary(ids: string[]): fc.Arbitrary<string> {
  const real = ids.length > 0 ? fc.constantFrom(...ids) : fc.uuid();
  return fc
    .oneof({ weight: 3, arbitrary: real }, { weight: 1, arbitrary: hostileParam })
    .map(encodeForUrl);
}

describe('fuzz: SCIM 2.0 (bearer token of the configured client)', () => {
  for (const kind of ['Users', 'Groups'] as const) {
    const scim = (method: string, path: string, body?: string): FuzzRequest => ({
      method,
      path: `/scim/v2/${kind}${path}`,
      headers: SCIM_JSON,
      ...(body === undefined ? {} : { body }),
    });
    it(`${kind}: list, search, create never answer 5xx`, async () => {
      const members = await scimIds('Users');
      const findings = [
        await fuzz(
          scimActor,
          listQuery.map((query) => scim('GET', query)),
        ),
        await fuzz(
          scimActor,
          fc.oneof(listQuery, fc.constant('')).chain(() =>
            fc.record({ filter: filters, count: fc.integer({ min: -1, max: 50 }) }).map((search) =>
              scim(
                'POST',
                '/.search',
                JSON.stringify({
                  schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
                  ...search,
                }),
              ),
            ),
          ),
        ),
        await fuzz(
          scimActor,
          bodies(kind, members).map((body) => scim('POST', '', body)),
        ),
      ];
      expect(findings.filter(Boolean)).toEqual([]);
    });
    it(`${kind}/{id}: get, replace, patch, delete never answer 5xx`, async () => {
      const ids = await scimIds(kind);
      const members = await scimIds('Users');
      const findings = [
        await fuzz(
          scimActor,
          fc.tuple(idArbitrary(ids), listQuery).map(([id, query]) => scim('GET', `/${id}${query}`)),
        ),
        await fuzz(
          scimActor,
          fc
            .tuple(idArbitrary(ids), bodies(kind, members))
            .map(([id, body]) => scim('PUT', `/${id}`, body)),
        ),
        await fuzz(
          scimActor,
          fc
            .tuple(idArbitrary(ids), patchBodies(members))
            .map(([id, body]) => scim('PATCH', `/${id}`, body)),
        ),
        await fuzz(
          scimActor,
          fc.tuple(idArbitrary(ids), fc.option(hostileParam)).map(([id, etag]) => ({
            ...scim('DELETE', `/${id}`),
            headers: {
              ...SCIM_JSON,
              ...(etag && /^[\u0021-\u007e][\u0020-\u007e]*$/.test(etag)
                ? { 'if-match': etag }
                : {}),
            },
          })),
          4,
        ),
      ];
      expect(findings.filter(Boolean)).toEqual([]);
    });
  }
  it('discovery endpoints, any method, and other credentials never answer 5xx', async () => {
    const paths = [
      '/ServiceProviderConfig',
      '/ResourceTypes',
      '/ResourceTypes/User',
      '/Schemas',
      '/Schemas/urn:ietf:params:scim:schemas:core:2.0:User',
      '/Bulk',
      '/Me',
      '/',
    ];
    const request = fc
      .record({
        method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
        path: fc.oneof(
          fc.constantFrom(...paths),
          hostileParam.map((text) => `/Schemas/${encodeForUrl(text)}`),
        ),
        body: fc.option(fc.constantFrom(...MALFORMED_BODIES), { freq: 2 }),
        authorization: fc.constantFrom(
          SCIM_HEADERS.authorization,
          'Bearer wrong',
          'Basic eA==',
          '',
          `Bearer ${world.coreKey}`,
        ),
      })
      .map(
        ({ method, path, body, authorization }): FuzzRequest => ({
          method,
          path: `/scim/v2${path}`,
          headers: { ...SCIM_JSON, ...(authorization ? { authorization } : {}) },
          ...(body === null || method === 'GET' ? {} : { body }),
        }),
      );
    const anonymous = { ...scimActor, headers: {} };
    expect(await fuzz(anonymous, request)).toBeNull();
  });
});

const CSV_HEADER = 'Табельный номер;Фамилия;Имя;Отчество;Должность;Подразделение;E-mail';

/** A multipart body with one file part and text fields, as a browser would send it. */
async function multipart(parts: {
  file?: Uint8Array;
  fileName?: string;
  fields?: Record<string, string>;
}) {
  const form = new FormData();
  if (parts.file) form.append('file', new Blob([parts.file]), parts.fileName ?? 'staff.csv');
  for (const [key, value] of Object.entries(parts.fields ?? {})) form.append(key, value);
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return {
    body: new Uint8Array(await request.arrayBuffer()),
    type: request.headers.get('content-type') ?? '',
  };
}

const cell = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: hostileParam },
);
const csvFile = fc
  .array(fc.array(cell, { minLength: 1, maxLength: 8 }), { minLength: 0, maxLength: 6 })
  .map((rows) =>
    new TextEncoder().encode(`${CSV_HEADER}\r\n${rows.map((row) => row.join(';')).join('\r\n')}`),
  );
const rawFile = fc.oneof(
  fc.uint8Array({ maxLength: 2000 }),
  fc.constantFrom(
    new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]), // a zip header and nothing else
    new Uint8Array([0xef, 0xbb, 0xbf]),
    new Uint8Array([0xed, 0xa0, 0x80, 0x3b, 0x00, 0x0a]), // CESU-8 surrogate, NUL
    new Uint8Array(0),
  ),
);

describe('fuzz: HR file upload (multipart, POST /api/v1/imports)', () => {
  for (const kind of ['superadmin', 'admin', 'staff', 'auditor'] as const) {
    it(`as ${kind}: hostile files, cells, names and fields never answer 5xx`, async () => {
      const actor = world.actors.get(kind);
      if (!actor) throw new Error(`no actor ${kind}`);
      const parts = fc.record({
        file: fc.option(
          fc.oneof({ weight: 3, arbitrary: csvFile }, { weight: 1, arbitrary: rawFile }),
          { freq: 8 },
        ),
        fileName: fc.oneof(
          fc.constantFrom('staff.csv', 'staff.xlsx', 'x', '../../x.csv'),
          hostileParam,
        ),
        scope: fc.option(fc.oneof(fc.constantFrom('partial', 'complete'), hostileParam), {
          freq: 2,
        }),
        format: fc.option(fc.oneof(fc.constantFrom('csv', 'xlsx'), hostileParam), { freq: 2 }),
        mapping: fc.option(
          fc.oneof(
            fc
              .dictionary(
                fc.constantFrom('employeeId', 'familyName', 'x', '\u0000'),
                fc.oneof(hostileParam, fc.constantFrom('Фамилия')),
              )
              .map((value) => JSON.stringify(value)),
            hostileParam,
          ),
          { freq: 3 },
        ),
      });
      // The multipart body is built outside fast-check's synchronous generation.
      const finding = await fuzz(
        { ...actor, headers: {} },
        parts.map((value): FuzzRequest & { parts: typeof value } => ({
          method: 'POST',
          path: '/api/v1/imports',
          parts: value,
        })),
        undefined,
        async (request) => {
          const { parts: value } = request as FuzzRequest & {
            parts: {
              file: Uint8Array | null;
              fileName: string;
              scope: string | null;
              format: string | null;
              mapping: string | null;
            };
          };
          const fields: Record<string, string> = {};
          if (value.scope !== null) fields.scope = value.scope;
          if (value.format !== null) fields.format = value.format;
          if (value.mapping !== null) fields.mapping = value.mapping;
          const built = await multipart({
            ...(value.file ? { file: value.file } : {}),
            fileName: value.fileName,
            fields,
          });
          return {
            method: 'POST',
            path: '/api/v1/imports',
            headers: { 'content-type': built.type },
            body: built.body,
          };
        },
      );
      expect(finding).toBeNull();
    });
  }
});
