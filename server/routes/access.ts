import type { Context } from 'koa';
import type { CsvFile } from '../identity/access/csv.ts';
import { exportAccessView } from '../identity/access/exportAccessView.ts';
import { exportPersonAccess, exportSpaceMembers } from '../identity/access/exportMembership.ts';
import { listAccessView } from '../identity/access/listAccessView.ts';
import { getPersonAccess } from '../identity/access/personAccess.ts';
import {
  accessExportQuery,
  accessLangQuery,
  accessRowView,
  accessViewParams,
  accessViewQuery,
  personAccessQuery,
  personAccessView,
} from '../identity/access/schemas.ts';
import { idParams, listOf } from '../shared/schemas.ts';
import { type ApiScope, defineRoute } from './defineRoute.ts';

const tags = ['access'];
const csv = { description: 'The rows, as a CSV attachment (UTF-8, BOM)', contentType: 'text/csv' };
const audited =
  'Audited `access.exported` (filters) before the first byte and `access.export_finished` (row count) at the end.';

function attach(ctx: Context, file: CsvFile): undefined {
  ctx.set('Content-Disposition', `attachment; filename="${file.filename}"`);
  ctx.type = file.contentType;
  ctx.body = file.body;
  return undefined;
}

/**
 * The access views (issue 18, scope 4): what a person can get into and why, a space's members
 * and why, and the company's lists of dormant people, people gone from their sources and
 * back-office accounts without a second factor or unused; each with a CSV export.
 */
export function registerAccessRoutes(scope: ApiScope): void {
  const { maxLimit, defaultLimit } = scope.services.config.lists;
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/users/:id/access',
      operationId: 'getPersonAccess',
      summary: "A person's organization, spaces (with why) and back-office rights in force",
      tags,
      params: idParams,
      query: personAccessQuery(maxLimit, defaultLimit),
      response: { description: 'The person’s access', schema: personAccessView },
      errors: [404],
    },
    ({ services, auth, params, query }) =>
      getPersonAccess(services, auth.actor, auth.ability, params.id, query),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/users/:id/access/export',
      operationId: 'exportPersonAccess',
      summary: "Export a person's organization, spaces and rights as CSV",
      description: audited,
      tags,
      params: idParams,
      query: accessLangQuery,
      response: csv,
      errors: [404],
    },
    async ({ services, auth, params, query, ctx }) =>
      attach(ctx, await exportPersonAccess(services, auth.actor, auth.ability, params.id, query)),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/spaces/:id/members/export',
      operationId: 'exportSpaceMembers',
      summary: "Export a space's members, with why each is in it, as CSV",
      description: audited,
      tags,
      params: idParams,
      query: accessLangQuery,
      response: csv,
      errors: [404],
    },
    async ({ services, auth, params, query, ctx }) =>
      attach(ctx, await exportSpaceMembers(services, auth.actor, auth.ability, params.id, query)),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/access/:view',
      operationId: 'listAccessView',
      summary: 'A company access view: dormant, orphaned, no-second-factor, unused-backoffice',
      tags,
      params: accessViewParams,
      query: accessViewQuery(maxLimit, defaultLimit),
      response: { description: 'A page of people', schema: listOf(accessRowView) },
    },
    ({ services, auth, params, query }) =>
      listAccessView(services, auth.actor, auth.ability, params.view, query),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/access/:view/export',
      operationId: 'exportAccessView',
      summary: 'Export a company access view, filtered, as CSV',
      description: audited,
      tags,
      params: accessViewParams,
      query: accessExportQuery,
      response: csv,
    },
    async ({ services, auth, params, query, ctx }) =>
      attach(ctx, await exportAccessView(services, auth.actor, auth.ability, params.view, query)),
  );
}
