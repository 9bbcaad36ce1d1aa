import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  encodeForUrl,
  hostileParam,
  hostileValue,
  type IdPool,
  MALFORMED_BODIES,
  queryString,
  type Schema,
  valueFor,
  WRONG_CONTENT_TYPES,
} from './arbitraries.ts';
import {
  type ActorKind,
  FUZZ_RUNS,
  type FuzzRequest,
  fuzz,
  idPool,
  startFuzzWorld,
  statusCounts,
} from './fuzzSupport.ts';

/*
 * Issue 12: every operation of the OpenAPI document the service serves, as every kind of caller,
 * with generated requests — valid ones (to go deep), ones with hostile values in any field, and
 * junk (malformed JSON, wrong content types). No answer may be a 5xx or a dropped connection.
 *
 * Operations are read from the served document at load time (one test each); an operation added
 * to the API is fuzzed without touching this file.
 */

interface Parameter {
  name: string;
  in: 'path' | 'query';
  required?: boolean;
  schema: Schema;
}

interface Operation {
  method: string;
  path: string;
  operationId: string;
  parameters: Parameter[];
  body: Schema | null;
  security: string | null;
}

const world = await startFuzzWorld();
afterAll(async () => {
  if (process.env.FUZZ_STATS)
    console.log('fuzz answers by status', Object.fromEntries([...statusCounts].sort()));
  await world.context.close();
});

const documentResponse = await fetch(`${world.context.baseUrl}/api/v1/openapi.json`);
const document = (await documentResponse.json()) as {
  paths: Record<string, Record<string, Record<string, unknown>>>;
};
const operations: Operation[] = [];
for (const [path, methods] of Object.entries(document.paths)) {
  for (const [method, operation] of Object.entries(methods)) {
    const requestBody = operation.requestBody as
      | { content: Record<string, { schema: Schema }> }
      | undefined;
    const security = (operation.security as Record<string, unknown>[] | undefined)?.[0];
    operations.push({
      method: method.toUpperCase(),
      path,
      operationId: String(operation.operationId),
      parameters: (operation.parameters ?? []) as Parameter[],
      body: requestBody?.content['application/json']?.schema ?? null,
      security: security ? (Object.keys(security)[0] ?? null) : null,
    });
  }
}
// Creations first, so that later operations on `{id}` find objects the fuzz itself made.
operations.sort((a, b) => Number(a.path.includes('{')) - Number(b.path.includes('{')));

/** The callers each operation is fuzzed as: its own kind of credential, and nobody. */
function actorsFor(operation: Operation): ActorKind[] {
  if (operation.security === 'device') return ['device', 'anonymous'];
  if (operation.security === 'coreKey') return ['core', 'anonymous'];
  if (operation.security === null) return ['anonymous', 'superadmin'];
  return ['superadmin', 'admin', 'staff', 'auditor', 'anonymous'];
}

type Mode = 'valid' | 'hostile' | 'junk';

function pathArbitrary(operation: Operation, pools: Map<string, IdPool>, mode: Mode) {
  const segments = operation.path.split('/');
  return fc
    .tuple(
      ...segments.map((segment, index): fc.Arbitrary<string> => {
        const match = /^\{(.+)\}$/.exec(segment);
        if (!match) return fc.constant(segment);
        const pool = pools.get(segments[index - 1] ?? '') ?? { uuids: [], numbers: [] };
        const schema = operation.parameters.find(
          (p) => p.in === 'path' && p.name === match[1],
        )?.schema;
        const valid = valueFor(schema ?? { type: 'string' }, pool, 0).map(String);
        const value = mode === 'valid' ? valid : fc.oneof(valid, hostileParam);
        return value.map(encodeForUrl);
      }),
    )
    .map((parts) => parts.join('/'));
}

function queryArbitrary(operation: Operation, mode: Mode) {
  const empty: IdPool = { uuids: [], numbers: [] };
  const query = operation.parameters.filter((p) => p.in === 'query');
  const known = query.map((parameter) => {
    const value =
      mode === 'valid'
        ? valueFor(parameter.schema, empty, 0)
        : fc.oneof(valueFor(parameter.schema, empty, 1), hostileParam);
    return fc
      .option(value, { freq: parameter.required ? 20 : 2 })
      .map((item): [string, unknown] => [parameter.name, item ?? undefined]);
  });
  const unknown =
    mode === 'valid'
      ? fc.constant<[string, unknown][]>([])
      : fc.array(fc.tuple(fc.oneof(fc.string({ maxLength: 8 }), hostileParam), hostileParam), {
          maxLength: 2,
        });
  return fc
    .tuple(fc.tuple(...known), unknown)
    .map(([pairs, extra]) => queryString([...pairs, ...extra]));
}

function bodyArbitrary(
  operation: Operation,
  pool: IdPool,
  mode: Mode,
): fc.Arbitrary<Pick<FuzzRequest, 'body' | 'headers'>> {
  const json = { 'content-type': 'application/json' };
  if (mode === 'junk') {
    return fc.oneof(
      fc.constantFrom(...MALFORMED_BODIES).map((body) => ({ body, headers: json })),
      hostileValue.map((value) => ({ body: JSON.stringify(value) ?? 'null', headers: json })),
      fc
        .tuple(
          fc.constantFrom(...WRONG_CONTENT_TYPES),
          fc.constantFrom('a=1', '{}', '<x/>', '\u0000'),
        )
        .map(([type, body]) => {
          const headers: Record<string, string> = type === '' ? {} : { 'content-type': type };
          return { body, headers };
        }),
    );
  }
  if (!operation.body) {
    // No body declared: usually none, sometimes a stray one.
    return fc
      .option(fc.constant({ body: '{"stray":true}', headers: json }), { freq: 4 })
      .map((value) => value ?? {});
  }
  return valueFor(operation.body, pool, mode === 'valid' ? 0 : 1).map((value) => ({
    body: JSON.stringify(value) ?? 'null',
    headers: json,
  }));
}

const USER_AGENTS = ['tab\there', '\u0085', 'Ã©', 'x'.repeat(8000), 'Mozilla/5.0'];

function requestArbitrary(
  operation: Operation,
  pools: Map<string, IdPool>,
): fc.Arbitrary<FuzzRequest> {
  const bodyPool = pools.get('*') ?? { uuids: [], numbers: [] };
  return fc
    .constantFrom<Mode>('valid', 'valid', 'hostile', 'hostile', 'hostile', 'junk')
    .chain((mode) =>
      fc.record({
        path: pathArbitrary(operation, pools, mode),
        query: queryArbitrary(operation, mode),
        body:
          operation.method === 'GET'
            ? fc.constant<Pick<FuzzRequest, 'body' | 'headers'>>({})
            : bodyArbitrary(operation, bodyPool, mode),
        userAgent: fc.option(fc.constantFrom(...USER_AGENTS), { freq: mode === 'valid' ? 100 : 6 }),
      }),
    )
    .map(({ path, query, body, userAgent }) => ({
      method: operation.method,
      path: `${path}${query}`,
      headers: { ...body.headers, ...(userAgent ? { 'user-agent': userAgent } : {}) },
      ...(body.body === undefined ? {} : { body: body.body }),
    }));
}

/** Real ids for every `{param}` of the operation, and for ids inside bodies (people). */
async function poolsFor(operation: Operation): Promise<Map<string, IdPool>> {
  const pools = new Map<string, IdPool>();
  const segments = operation.path.split('/');
  for (const [index, segment] of segments.entries()) {
    if (!segment.startsWith('{')) continue;
    const resource = segments[index - 1] ?? '';
    pools.set(resource, await idPool(world, resource));
  }
  pools.set('*', await idPool(world, 'users'));
  return pools;
}

describe(`fuzz: every operation of the OpenAPI document (${FUZZ_RUNS} runs per caller)`, () => {
  it('covers the whole document', () => {
    expect(operations.length).toBeGreaterThanOrEqual(70);
    const missing = operations.filter((operation) => operation.operationId === 'undefined');
    expect(missing).toEqual([]);
  });

  for (const operation of operations) {
    it(`${operation.operationId}: ${operation.method} ${operation.path} never answers 5xx`, async () => {
      const findings: string[] = [];
      for (const kind of actorsFor(operation)) {
        const actor = world.actors.get(kind);
        if (!actor) throw new Error(`no actor ${kind}`);
        const pools = await poolsFor(operation);
        const finding = await fuzz(actor, requestArbitrary(operation, pools));
        if (finding) findings.push(finding);
      }
      expect(findings).toEqual([]);
    });
  }
});
