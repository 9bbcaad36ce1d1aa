import { activateBody, deactivateBody, userView } from '../directory/users/schemas.ts';
import { activateUser } from '../identity/people/activateUser.ts';
import { changeStatuses } from '../identity/people/bulkStatus.ts';
import { deactivateUser } from '../identity/people/deactivateUser.ts';
import { getStatusHistory } from '../identity/people/readPersonRecords.ts';
import {
  bulkActivateBody,
  bulkCutOffBody,
  bulkStatusResult,
  statusHistory,
  suspendBody,
} from '../identity/people/schemas.ts';
import { suspendUser } from '../identity/people/suspendUser.ts';
import { idParams } from '../shared/schemas.ts';
import { type ApiScope, defineRoute } from './defineRoute.ts';

const tags = ['users'];
const user = { description: 'The person', schema: userView };
const bulk = { description: 'Who changed, and who was left and why', schema: bulkStatusResult };

/** Declares the lifecycle's doors of the console: one person, many people, and the history. */
export function registerUserStatusRoutes(scope: ApiScope): void {
  // Before the one-person routes: `/users/:id/deactivate` would otherwise take `bulk` for an id.
  for (const verb of ['deactivate', 'suspend'] as const)
    defineRoute(
      scope,
      {
        method: 'post',
        path: `/users/bulk/${verb}`,
        operationId: `${verb}Users`,
        summary: `${verb === 'deactivate' ? 'Deactivate' : 'Suspend'} many people at once`,
        description:
          'One transaction; people the caller may not act on, or who are already so, are skipped with a code.',
        tags,
        body: bulkCutOffBody,
        response: bulk,
      },
      ({ body, services, auth }) =>
        changeStatuses(services, auth.actor, auth.ability, verb, body.ids, body.reason),
    );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/users/bulk/activate',
      operationId: 'activateUsers',
      summary: 'Activate many people at once',
      tags,
      body: bulkActivateBody,
      response: bulk,
    },
    ({ body, services, auth }) =>
      changeStatuses(services, auth.actor, auth.ability, 'activate', body.ids, body.reason || null),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/users/:id/deactivate',
      operationId: 'deactivateUser',
      summary: 'Deactivate a person (every session and device ends; the core is told)',
      tags,
      params: idParams,
      body: deactivateBody,
      response: user,
      errors: [404, 409],
    },
    ({ params, body, services, auth }) =>
      deactivateUser(services, auth.actor, auth.ability, params.id, body.reason),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/users/:id/suspend',
      operationId: 'suspendUser',
      summary: 'Suspend a person (cut off like a deactivation; memberships kept)',
      description: 'A deactivated person cannot be suspended (409 `already_deactivated`).',
      tags,
      params: idParams,
      body: suspendBody,
      response: user,
      errors: [404, 409],
    },
    ({ params, body, services, auth }) =>
      suspendUser(services, auth.actor, auth.ability, params.id, body.reason),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/users/:id/activate',
      operationId: 'activateUser',
      summary: 'Activate a pending, suspended or deactivated person',
      tags,
      params: idParams,
      body: activateBody,
      response: user,
      errors: [404, 409],
    },
    ({ params, body, services, auth }) =>
      activateUser(services, auth.actor, auth.ability, params.id, body.reason || null),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/users/:id/status-history',
      operationId: 'getStatusHistory',
      summary: "A person's status changes: who, when, why, through which door",
      tags,
      params: idParams,
      response: { description: 'Newest first', schema: statusHistory },
      errors: [404],
    },
    async ({ params, services, auth }) => {
      const data = await getStatusHistory(services, auth.actor, auth.ability, params.id);
      return { data, total: data.length };
    },
  );
}
