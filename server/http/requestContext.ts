import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type Koa from 'koa';
import type { RequestMeta } from '../authz/actor.ts';
import type { Logger } from '../logger.ts';
import type { BaseState } from './types.ts';

/** The access log names the signed-in caller when an authenticator set `auth` (routes/types.ts). */
type LoggedState = BaseState & { auth?: { actor: { label: string } } };

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The request's id: a sane incoming `X-Request-Id` (letters, digits, `._-`, up to 64), or a new UUID. */
export function requestIdFrom(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * The client's address as Koa's `ctx.ip` reads it: with `trustProxy`, the first address of
 * `X-Forwarded-For`; otherwise, or without that header, the socket's peer.
 */
export function clientIpOf(request: IncomingMessage, trustProxy: boolean): string | null {
  const header = request.headers['x-forwarded-for'];
  const forwarded = Array.isArray(header) ? header.join(',') : header;
  const first = trustProxy && forwarded ? forwarded.split(',')[0]?.trim() : undefined;
  return first || request.socket.remoteAddress || null;
}

/** The client's meta for the audit log (`RequestMeta`), as `requestContext` records it. */
export function requestMetaOf(
  request: IncomingMessage,
  trustProxy: boolean,
  requestId: string,
): RequestMeta {
  const userAgent = (request.headers['user-agent'] ?? '').slice(0, 512) || null;
  return { requestId, ip: clientIpOf(request, trustProxy), userAgent };
}

// Machine-to-machine endpoints called thousands of times a second: their successful requests are
// logged at debug, so the access log stays readable and the hot path does not pay for a JSON line.
const HIGH_VOLUME_PATHS = new Set([
  '/healthz',
  '/readyz',
  '/api/v1/core/introspect',
  '/api/v1/core/authenticate',
]);

/** Assigns a request id (honouring a sane incoming X-Request-Id), the client meta and a child logger; logs each request. */
export function requestContext(logger: Logger): Koa.Middleware<LoggedState> {
  return async (ctx, next) => {
    const requestId = requestIdFrom(ctx.get('x-request-id'));
    const userAgent = ctx.get('user-agent').slice(0, 512) || null;
    ctx.state.meta = { requestId, ip: ctx.ip || null, userAgent };
    ctx.state.log = logger.child({ requestId });
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await next();
    } finally {
      const quiet = ctx.status < 400 && HIGH_VOLUME_PATHS.has(ctx.path);
      ctx.state.log[quiet ? 'debug' : 'info'](
        {
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          ms: Math.round((performance.now() - started) * 10) / 10,
          user: ctx.state.auth?.actor.label,
        },
        'request',
      );
    }
  };
}
