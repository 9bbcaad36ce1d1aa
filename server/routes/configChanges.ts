import type { ConfigAppliers } from '../commands/configChanges/applier.ts';
import { approveConfigChange } from '../commands/configChanges/approveConfigChange.ts';
import { getConfigChange, listConfigChanges } from '../commands/configChanges/readConfigChanges.ts';
import { rejectConfigChange } from '../commands/configChanges/rejectConfigChange.ts';
import {
  configChangeView,
  listConfigChangesQuery,
  rejectConfigChangeBody,
} from '../commands/configChanges/schemas.ts';
import { idParams, listOf } from '../shared/schemas.ts';
import { directorySourceApplier } from '../sources/configChangeApplier.ts';
import { type ApiScope, defineRoute } from './defineRoute.ts';

const tags = ['configuration changes'];
const change = { description: 'The configuration change', schema: configChangeView };

/** Every setting under dual control, with the code that applies an approved change of it. */
const APPLIERS: ConfigAppliers = { directory_source: directorySourceApplier };

/**
 * Declares dual control of sensitive configuration (issue 18, scope 3): the history of changes,
 * one change, and the second superadmin's approval or rejection.
 */
export function registerConfigChangeRoutes(scope: ApiScope): void {
  const { maxLimit, defaultLimit } = scope.services.config.lists;
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/config-changes',
      operationId: 'listConfigChanges',
      summary:
        'Configuration changes, newest first: pending ones and the history (superadmin, auditor)',
      tags,
      query: listConfigChangesQuery(maxLimit, defaultLimit),
      response: { description: 'A page of changes', schema: listOf(configChangeView) },
    },
    ({ services, auth, query }) => listConfigChanges(services, auth.actor, query),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/config-changes/:id',
      operationId: 'getConfigChange',
      summary: 'One configuration change (superadmin, auditor)',
      tags,
      params: idParams,
      response: change,
      errors: [404],
    },
    ({ services, auth, params }) => getConfigChange(services, auth.actor, params.id),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/config-changes/:id/approve',
      operationId: 'approveConfigChange',
      summary: 'Approve and apply a pending change (another superadmin than the requester)',
      tags,
      params: idParams,
      response: change,
      errors: [403, 404, 409],
    },
    ({ services, auth, params }) => approveConfigChange(services, auth.actor, params.id, APPLIERS),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/config-changes/:id/reject',
      operationId: 'rejectConfigChange',
      summary: 'Reject a pending change with a reason (superadmin; the requester withdraws)',
      tags,
      params: idParams,
      body: rejectConfigChangeBody,
      response: change,
      errors: [404, 409],
    },
    ({ services, auth, params, body }) =>
      rejectConfigChange(services, auth.actor, params.id, body.reason),
  );
}
