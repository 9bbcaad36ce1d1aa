import { approveElevation } from '../identity/elevation/approveElevation.ts';
import { listElevationRequests } from '../identity/elevation/listElevationRequests.ts';
import { myElevation } from '../identity/elevation/myElevation.ts';
import { readElevationRequest } from '../identity/elevation/readElevationRequest.ts';
import { rejectElevation } from '../identity/elevation/rejectElevation.ts';
import { requestElevation } from '../identity/elevation/requestElevation.ts';
import {
  decisionBody,
  elevationRequestBody,
  elevationRequestView,
  listElevationRequestsQuery,
  myElevationView,
} from '../identity/elevation/schemas.ts';
import { idParams, listOf } from '../shared/schemas.ts';
import { type ApiScope, defineRoute } from './defineRoute.ts';

const tags = ['elevation'];
const request = { description: 'The elevation request', schema: elevationRequestView };

/**
 * Time-bound elevation (issue 18): a back-office person asks for a role for a while; a second
 * superadmin approves (the role is granted until approval + duration) or rejects; undecided
 * requests lapse. `GET /me/elevation` names the caller's time-bound roles in force.
 */
export function registerElevationRoutes(scope: ApiScope): void {
  const { maxLimit, defaultLimit } = scope.services.config.lists;
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/elevation-requests',
      operationId: 'requestElevation',
      summary: 'Ask for a back-office role for a number of minutes, with a reason',
      description:
        'Any signed-in back-office person. `durationMinutes` is at most `elevation.maxDurationMinutes` (400 `validation_failed` at the field otherwise); the request lapses after `elevation.requestLapseMinutes`.',
      tags,
      body: elevationRequestBody,
      response: { ...request, status: 201 },
    },
    ({ body, services, auth }) => requestElevation(services, auth.actor, auth.ability, body),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/elevation-requests',
      operationId: 'listElevationRequests',
      summary: 'Elevation requests, newest first: your own (superadmins and auditors: everyone’s)',
      tags,
      query: listElevationRequestsQuery(maxLimit, defaultLimit),
      response: { description: 'A page of requests', schema: listOf(elevationRequestView) },
    },
    ({ query, services, auth }) => listElevationRequests(services, auth.actor, auth.ability, query),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/elevation-requests/:id',
      operationId: 'getElevationRequest',
      summary: 'One elevation request',
      tags,
      params: idParams,
      response: request,
      errors: [404],
    },
    ({ params, services, auth }) =>
      readElevationRequest(services, auth.actor, auth.ability, params.id),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/elevation-requests/:id/approve',
      operationId: 'approveElevationRequest',
      summary: 'Approve a request: the role is granted until now + the requested duration',
      description:
        'Superadmins other than the requester (403 `second_approver_required` for the requester, even a superadmin). 409 `elevation_lapsed` past its lapse time, `elevation_decided` once decided.',
      tags,
      params: idParams,
      body: decisionBody,
      response: request,
      errors: [404, 409],
    },
    ({ params, body, services, auth }) =>
      approveElevation(services, auth.actor, auth.ability, params.id, body.reason),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/elevation-requests/:id/reject',
      operationId: 'rejectElevationRequest',
      summary: 'Reject a request, with a reason',
      description: 'The same people and refusals as approving.',
      tags,
      params: idParams,
      body: decisionBody,
      response: request,
      errors: [404, 409],
    },
    ({ params, body, services, auth }) =>
      rejectElevation(services, auth.actor, auth.ability, params.id, body.reason),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/me/elevation',
      operationId: 'getMyElevation',
      summary: 'Your time-bound back-office roles in force now, soonest to end first',
      tags: ['session'],
      response: { description: 'The roles and until when', schema: myElevationView },
    },
    ({ services, auth }) => myElevation(services, auth.actor),
  );
}
