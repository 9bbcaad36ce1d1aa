import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import type { Logger } from '../logger.ts';
import type { BaseState } from './types.ts';

/** The access log names the signed-in caller when an authenticator set `auth` (routes/types.ts). */
type LoggedState = BaseState & { auth?: { actor: { label: string } } };

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

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
    const incoming = ctx.get('x-request-id');
    const requestId = SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
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
