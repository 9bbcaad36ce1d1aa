import { z } from 'zod';
import {
  deliveryListQuery,
  deliverySummary,
  deliveryView,
  listDeliveries,
  resolveDeadDelivery,
  summarizeDeliveries,
} from '../core/deliveries.ts';
import { type ApiScope, defineRoute } from './defineRoute.ts';

const tags = ['core'];
const deliveryParams = z
  .object({ id: z.string().regex(/^[1-9][0-9]{0,17}$/, 'must be a delivery id') })
  .strict();

/** Declares the outbox delivery routes (admin and up; auditors read). */
export function registerDeliveryRoutes(scope: ApiScope): void {
  const { maxLimit, defaultLimit } = scope.services.config.lists;
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/core/deliveries',
      operationId: 'listCoreDeliveries',
      summary: 'Outbox events for the messaging core, by status',
      description:
        'pending and dead oldest first (the order they go out in), delivered and skipped newest first.',
      tags,
      query: deliveryListQuery(maxLimit, defaultLimit),
      response: {
        description: 'A page of deliveries',
        schema: z.object({ data: z.array(deliveryView), total: z.number().int() }),
      },
    },
    ({ services, auth, query }) => listDeliveries(services, auth.actor, query),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/core/deliveries/summary',
      operationId: 'summarizeCoreDeliveries',
      summary: 'Delivery counts per connector and status',
      tags,
      response: { description: 'Counts per connector', schema: deliverySummary },
    },
    ({ services, auth }) => summarizeDeliveries(services, auth.actor),
  );
  for (const action of ['retry', 'skip'] as const) {
    defineRoute(
      scope,
      {
        method: 'post',
        path: `/core/deliveries/:id/${action}`,
        operationId: action === 'retry' ? 'retryCoreDelivery' : 'skipCoreDelivery',
        summary:
          action === 'retry'
            ? 'Make a dead delivery pending again (fresh attempts, due now)'
            : "Give up on a dead delivery so its person's later events go out",
        tags,
        params: deliveryParams,
        response: { description: 'The delivery after the change', schema: deliveryView },
        errors: [404, 409],
      },
      ({ services, auth, params }) => resolveDeadDelivery(services, auth.actor, params.id, action),
    );
  }
}
