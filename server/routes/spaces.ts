import { addMembers } from '../directory/spaces/addMembers.ts';
import { createSpace } from '../directory/spaces/createSpace.ts';
import { deleteSpace } from '../directory/spaces/deleteSpace.ts';
import { getSpace } from '../directory/spaces/getSpace.ts';
import { listMembers } from '../directory/spaces/listMembers.ts';
import { listSpaces } from '../directory/spaces/listSpaces.ts';
import { removeMember } from '../directory/spaces/removeMember.ts';
import {
  addMembersBody,
  addMembersResult,
  createSpaceBody,
  listMembersQuery,
  listSpacesQuery,
  memberParams,
  memberView,
  spaceView,
  updateSpaceBody,
} from '../directory/spaces/schemas.ts';
import { updateSpace } from '../directory/spaces/updateSpace.ts';
import { idParams, listOf } from '../shared/schemas.ts';
import { type ApiScope, defineRoute } from './defineRoute.ts';

const tags = ['spaces'];

/** Declares the space routes: CRUD and membership. */
export function registerSpaceRoutes(scope: ApiScope): void {
  const { maxLimit, defaultLimit } = scope.services.config.lists;
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/spaces',
      operationId: 'listSpaces',
      summary: 'List and search spaces, with member counts',
      tags,
      query: listSpacesQuery(maxLimit, defaultLimit),
      response: { description: 'A page of spaces', schema: listOf(spaceView) },
    },
    ({ services, auth, query }) => listSpaces(services, auth.actor, query),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/spaces/:id',
      operationId: 'getSpace',
      summary: 'Get a space',
      tags,
      params: idParams,
      response: { description: 'The space', schema: spaceView },
      errors: [404],
    },
    ({ services, auth, params }) => getSpace(services, auth.actor, params.id),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/spaces',
      operationId: 'createSpace',
      summary: 'Create a space',
      tags,
      body: createSpaceBody,
      response: { status: 201, description: 'Created', schema: spaceView },
      errors: [409, 422],
    },
    ({ services, auth, body }) => createSpace(services, auth.actor, body),
  );
  defineRoute(
    scope,
    {
      method: 'patch',
      path: '/spaces/:id',
      operationId: 'updateSpace',
      summary: 'Change a space',
      tags,
      params: idParams,
      body: updateSpaceBody,
      response: { description: 'The space', schema: spaceView },
      errors: [404, 409, 422],
    },
    ({ services, auth, params, body }) => updateSpace(services, auth.actor, params.id, body),
  );
  defineRoute(
    scope,
    {
      method: 'delete',
      path: '/spaces/:id',
      operationId: 'deleteSpace',
      summary: 'Delete a space and its memberships',
      tags,
      params: idParams,
      response: { status: 204, description: 'Deleted' },
      errors: [404],
    },
    async ({ services, auth, params }) => {
      await deleteSpace(services, auth.actor, params.id);
      return undefined;
    },
  );
  registerMemberRoutes(scope, maxLimit, defaultLimit);
}

function registerMemberRoutes(scope: ApiScope, maxLimit: number, defaultLimit: number): void {
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/spaces/:id/members',
      operationId: 'listSpaceMembers',
      summary: 'List the members of a space',
      tags,
      params: idParams,
      query: listMembersQuery(maxLimit, defaultLimit),
      response: { description: 'A page of members', schema: listOf(memberView) },
      errors: [404],
    },
    ({ services, auth, params, query }) => listMembers(services, auth.actor, params.id, query),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/spaces/:id/members',
      operationId: 'addSpaceMembers',
      summary: 'Add people to a space (existing members are skipped)',
      tags,
      params: idParams,
      body: addMembersBody,
      response: { description: 'Who was added', schema: addMembersResult },
      errors: [404, 422],
    },
    ({ services, auth, params, body }) => addMembers(services, auth.actor, params.id, body.userIds),
  );
  defineRoute(
    scope,
    {
      method: 'delete',
      path: '/spaces/:id/members/:userId',
      operationId: 'removeSpaceMember',
      summary: 'Remove a person from a space',
      tags,
      params: memberParams,
      response: { status: 204, description: 'Removed' },
      errors: [404],
    },
    async ({ services, auth, params }) => {
      await removeMember(services, auth.actor, params.id, params.userId);
      return undefined;
    },
  );
}
