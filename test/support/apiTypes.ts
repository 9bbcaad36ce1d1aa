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
 * The console's API types from the service's OpenAPI document: `ApiResponses` (each operation's
 * success body), `ApiBodies` (its JSON request body) and `ApiQueries` (its query parameters),
 * each keyed by operationId, made by json-schema-to-typescript.
 */
export async function generateApiTypes(document: OpenApiDocument): Promise<string> {
  const responses: Table = {};
  const bodies: Table = {};
  const queries: Table = {};
  for (const operations of Object.values(document.paths))
    for (const operation of Object.values(operations)) {
      const id = operation.operationId;
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
  return `${BANNER}\n\n${parts.join('\n')}`;
}
