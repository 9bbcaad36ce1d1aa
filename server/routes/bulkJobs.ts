import { exportUsers, exportUsersQuery } from '../directory/users/exportUsers.ts';
import { cancelBulkJob } from '../identity/bulkJobs/cancelBulkJob.ts';
import { bulkJobReport, getBulkJob } from '../identity/bulkJobs/readBulkJob.ts';
import { bulkJobView, bulkReportQuery, startBulkJobBody } from '../identity/bulkJobs/schemas.ts';
import { startBulkJob } from '../identity/bulkJobs/startBulkJob.ts';
import { idParams } from '../shared/schemas.ts';
import { type ApiScope, defineRoute } from './defineRoute.ts';

const tags = ['bulk'];
const job = { description: 'The job, its progress and counts', schema: bulkJobView };

/**
 * Declares work on the people list's whole selection (issue 16): the export, and bulk jobs
 * (start, progress, cancel, report). Registered before the people routes, whose `/users/:id`
 * would otherwise take `export` for an id.
 */
export function registerBulkRoutes(scope: ApiScope): void {
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/users/export',
      operationId: 'exportUsers',
      summary: 'Export the filtered people list as streamed CSV (UTF-8, BOM) or XLSX',
      description:
        'The filters of `GET /users`; audited `user.exported` (filter) before the first byte and `user.export_finished` (row count) at the end.',
      tags: ['users'],
      query: exportUsersQuery,
      response: { description: 'The people, as an attachment', contentType: 'text/csv' },
    },
    async ({ services, auth, query, ctx }) => {
      const file = await exportUsers(services, auth.actor, auth.ability, query);
      ctx.set('Content-Disposition', `attachment; filename="${file.filename}"`);
      ctx.type = file.contentType;
      ctx.body = file.body;
      return undefined;
    },
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/bulk-jobs',
      operationId: 'startBulkJob',
      summary: 'Start a job on everyone the people list filter matches',
      description:
        'Deactivate, activate, suspend, invite, move to an organization, add to or remove from a space. Runs in the background, one transaction per chunk; poll `GET /bulk-jobs/:id`.',
      tags,
      body: startBulkJobBody,
      response: { status: 202, ...job },
      errors: [404, 422],
    },
    ({ services, auth, body }) => startBulkJob(services, auth.actor, auth.ability, body),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/bulk-jobs/:id',
      operationId: 'getBulkJob',
      summary: "A bulk job's progress and counts",
      tags,
      params: idParams,
      response: job,
      errors: [404],
    },
    ({ services, auth, params }) => getBulkJob(services, auth.actor, auth.ability, params.id),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/bulk-jobs/:id/cancel',
      operationId: 'cancelBulkJob',
      summary: 'Stop a bulk job at its next chunk boundary',
      tags,
      params: idParams,
      response: job,
      errors: [404, 409],
    },
    ({ services, auth, params }) => cancelBulkJob(services, auth.actor, auth.ability, params.id),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/bulk-jobs/:id/report',
      operationId: 'getBulkJobReport',
      summary: "A bulk job's per-person results as CSV (UTF-8, BOM)",
      tags,
      params: idParams,
      query: bulkReportQuery,
      response: { description: 'The report, as an attachment', contentType: 'text/csv' },
      errors: [404],
    },
    async ({ services, auth, params, query, ctx }) => {
      const report = await bulkJobReport(services, auth.actor, auth.ability, params.id, query.lang);
      ctx.set('Content-Disposition', `attachment; filename="${report.filename}"`);
      ctx.type = 'text/csv; charset=utf-8';
      ctx.body = report.body;
      return undefined;
    },
  );
}
