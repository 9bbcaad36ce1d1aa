import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { z } from 'zod';
import type { RequestMeta } from './authz/actor.ts';
import { coreKeyChecker } from './core/apiKeys.ts';
import {
  authenticationAnswer,
  type IntrospectionServices,
  introspectionAnswer,
  lookupDeviceToken,
} from './core/introspect.ts';
import type { RejectionReason } from './core/keyRejections.ts';
import { authenticateBody, introspectBody } from './core/schemas.ts';
import { prepareApiServer } from './http/clientError.ts';
import { refuseUnsafeText, storedHeaders } from './http/inputBoundary.ts';
import { isJsonUtf8, parseJsonBody } from './http/jsonBody.ts';
import { plainAnswers } from './http/plainAnswers.ts';
import { toAppError } from './http/problem.ts';
import { requestIdFrom, requestMetaOf } from './http/requestContext.ts';
import type { SecurityHeadersOptions } from './http/securityHeaders.ts';
import {
  type PrereadRequest,
  type RequestListener,
  withIntrospectionFastPath,
} from './routes/introspectFastPath.ts';
import {
  internalError,
  malformedJson,
  methodNotAllowed,
  payloadTooLarge,
  routeNotFound,
  unauthenticated,
  unsupportedMediaType,
} from './shared/errors.ts';

/** What the core's port tells the process it runs in. */
export interface CoreListenerHooks {
  /** A refused core key: the main thread audits it (rate-limited, `core.key_rejected`). */
  onKeyRefused(meta: RequestMeta, reason: RejectionReason): void;
}

/** A listener for the core's port and what its server must install. */
export interface CoreListener {
  listener: RequestListener;
  /** The problem+json answer to what Node's parser refuses, and the keep-alive timeout. */
  prepareServer(server: Server): void;
}

/** One of the core's routes: its body's schema and how it answers. */
interface CoreRoute {
  answer(services: IntrospectionServices, body: unknown): Promise<unknown>;
}

function coreRoute<S extends z.ZodType>(
  schema: S,
  answer: (services: IntrospectionServices, body: z.infer<S>) => Promise<unknown>,
): CoreRoute {
  return { answer: (services, body) => answer(services, schema.parse(body)) };
}

const CORE_ROUTES = new Map<string, CoreRoute>([
  [
    '/api/v1/core/introspect',
    coreRoute(introspectBody, async (services, body) =>
      introspectionAnswer(await lookupDeviceToken(services, body.token)),
    ),
  ],
  [
    '/api/v1/core/authenticate',
    coreRoute(authenticateBody, async (services, body) =>
      authenticationAnswer(await lookupDeviceToken(services, body.token), body.username),
    ),
  ],
]);

/**
 * Reads a JSON body of at most `limit` bytes: `{}` when there is none (as Koa's body parser
 * gives), 413 beyond the limit, 400 `malformed_json` unless `parseJsonBody` takes it. Past the
 * limit nothing more is kept: the answer goes out at once and Node discards the rest of the
 * body, as it does behind Koa.
 */
function readJsonBody(request: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(payloadTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const collect = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      request.off('data', collect);
      chunks.length = 0;
      reject(payloadTooLarge());
    };
    request.on('data', collect);
    request.on('error', reject);
    request.on('end', () => {
      if (size > limit) return;
      const text = Buffer.concat(chunks).toString('utf8');
      // As Koa's parser: no body at all is `{}`; anything else must be an object or an array.
      const parsed = text === '' ? {} : parseJsonBody(text);
      if (parsed === undefined) reject(malformedJson());
      else resolve(parsed);
    });
  });
}

/**
 * The listener of the messaging core's own port (`core.listen`, docs/identity.md): the
 * introspection fast path, and behind it the core's two routes answered without Koa, by the same
 * rules and in the same order as the main port's stack (routes/core.ts): the body's type and
 * size, the route and method, the input boundary, the core key, the body's schema, the answer.
 * The port is stricter than the main one where the core never needs more: a body is JSON in
 * UTF-8 without a Content-Encoding (415 otherwise), and only the core's routes and `GET /healthz`
 * exist (404 for anything else).
 */
export function createCoreListener(
  services: IntrospectionServices,
  headerOptions: SecurityHeadersOptions,
  hooks: CoreListenerHooks,
): CoreListener {
  const { config, logger } = services;
  const checkKey = coreKeyChecker(config);
  const answers = plainAnswers(headerOptions);
  const limit = config.http.bodyLimitBytes;

  const serve = async (request: PrereadRequest, response: ServerResponse, requestId: string) => {
    const url = request.url ?? '/';
    const mark = url.indexOf('?');
    const path = mark === -1 ? url : url.slice(0, mark);
    const method = request.method ?? 'GET';
    if (method === 'GET' && path === '/healthz') {
      answers.json(response, requestId, 200, { status: 'ok' });
      return;
    }
    const { headers } = request;
    const hasBody =
      Number(headers['content-length'] ?? 0) > 0 || headers['transfer-encoding'] !== undefined;
    if (
      hasBody &&
      // Exactly JSON in UTF-8: the core is a program, not a browser, so the port takes one form.
      (!isJsonUtf8(headers['content-type']) ||
        (headers['content-encoding'] ?? 'identity') !== 'identity')
    )
      throw unsupportedMediaType();
    const body =
      request.body !== undefined
        ? request.body
        : method === 'POST' && hasBody
          ? await readJsonBody(request, limit)
          : {};
    const route = CORE_ROUTES.get(path);
    if (!route) throw routeNotFound(method, path);
    if (method !== 'POST') throw methodNotAllowed();
    refuseUnsafeText({
      params: {},
      query: mark === -1 ? {} : parseQuery(url.slice(mark + 1)),
      headers: storedHeaders((name) => {
        const value = headers[name];
        return Array.isArray(value) ? value.join(', ') : (value ?? '');
      }),
      body,
    });
    const key = checkKey(headers.authorization ?? '');
    if ('refused' in key) {
      hooks.onKeyRefused(requestMetaOf(request, config.http.trustProxy, requestId), key.refused);
      throw unauthenticated('A valid core API key is required', 'core_key_invalid');
    }
    answers.json(response, requestId, 200, await route.answer(services, body));
  };

  const fallback: RequestListener = (request: PrereadRequest, response) => {
    const started = performance.now();
    const given = response.getHeader('x-request-id');
    const requestId =
      typeof given === 'string' ? given : requestIdFrom(request.headers['x-request-id']);
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const handle = async () => {
      try {
        await serve(request, response, requestId);
      } catch (error) {
        const problem = toAppError(error);
        if (!problem) logger.error({ err: error, requestId }, 'unhandled error');
        if (!response.headersSent)
          answers.problem(response, requestId, problem ?? internalError(), path);
      } finally {
        // As the main port's access log: the path without its query, quiet unless it failed.
        logger[response.statusCode < 400 ? 'debug' : 'info'](
          {
            requestId,
            method: request.method,
            path,
            status: response.statusCode,
            ms: Math.round((performance.now() - started) * 10) / 10,
            port: 'core',
          },
          'request',
        );
      }
    };
    // Nothing above throws past its own catch; a failure to answer must not end the thread.
    handle().catch((error: unknown) =>
      logger.error({ err: error, requestId }, 'could not answer a request'),
    );
  };

  return {
    listener: withIntrospectionFastPath(services, headerOptions, fallback),
    prepareServer: (server) => prepareApiServer(server, headerOptions),
  };
}
