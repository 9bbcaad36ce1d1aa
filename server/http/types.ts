import type Koa from 'koa';
import type { RequestMeta } from '../authz/actor.ts';
import type { Logger } from '../logger.ts';

/**
 * Per-request state every request has, set by `requestContext`. The routes layer adds who is
 * calling (`server/routes/types.ts`); a capability's middleware adds its own part
 * (`BaseState & { device?: DeviceAuthenticated }`).
 */
export interface BaseState extends Koa.DefaultState {
  meta: RequestMeta;
  log: Logger;
}

export type BaseContext = Koa.ParameterizedContext<BaseState, Koa.DefaultContext>;
