import type { IncomingMessage, ServerResponse } from 'node:http';
import { coreKeyChecker } from '../core/apiKeys.ts';
import {
  type IntrospectionServices,
  introspectionAnswer,
  lookupDeviceToken,
} from '../core/introspect.ts';
import { introspectBody } from '../core/schemas.ts';
import { findUnsafeText } from '../http/inputBoundary.ts';
import { isJsonUtf8, parseJsonBody } from '../http/jsonBody.ts';
import { plainAnswers } from '../http/plainAnswers.ts';
import { requestIdFrom } from '../http/requestContext.ts';
import type { SecurityHeadersOptions } from '../http/securityHeaders.ts';
import { internalError, malformedJson } from '../shared/errors.ts';

/** A Node request listener: what `http.createServer` takes. */
export type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/** A request whose body the fast path read before handing it to Koa (`enableRawChecking`). */
export type PrereadRequest = IncomingMessage & { body?: unknown };

const PATH = '/api/v1/core/introspect';
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
  const answers = plainAnswers(headerOptions);

  const answer = async (request: PrereadRequest, response: ServerResponse, raw: Buffer) => {
    const requestId = requestIdFrom(request.headers['x-request-id']);
    const parsed = parseJsonBody(raw.toString('utf8'));
    if (parsed === undefined) {
      answers.problem(response, requestId, malformedJson(), PATH);
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
      answers.json(
        response,
        requestId,
        200,
        introspectionAnswer(await lookupDeviceToken(services, body.data.token)),
      );
    } catch (error) {
      services.logger.error({ err: error, requestId }, 'introspection failed');
      answers.problem(response, requestId, internalError(), PATH);
    }
  };

  return (request: PrereadRequest, response) => {
    const { headers } = request;
    const length = Number(headers['content-length']);
    if (
      request.method !== 'POST' ||
      request.url !== PATH ||
      !isJsonUtf8(headers['content-type']) ||
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
