import type Koa from 'koa';
import { requireCoreKey } from '../core/apiKeys.ts';
import { requireDeviceSession } from '../identity/messenger/deviceAuth.ts';
import type { Services } from '../shared/services.ts';
import { requireSession } from './authenticate.ts';
import type { RouteAuth } from './route.ts';
import type { AppState } from './types.ts';

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
