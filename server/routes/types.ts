import type Router from '@koa/router';
import type Koa from 'koa';
import type { CoreAuthenticated } from '../core/apiKeys.ts';
import type { BaseState } from '../http/types.ts';
import type { Authenticated, DeviceAuthenticated } from '../identity/authenticated.ts';

/** Per-request state set by the middlewares: the base (meta, log) and who is calling. */
export interface AppState extends BaseState {
  auth?: Authenticated;
  device?: DeviceAuthenticated;
  core?: CoreAuthenticated;
}

export type AppContext = Koa.ParameterizedContext<AppState, Koa.DefaultContext>;
export type AppRouter = Router<AppState, Koa.DefaultContext>;
