import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { coreKeyChecker } from '../core/apiKeys.ts';
import {
  type IntrospectionServices,
  introspectionAnswer,
  lookupDeviceToken,
} from '../core/introspect.ts';
import { introspectBody } from '../core/schemas.ts';
import { findUnsafeText } from '../http/inputBoundary.ts';
import { problemBody } from '../http/problem.ts';
import {
  API_CSP,
  fixedSecurityHeaders,
  type SecurityHeadersOptions,
} from '../http/securityHeaders.ts';
import { AppError } from '../shared/errors.ts';

/** A Node request listener: what `http.createServer` takes. */
export type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/** A request whose body the fast path read before handing it to Koa (`enableRawChecking`). */
export type PrereadRequest = IncomingMessage & { body?: unknown };

const PATH = '/api/v1/core/introspect';
const JSON_TYPE = /^application\/json\s*(?:;\s*charset=utf-8\s*)?$/i;
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
// An introspection body is a token of at most 1,024 characters and a short hint.
const MAX_BODY_BYTES = 4096;

/**
 * Serves `POST /api/v1/core/introspect` before Koa when the request is plainly well-formed
 * (issue 17, scope 4): the messaging core calls it for every message it routes, and the Koa
 * stack in front of one indexed statement (context, child logger, five middlewares, the body
 * parser, the router) cost half of the throughput. The same rules hold, from the same modules:
 * the core key check, the body's schema, the input boundary, the statement and the answer.
 *
 * Anything else goes to Koa unchanged: another path or method, a missing or wrong key (Koa
 * audits the rejection), no or an oversized Content-Length, another content type. A body that is
 * read but does not pass the schema or the input boundary goes to Koa too, already parsed, so
 * the problem it gets is exactly Koa's. Nothing is cached: every answer reads the database.
 */
export function withIntrospectionFastPath(
  services: IntrospectionServices,
  headerOptions: SecurityHeadersOptions,
  fallback: RequestListener,
): RequestListener {
  const checkKey = coreKeyChecker(services.config);
  const limit = Math.min(services.config.http.bodyLimitBytes, MAX_BODY_BYTES);
  // Names and values in one flat list, built once: writeHead takes it as it is, where an object
  // of headers would be copied and walked on every request.
  const fixed = Object.entries({
    ...fixedSecurityHeaders(headerOptions),
    'Content-Security-Policy': API_CSP,
    'Cache-Control': 'no-store',
  }).flat();

  // The content types as Koa writes them, so the two paths' answers are the same bytes.
  const send = (
    response: ServerResponse,
    requestId: string,
    status: number,
    type: string,
    body: unknown,
  ) => {
    const text = JSON.stringify(body);
    response.writeHead(status, [
      ...fixed,
      'Content-Type',
      type,
      'Content-Length',
      String(Buffer.byteLength(text)),
      'X-Request-Id',
      requestId,
    ]);
    response.end(text);
  };
  const sendProblem = (response: ServerResponse, requestId: string, error: AppError) =>
    send(
      response,
      requestId,
      error.status,
      'application/problem+json',
      problemBody(error, PATH, requestId),
    );

  const answer = async (request: PrereadRequest, response: ServerResponse, raw: Buffer) => {
    const incoming = request.headers['x-request-id'];
    const requestId =
      typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    // The body parser is strict: only an object or an array is JSON here.
    if (typeof parsed !== 'object' || parsed === null) {
      sendProblem(
        response,
        requestId,
        new AppError(400, 'malformed_json', 'The request body is not valid JSON'),
      );
      return;
    }
    const body = introspectBody.safeParse(parsed);
    if (!body.success || findUnsafeText({ body: parsed }).length > 0) {
      request.body = parsed;
      response.setHeader('X-Request-Id', requestId);
      fallback(request, response);
      return;
    }
    try {
      send(
        response,
        requestId,
        200,
        'application/json; charset=utf-8',
        introspectionAnswer(await lookupDeviceToken(services, body.data.token)),
      );
    } catch (error) {
      services.logger.error({ err: error, requestId }, 'introspection failed');
      sendProblem(
        response,
        requestId,
        new AppError(500, 'internal', 'An internal error occurred; see the server log'),
      );
    }
  };

  return (request: PrereadRequest, response) => {
    const { headers } = request;
    const length = Number(headers['content-length']);
    if (
      request.method !== 'POST' ||
      request.url !== PATH ||
      !JSON_TYPE.test(headers['content-type'] ?? '') ||
      headers['transfer-encoding'] !== undefined ||
      headers['content-encoding'] !== undefined ||
      !Number.isInteger(length) ||
      length <= 0 ||
      length > limit ||
      'refused' in checkKey(headers.authorization ?? '')
    ) {
      fallback(request, response);
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('error', () => response.destroy());
    request.on('end', () => {
      void answer(request, response, Buffer.concat(chunks));
    });
  };
}
