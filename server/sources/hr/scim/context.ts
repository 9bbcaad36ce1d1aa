import type Router from '@koa/router';
import type Koa from 'koa';
import { type Actor, type RequestMeta, systemActor } from '../../../authz/actor.ts';
import type { BaseState } from '../../../http/types.ts';
import type { Services } from '../../../shared/services.ts';
import type { ScimClient } from './auth.ts';

/** One authenticated SCIM request, as the commands need it. */
export interface ScimRequest {
  services: Services;
  client: ScimClient;
  meta: RequestMeta;
  /** scheme://host of the request, for meta.location. */
  origin: string;
}

/** Koa state of a SCIM request once authenticated. */
export interface ScimState extends BaseState {
  scim: ScimRequest;
}
export type ScimContext = Koa.ParameterizedContext<ScimState> & { params: Record<string, string> };
export type ScimRouter = Router<ScimState>;

/** The audit actor of a SCIM client: `scim:<token name>`. */
export function scimActor(request: ScimRequest): Actor {
  return systemActor(`scim:${request.client.tokenName}`, request.meta);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a path id can be one of ours (anything else is simply not found). */
export const isUuid = (value: string) => UUID.test(value);
