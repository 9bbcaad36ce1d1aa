import { type ZodType, z } from 'zod';
import type { RouteRegistry, RouteSpec } from './defineRoute.ts';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as JsonSchema;
  delete out.$schema;
  return out;
}

function parametersOf(schema: ZodType | undefined, location: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input');
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

const problemSchema: JsonSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'code', 'detail'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string', description: 'Stable machine-readable error code' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    requestId: { type: ['string', 'null'] },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { path: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

function operationOf(spec: RouteSpec): JsonSchema {
  const success = spec.response ?? { description: 'OK' };
  const successStatus = String(success.status ?? 200);
  const responses: JsonSchema = {
    [successStatus]: {
      description: success.description,
      ...(success.schema
        ? {
            content: {
              [success.contentType ?? 'application/json']: {
                schema: jsonSchema(success.schema, 'output'),
              },
            },
          }
        : {}),
    },
  };
  const errorStatuses = new Set([400, ...(spec.errors ?? [])]);
  const auth = spec.auth ?? 'session';
  if (auth !== 'none') {
    errorStatuses.add(401);
    errorStatuses.add(403);
  }
  for (const status of [...errorStatuses].sort()) {
    responses[String(status)] = {
      description: 'Problem',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: spec.tags,
    parameters: [...parametersOf(spec.params, 'path'), ...parametersOf(spec.query, 'query')],
    ...(spec.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } },
          },
        }
      : {}),
    security: auth === 'none' ? [] : [{ [auth]: [] }],
    responses,
  };
}

/** Builds the OpenAPI 3.1 document from every declared route. */
export function buildOpenApi(registry: RouteRegistry, version: string): JsonSchema {
  const paths: Record<string, JsonSchema> = {};
  for (const { prefix, spec } of registry.routes) {
    const path = `${prefix}${spec.path}`.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    paths[path] ??= {};
    (paths[path] as JsonSchema)[spec.method] = operationOf(spec);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Frisbee back-office API',
      version,
      description:
        'Back-office and identity provisioning for the corporate messenger. Errors are RFC 9457 problem+json with a stable `code`. Unsafe requests with a cookie session must send the `csrfToken` from `GET /api/v1/me` in `X-CSRF-Token`.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'fb_session' },
        device: {
          type: 'http',
          scheme: 'bearer',
          description: 'A messenger device-session token from POST /api/v1/auth/login/verify',
        },
        coreKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key of the messaging core (configuration: core.apiKeys)',
        },
      },
      schemas: { Problem: problemSchema },
    },
    paths,
  };
}
