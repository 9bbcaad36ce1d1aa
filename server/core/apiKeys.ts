import type Koa from 'koa';
import type { AppState } from '../http/types.ts';
import { unauthenticated } from '../shared/errors.ts';
import type { Services } from '../shared/services.ts';

/** Requires an API key of the messaging core; sets `ctx.state.core`. */
export function requireCoreKey(_services: Services): Koa.Middleware<AppState> {
  return async () => {
    throw unauthenticated('Core API keys are not configured yet', 'core_key_invalid');
  };
}
