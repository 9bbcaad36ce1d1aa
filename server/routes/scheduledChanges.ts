import { z } from 'zod';
import { idParams, listOf, paragraph } from '../shared/schemas.ts';
import { listScheduledChanges } from '../sources/hr/schedule/list.ts';
import { cancelScheduledChange, scheduleDeactivation } from '../sources/hr/schedule/manual.ts';
import {
  createScheduledBody,
  listScheduledQuery,
  scheduledChangeView,
} from '../sources/hr/schedule/schemas.ts';
import type { ApiScope } from './defineRoute.ts';
import { defineRoute } from './defineRoute.ts';

const tags = ['scheduled changes'];

const cancelBody = z.object({ reason: paragraph(1000).optional() }).strict();

/** Declares scheduled status changes: list, schedule a leaver by hand, cancel. */
export function registerScheduledChangeRoutes(scope: ApiScope): void {
  const { maxLimit, defaultLimit } = scope.services.config.lists;
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/scheduled-changes',
      operationId: 'listScheduledChanges',
      summary: 'List scheduled status changes (live by default)',
      description:
        'Deactivations at the end of a termination day and activations on a start day, in the company time zone. Live changes soonest first; fired, cancelled and all newest first.',
      tags,
      query: listScheduledQuery(maxLimit, defaultLimit),
      response: { description: 'A page of changes', schema: listOf(scheduledChangeView) },
    },
    ({ services, auth, query }) => listScheduledChanges(services, auth.actor, query),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/scheduled-changes',
      operationId: 'createScheduledChange',
      summary: "Schedule a leaver's deactivation for the end of a day (by hand)",
      description:
        'The person is deactivated at the end of `date` in the company time zone. HR data is not changed.',
      tags,
      body: createScheduledBody,
      response: { status: 201, description: 'Scheduled', schema: scheduledChangeView },
      errors: [404, 409, 422],
    },
    ({ services, auth, body }) => scheduleDeactivation(services, auth.actor, body),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/scheduled-changes/:id/cancel',
      operationId: 'cancelScheduledChange',
      summary: 'Cancel a live scheduled change',
      tags,
      params: idParams,
      body: cancelBody,
      response: { description: 'Cancelled', schema: scheduledChangeView },
      errors: [404, 409],
    },
    ({ services, auth, params, body }) =>
      cancelScheduledChange(services, auth.actor, params.id, body.reason ?? null),
  );
}
