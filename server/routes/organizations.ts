import { z } from 'zod';
import { createOrganization } from '../directory/organizations/createOrganization.ts';
import { deleteOrganization } from '../directory/organizations/deleteOrganization.ts';
import { getOrganization } from '../directory/organizations/getOrganization.ts';
import { listOrganizations } from '../directory/organizations/listOrganizations.ts';
import {
  createOrganizationBody,
  listOrganizationsQuery,
  organizationDetailView,
  organizationTreeNode,
  organizationView,
  updateOrganizationBody,
} from '../directory/organizations/schemas.ts';
import { updateOrganization } from '../directory/organizations/updateOrganization.ts';
import { idParams } from '../shared/schemas.ts';
import type { ApiScope } from './defineRoute.ts';
import { defineRoute } from './defineRoute.ts';

const tags = ['organizations'];

/** Declares the organization routes: the department/project tree, CRUD. */
export function registerOrganizationRoutes(scope: ApiScope): void {
  const { maxLimit, defaultLimit } = scope.services.config.lists;
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/organizations',
      operationId: 'listOrganizations',
      summary: 'List and search organizations, or get the whole tree flat',
      tags,
      query: listOrganizationsQuery(maxLimit, defaultLimit),
      response: {
        description: 'A page of organizations (tree nodes with `tree=true`)',
        schema: z.object({
          data: z.array(z.union([organizationTreeNode, organizationView])),
          total: z.number().int(),
        }),
      },
    },
    ({ services, auth, query }) => listOrganizations(services, auth.actor, query),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/organizations/:id',
      operationId: 'getOrganization',
      summary: 'Get an organization with its parent and counts',
      tags,
      params: idParams,
      response: { description: 'The organization', schema: organizationDetailView },
      errors: [404],
    },
    ({ services, auth, params }) => getOrganization(services, auth.actor, params.id),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/organizations',
      operationId: 'createOrganization',
      summary: 'Create an organization',
      tags,
      body: createOrganizationBody,
      response: { status: 201, description: 'Created', schema: organizationDetailView },
      errors: [409, 422],
    },
    ({ services, auth, body }) => createOrganization(services, auth.actor, body),
  );
  defineRoute(
    scope,
    {
      method: 'patch',
      path: '/organizations/:id',
      operationId: 'updateOrganization',
      summary: 'Change an organization (rename, move in the tree)',
      tags,
      params: idParams,
      body: updateOrganizationBody,
      response: { description: 'The organization', schema: organizationDetailView },
      errors: [404, 409, 422],
    },
    ({ services, auth, params, body }) => updateOrganization(services, auth.actor, params.id, body),
  );
  defineRoute(
    scope,
    {
      method: 'delete',
      path: '/organizations/:id',
      operationId: 'deleteOrganization',
      summary: 'Delete an empty organization',
      tags,
      params: idParams,
      response: { status: 204, description: 'Deleted' },
      errors: [404, 422],
    },
    async ({ services, auth, params }) => {
      await deleteOrganization(services, auth.actor, params.id);
      return undefined;
    },
  );
}
