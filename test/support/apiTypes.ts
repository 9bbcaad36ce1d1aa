import { compile, type JSONSchema } from 'json-schema-to-typescript';

/** The console's generated API types, beside its hand-written helpers (admin-ui/src/api). */
export const API_TYPES_FILE = 'admin-ui/src/api/generated/openapi.ts';

/** The part of an OpenAPI 3.1 document the console's types are made from. */
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
}

interface Operation {
  operationId: string;
  parameters?: { name: string; in: 'path' | 'query'; required: boolean; schema: JSONSchema }[];
  requestBody?: { content: { 'application/json'?: { schema: JSONSchema } } };
  responses: Record<string, { content?: Record<string, { schema: JSONSchema }> }>;
}

/** Where the service's JSON API lives: the console's paths are below it (API_BASE). */
const API_PREFIX = '/api/v1';

/** One interface of the generated file: operationId → a schema. */
type Table = Record<string, JSONSchema>;

function successSchema(operation: Operation): JSONSchema | undefined {
  for (const [status, response] of Object.entries(operation.responses))
    if (status.startsWith('2')) return response.content?.['application/json']?.schema;
  return undefined;
}

function querySchema(operation: Operation): JSONSchema | undefined {
  const query = (operation.parameters ?? []).filter((p) => p.in === 'query');
  if (query.length === 0) return undefined;
  return {
    type: 'object',
    properties: Object.fromEntries(query.map((p) => [p.name, p.schema])),
    required: query.filter((p) => p.required).map((p) => p.name),
    additionalProperties: false,
  };
}

function interfaceOf(title: string, description: string, table: Table): JSONSchema {
  const names = Object.keys(table).sort();
  return {
    title,
    description,
    type: 'object',
    properties: Object.fromEntries(names.map((name) => [name, table[name] as JSONSchema])),
    required: names,
    additionalProperties: false,
  };
}

const BANNER = `/**
 * The service's API as the console sees it, by operationId: generated from the OpenAPI document
 * (GET /api/v1/openapi.json, built from the routes' zod schemas). Do not edit: change the route's
 * schema, then run \`WRITE_API_TYPES=1 npx vitest run test/apiTypes.test.ts\`. The test fails
 * while this file differs from what the service declares.
 */`;

/**
 * `API_OPERATIONS`: each operation's method and path below the API's prefix, by operationId, as
 * a constant the console's typed call (admin-ui/src/api/call.ts) reads the path parameters from.
 */
function operationsTable(routes: Map<string, { method: string; path: string }>): string {
  const lines = [...routes.keys()].sort().map((id) => {
    const { method, path } = routes.get(id) as { method: string; path: string };
    return `  ${id}: { method: '${method}', path: '${path}' },`;
  });
  return `/**
 * Each operation’s method and path below /api/v1 (\`{name}\` is a path parameter).
 */
export const API_OPERATIONS = {
${lines.join('\n')}
} as const;
`;
}

/**
 * The console's API from the service's OpenAPI document: `ApiResponses` (each operation's
 * success body), `ApiBodies` (its JSON request body) and `ApiQueries` (its query parameters),
 * each keyed by operationId, made by json-schema-to-typescript, and `API_OPERATIONS` (each
 * operation's method and path).
 */
export async function generateApiTypes(document: OpenApiDocument): Promise<string> {
  const responses: Table = {};
  const bodies: Table = {};
  const queries: Table = {};
  const routes = new Map<string, { method: string; path: string }>();
  for (const [path, operations] of Object.entries(document.paths))
    for (const [method, operation] of Object.entries(operations)) {
      const id = operation.operationId;
      if (!path.startsWith(`${API_PREFIX}/`))
        throw new Error(`${id}: ${path} is not below ${API_PREFIX}, where the console calls`);
      routes.set(id, { method: method.toUpperCase(), path: path.slice(API_PREFIX.length) });
      const response = successSchema(operation);
      if (response) responses[id] = response;
      const body = operation.requestBody?.content['application/json']?.schema;
      if (body) bodies[id] = body;
      const query = querySchema(operation);
      if (query) queries[id] = query;
    }
  const options = {
    bannerComment: '',
    additionalProperties: false,
    unknownAny: true,
    style: { printWidth: 100, singleQuote: true, trailingComma: 'all' as const },
  };
  const parts = await Promise.all([
    compile(
      interfaceOf('ApiResponses', 'Each operation’s success body.', responses),
      'ApiResponses',
      options,
    ),
    compile(
      interfaceOf('ApiBodies', 'Each operation’s JSON request body.', bodies),
      'ApiBodies',
      options,
    ),
    compile(
      interfaceOf('ApiQueries', 'Each operation’s query parameters.', queries),
      'ApiQueries',
      options,
    ),
  ]);
  return `${BANNER}\n\n${parts.join('\n')}\n${operationsTable(routes)}`;
}
