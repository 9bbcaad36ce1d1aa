import type { ServerResponse } from 'node:http';
import type { AppError } from '../shared/errors.ts';
import { problemBody } from './problem.ts';
import { API_CSP, fixedSecurityHeaders, type SecurityHeadersOptions } from './securityHeaders.ts';

/** JSON answers written straight to Node's response, for handlers that run without Koa. */
export interface PlainAnswers {
  /** A JSON answer (`application/json; charset=utf-8`). */
  json(response: ServerResponse, requestId: string, status: number, body: unknown): void;
  /** The problem+json answer of `error`, for the request at `instance`. */
  problem(response: ServerResponse, requestId: string, error: AppError, instance: string): void;
}

/**
 * Answers with the bytes and headers Koa's stack gives an API answer (security headers, the
 * API's CSP, `no-store`, the request id, the content types as Koa writes them), so a client
 * cannot tell which of the two wrote it. Used by the introspection fast path and the messaging
 * core's own port (routes/introspectFastPath.ts, coreApp.ts).
 */
export function plainAnswers(options: SecurityHeadersOptions): PlainAnswers {
  // Names and values in one flat list, built once: writeHead takes it as it is, where an object
  // of headers would be copied and walked on every request.
  const fixed = Object.entries({
    ...fixedSecurityHeaders(options),
    'Content-Security-Policy': API_CSP,
    'Cache-Control': 'no-store',
  }).flat();
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
  return {
    json: (response, requestId, status, body) =>
      send(response, requestId, status, 'application/json; charset=utf-8', body),
    problem: (response, requestId, error, instance) =>
      send(
        response,
        requestId,
        error.status,
        'application/problem+json',
        problemBody(error, instance, requestId),
      ),
  };
}
