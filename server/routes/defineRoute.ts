import type Koa from 'koa';
import { type ZodType, z } from 'zod';
import { inputBoundary } from '../http/inputBoundary.ts';
import type { Authenticated } from '../identity/authenticated.ts';
import type { Services } from '../shared/services.ts';
import { authMiddleware, type RouteAuth } from './authenticators.ts';
import type { AppContext, AppRouter, AppState } from './types.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A documented API route; its zod schemas validate the request and generate the OpenAPI document. */
export interface RouteSpec<
  P extends ZodType = ZodType,
  Q extends ZodType = ZodType,
  B extends ZodType = ZodType,
> {
  method: Method;
  /** Koa-style path relative to the router's prefix, e.g. `/users/:id`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Default `session`: a back-office cookie session (and CSRF token for unsafe methods). */
  auth?: RouteAuth;
  params?: P;
  query?: Q;
  body?: B;
  /** The success response, for the document. */
  response?: { status?: number; description: string; schema?: ZodType; contentType?: string };
  /** Problem codes this route can answer with, for the document. */
  errors?: number[];
}

/** What a handler receives: validated input, the signed-in caller (if any) and the services. */
export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  ctx: AppContext;
  services: Services;
  auth: Authenticated;
}

/** The routes declared so far, with the prefix they are mounted under. */
export class RouteRegistry {
  readonly routes: { prefix: string; spec: RouteSpec }[] = [];
}

/** A router bound to the services and the registry that documents it. */
export interface ApiScope {
  router: AppRouter;
  prefix: string;
  services: Services;
  registry: RouteRegistry;
}

function parseOrThrow<T extends ZodType>(schema: T | undefined, value: unknown): z.infer<T> {
  if (!schema) return undefined as z.infer<T>;
  return schema.parse(value) as z.infer<T>;
}

/** Koa's query object has string | string[] values; a repeated scalar parameter keeps the last. */
function flattenQuery(query: Koa.Context['query']): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(query)) if (value !== undefined) out[key] = value;
  return out;
}

/**
 * Checks an answer, as the client will read it (JSON), against the route's declared response
 * schema: the OpenAPI document and the console's types generated from it say what the service
 * answers only while every answer holds to them. Turned on by `http.checkResponses` (tests).
 */
function checkResponse(spec: RouteSpec, result: unknown): void {
  const schema = spec.response?.schema;
  const json = (spec.response?.contentType ?? 'application/json') === 'application/json';
  if (!schema || !json) return;
  const checked = schema.safeParse(JSON.parse(JSON.stringify(result)));
  if (!checked.success)
    throw new Error(
      `${spec.operationId} answered outside its declared response schema:\n${z.prettifyError(checked.error)}`,
    );
}

/**
 * Declares a route: the input boundary (http/inputBoundary.ts), authentication, validation of
 * params, query and body, then the handler.
 * A handler's return value becomes the JSON body; return `undefined` after writing `ctx.body`
 * yourself (streams, cookies with empty bodies).
 */
export function defineRoute<P extends ZodType, Q extends ZodType, B extends ZodType>(
  scope: ApiScope,
  spec: RouteSpec<P, Q, B>,
  handler: (input: RouteInput<z.infer<P>, z.infer<Q>, z.infer<B>>) => Promise<unknown>,
): void {
  scope.registry.routes.push({ prefix: scope.prefix, spec: spec as unknown as RouteSpec });
  // The input boundary comes first: no authenticator or handler sees a NUL or a lone surrogate.
  const middlewares: Koa.Middleware<AppState>[] = [inputBoundary];
  const authenticate = authMiddleware(spec.auth ?? 'session', scope.services);
  if (authenticate) middlewares.push(authenticate);
  const run: Koa.Middleware<AppState> = async (ctx) => {
    const routed = ctx as AppContext & {
      params?: Record<string, string>;
      request: { body?: unknown };
    };
    const input = {
      params: parseOrThrow(spec.params, routed.params ?? {}),
      query: parseOrThrow(spec.query, flattenQuery(ctx.query)),
      body: parseOrThrow(spec.body, spec.body ? (routed.request.body ?? {}) : undefined),
      ctx,
      services: scope.services,
      auth: ctx.state.auth as Authenticated,
    };
    const result = await handler(input);
    if (result !== undefined) {
      if (scope.services.config.http.checkResponses) checkResponse(spec as RouteSpec, result);
      ctx.status = spec.response?.status ?? 200;
      ctx.body = result;
    } else if (ctx.body === undefined || ctx.body === null) {
      ctx.status = 204;
    }
  };
  scope.router[spec.method](spec.operationId, spec.path, ...middlewares, run);
}
