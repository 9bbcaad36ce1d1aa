import { idParams, listOf } from '../shared/schemas.ts';
import { deleteDirectorySource, sourceDeletedView } from '../sources/deleteSource.ts';
import {
  approveRun,
  cancelRun,
  decidePlanItem,
  getPlan,
  getRun,
  listRuns,
  readRun,
  requestSync,
} from '../sources/runCommands.ts';
import type { StartedRun } from '../sources/runs.ts';
import {
  connectionTestView,
  createSourceBody,
  listRunsQuery,
  planDecisionBody,
  planDecisionView,
  planItemParams,
  planItemView,
  planQuery,
  runView,
  sourceChangeView,
  sourceIdParams,
  sourceView,
  syncBody,
  syncQuery,
  testSourceBody,
  updateSourceBody,
} from '../sources/schemas.ts';
import {
  createDirectorySource,
  getDirectorySource,
  listDirectorySources,
  updateDirectorySource,
} from '../sources/sourceCommands.ts';
import { testDirectorySource } from '../sources/testSource.ts';
import type { ApiScope } from './defineRoute.ts';
import { defineRoute } from './defineRoute.ts';
import { answerGated, GATED_DESCRIPTION } from './gated.ts';

const tags = ['directory sync'];

/** Declares directory sources and sync runs: configure, run, read plans, approve, cancel. */
export function registerDirectorySyncRoutes(scope: ApiScope): void {
  const { maxLimit, defaultLimit } = scope.services.config.lists;
  // With ?wait=true the answer comes once the run has planned, applied or stopped to wait.
  const answer = async (started: StartedRun, wait: string) => {
    if (wait === 'true') await started.done;
    return readRun(scope.services, started.runId);
  };
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/directory-sources',
      operationId: 'listDirectorySources',
      summary: 'List directory sources (from config/ and defined through the API)',
      tags,
      response: { description: 'Every source', schema: listOf(sourceView) },
    },
    ({ services, auth }) => listDirectorySources(services, auth.actor),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/directory-sources/:id',
      operationId: 'getDirectorySource',
      summary: 'Get a directory source',
      tags,
      params: sourceIdParams,
      response: { description: 'The source', schema: sourceView },
      errors: [404],
    },
    ({ services, auth, params }) => getDirectorySource(services, auth.actor, params.id),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/directory-sources',
      operationId: 'createDirectorySource',
      description: GATED_DESCRIPTION,
      summary: 'Define a directory source (superadmin)',
      tags,
      body: createSourceBody,
      response: { status: 201, description: 'Created', schema: sourceChangeView },
      errors: [409],
    },
    async ({ services, auth, body, ctx }) =>
      answerGated(ctx, await createDirectorySource(services, auth.actor, body)),
  );
  defineRoute(
    scope,
    {
      method: 'patch',
      path: '/directory-sources/:id',
      operationId: 'updateDirectorySource',
      description: GATED_DESCRIPTION,
      summary: 'Change a directory source defined through the API (superadmin)',
      tags,
      params: sourceIdParams,
      body: updateSourceBody,
      response: {
        description: 'The source, and what happened to its bind password',
        schema: sourceChangeView,
      },
      errors: [404, 409],
    },
    async ({ services, auth, params, body, ctx }) =>
      answerGated(ctx, await updateDirectorySource(services, auth.actor, params.id, body)),
  );
  defineRoute(
    scope,
    {
      method: 'delete',
      path: '/directory-sources/:id',
      operationId: 'deleteDirectorySource',
      description: GATED_DESCRIPTION,
      summary:
        'Delete a disabled directory source defined through the API (superadmin); its people are released to manual management',
      tags,
      params: sourceIdParams,
      response: { description: 'What the deletion did', schema: sourceDeletedView },
      errors: [404, 409],
    },
    async ({ services, auth, params, ctx }) =>
      answerGated(ctx, await deleteDirectorySource(services, auth.actor, params.id)),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/directory-sources/:id/test',
      operationId: 'testDirectorySource',
      summary:
        'Test the connection step by step and preview the first entries (superadmin); a failed step is a result, not an error',
      tags,
      params: sourceIdParams,
      body: testSourceBody,
      response: { description: 'Every step in order, and the preview', schema: connectionTestView },
      errors: [404],
    },
    ({ services, auth, params, body }) =>
      testDirectorySource(services, auth.actor, params.id, body),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/directory-sources/:id/sync',
      operationId: 'syncDirectorySource',
      summary: 'Run a sync now: full, incremental, or a dry run (plan only)',
      tags,
      params: sourceIdParams,
      query: syncQuery,
      body: syncBody,
      response: { status: 202, description: 'The run', schema: runView },
      errors: [404, 409],
    },
    async ({ services, auth, params, query, body }) =>
      answer(await requestSync(services, auth.actor, params.id, body.mode), query.wait),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/sync-runs',
      operationId: 'listSyncRuns',
      summary: 'List sync runs, newest first',
      tags,
      query: listRunsQuery(maxLimit, defaultLimit),
      response: { description: 'A page of runs', schema: listOf(runView) },
    },
    ({ services, auth, query }) => listRuns(services, auth.actor, query),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/sync-runs/:id',
      operationId: 'getSyncRun',
      summary: 'Get a sync run: status, counts, cursor, errors',
      tags,
      params: idParams,
      response: { description: 'The run', schema: runView },
      errors: [404],
    },
    ({ services, auth, params }) => getRun(services, auth.actor, params.id),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/sync-runs/:id/plan',
      operationId: 'getSyncRunPlan',
      summary: "A page of a run's plan: per person, the action and the attribute diff",
      tags,
      params: idParams,
      query: planQuery(maxLimit, defaultLimit),
      response: { description: 'Plan items in order', schema: listOf(planItemView) },
      errors: [404],
    },
    ({ services, auth, params, query }) => getPlan(services, auth.actor, params.id, query),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/sync-runs/:id/plan/:seq/decision',
      operationId: 'decideSyncRunPlanItem',
      summary:
        'Decide a reconnection proposal (admin and up): link the entry to the proposed person, create a new person (the former one releases the login and e-mail) or ignore it; applied by the next run',
      tags,
      params: planItemParams,
      body: planDecisionBody,
      response: { description: 'The recorded decision', schema: planDecisionView },
      errors: [404, 409],
    },
    ({ services, auth, params, body }) =>
      decidePlanItem(services, auth.actor, params.id, params.seq, body),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/sync-runs/:id/approve',
      operationId: 'approveSyncRun',
      summary: 'Approve a run held by the deactivation threshold (admin and up)',
      tags,
      params: idParams,
      query: syncQuery,
      response: { status: 202, description: 'The run, now applying', schema: runView },
      errors: [404, 409],
    },
    async ({ services, auth, params, query }) =>
      answer(await approveRun(services, auth.actor, params.id), query.wait),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/sync-runs/:id/cancel',
      operationId: 'cancelSyncRun',
      summary: 'Cancel a run waiting for approval, or stop a live one at its next batch',
      tags,
      params: idParams,
      response: { description: 'The run', schema: runView },
      errors: [404, 409],
    },
    ({ services, auth, params }) => cancelRun(services, auth.actor, params.id),
  );
}
