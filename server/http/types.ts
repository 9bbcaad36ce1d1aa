import type Router from '@koa/router';
import type Koa from 'koa';
import type { AppAbility } from '../authz/index.ts';
import type { User } from '../directory/entities.ts';
import type { Logger } from '../logger.ts';
import type { Actor, RequestMeta } from '../shared/actor.ts';

/** The signed-in back-office person of a request. */
export interface Authenticated {
  user: User;
  actor: Actor;
  ability: AppAbility;
  sessionId: string;
  csrfToken: string;
}

/** The messenger device session of a request authenticated with a bearer token. */
export interface DeviceAuthenticated {
  user: User;
  sessionId: string;
  actor: Actor;
}

/** The messaging core calling with one of its API keys. */
export interface CoreAuthenticated {
  /** The configured name of the key used (keys rotate; several may be live). */
  keyName: string;
}

/** Per-request state set by the middlewares. */
export interface AppState extends Koa.DefaultState {
  meta: RequestMeta;
  log: Logger;
  auth?: Authenticated;
  device?: DeviceAuthenticated;
  core?: CoreAuthenticated;
}

export type AppContext = Koa.ParameterizedContext<AppState, Koa.DefaultContext>;
export type AppRouter = Router<AppState, Koa.DefaultContext>;
