import { endGrant } from '../identity/grants/endGrant.ts';
import { grantRole } from '../identity/grants/grantRole.ts';
import { listGrants } from '../identity/grants/listGrants.ts';
import {
  endGrantBody,
  grantBody,
  grantParams,
  roleGrantList,
  roleGrantView,
} from '../identity/grants/schemas.ts';
import { idParams } from '../shared/schemas.ts';
import { type ApiScope, defineRoute } from './defineRoute.ts';

const tags = ['users'];
const grant = { description: 'The role grant', schema: roleGrantView };

/** A person's role grants (issue 18): scoped and/or time-bound back-office roles. */
export function registerRoleGrantRoutes(scope: ApiScope): void {
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/users/:id/grants',
      operationId: 'listRoleGrants',
      summary: "A person's role grants, in force and ended",
      tags,
      params: idParams,
      response: { description: 'The grants', schema: roleGrantList },
      errors: [404],
    },
    ({ params, services, auth }) => listGrants(services, auth.actor, auth.ability, params.id),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/users/:id/grants',
      operationId: 'grantRole',
      summary: 'Grant a back-office role inside organization subtrees and/or until a time',
      tags,
      params: idParams,
      body: grantBody,
      response: { ...grant, status: 201 },
      errors: [404],
    },
    ({ params, body, services, auth }) =>
      grantRole(services, auth.actor, auth.ability, params.id, body),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/users/:id/grants/:grantId/end',
      operationId: 'endRoleGrant',
      summary: 'Withdraw a role grant before its time',
      tags,
      params: grantParams,
      body: endGrantBody,
      response: grant,
      errors: [404, 409],
    },
    ({ params, body, services, auth }) =>
      endGrant(services, auth.actor, auth.ability, params.id, params.grantId, body.reason),
  );
}
