import type Koa from 'koa';
import type { AppState } from '../../http/types.ts';
import { unauthenticated } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';

/** Requires a live messenger device-session bearer token; sets `ctx.state.device`. */
export function requireDeviceSession(_services: Services): Koa.Middleware<AppState> {
  return async () => {
    throw unauthenticated('Device sessions are not available yet', 'device_session_invalid');
  };
}
