import type Koa from 'koa';
import type { Actor } from '../authz/actor.ts';
import type { AppAbility } from '../authz/index.ts';
import type { User } from '../directory/entities.ts';
import type { BaseState } from '../http/types.ts';

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

/** Request state once `requireSession` ran. */
export type SessionState = BaseState & { auth?: Authenticated };

/** Request state once `requireDeviceSession` ran. */
export type DeviceState = BaseState & { device?: DeviceAuthenticated };
export type DeviceContext = Koa.ParameterizedContext<DeviceState, Koa.DefaultContext>;
