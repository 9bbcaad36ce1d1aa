import type Koa from 'koa';
import { userActor } from '../authz/actor.ts';
import { defineAbilityFor } from '../authz/index.ts';
import { AppError, unauthenticated } from '../shared/errors.ts';
import type { Services } from '../shared/services.ts';
import { safeEqual } from '../shared/tokens.ts';
import type { SessionState } from './authenticated.ts';
import {
  CSRF_HEADER,
  csrfTokenFor,
  resolveBackofficeSession,
  SESSION_COOKIE,
} from './backofficeSession.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Requires a valid back-office session cookie; for unsafe methods also the session's CSRF token
 * in the X-CSRF-Token header. Sets `ctx.state.auth`.
 */
export function requireSession(services: Services): Koa.Middleware<SessionState> {
  return async (ctx, next) => {
    const token = ctx.cookies.get(SESSION_COOKIE);
    if (!token) throw unauthenticated();
    const resolved = await resolveBackofficeSession(services, token);
    if ('rejected' in resolved) {
      ctx.cookies.set(SESSION_COOKIE, null);
      throw unauthenticated(
        'Your session has ended; sign in again',
        `session_${resolved.rejected}`,
      );
    }
    const { session, user, grants } = resolved;
    const csrfToken = csrfTokenFor(services, session.id);
    if (!SAFE_METHODS.has(ctx.method) && !safeEqual(ctx.get(CSRF_HEADER), csrfToken)) {
      throw new AppError(403, 'csrf_failed', 'Missing or wrong X-CSRF-Token header');
    }
    const actor = { ...userActor(user, ctx.state.meta), grants };
    ctx.state.auth = {
      user,
      actor,
      ability: defineAbilityFor(actor, services.now()),
      sessionId: session.id,
      csrfToken,
    };
    await next();
  };
}
