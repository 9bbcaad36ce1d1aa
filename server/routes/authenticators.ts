import type Koa from 'koa';
import { requireCoreKey } from '../core/apiKeys.ts';
import { requireDeviceSession } from '../identity/messenger/deviceAuth.ts';
import { requireSession } from '../identity/requireSession.ts';
import type { Services } from '../shared/services.ts';
import type { AppState } from './types.ts';

/**
 * How a route authenticates its caller: `session` — a back-office cookie session (+ CSRF token on
 * unsafe methods); `device` — a messenger device-session bearer token; `coreKey` — an API key of
 * the messaging core; `none` — nobody (login steps, health).
 */
export type RouteAuth = 'session' | 'device' | 'coreKey' | 'none';

const authenticators: Record<
  Exclude<RouteAuth, 'none'>,
  (services: Services) => Koa.Middleware<AppState>
> = {
  session: requireSession,
  device: requireDeviceSession,
  coreKey: requireCoreKey,
};

/** The middleware that authenticates a route's caller, or null for public routes. */
export function authMiddleware(
  auth: RouteAuth,
  services: Services,
): Koa.Middleware<AppState> | null {
  return auth === 'none' ? null : authenticators[auth](services);
}
