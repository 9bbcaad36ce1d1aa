import { z } from 'zod';
import { createUser } from '../directory/users/createUser.ts';
import { getUser } from '../directory/users/getUser.ts';
import { listBackofficeAccounts } from '../directory/users/listBackofficeAccounts.ts';
import { listUsers } from '../directory/users/listUsers.ts';
import {
  backofficeListQuery,
  createUserBody,
  loginMethodBody,
  personCard,
  roleBody,
  updateUserBody,
  userList,
  userListQuery,
  userView,
} from '../directory/users/schemas.ts';
import { updateUser } from '../directory/users/updateUser.ts';
import { credentialFactsView } from '../identity/credentialFacts.ts';
import { changeLoginMethod } from '../identity/people/changeLoginMethod.ts';
import { changeRole } from '../identity/people/changeRole.ts';
import { getCredentialFacts } from '../identity/people/readPersonRecords.ts';
import { idParams } from '../shared/schemas.ts';
import { liveChangesForCard } from '../sources/hr/schedule/list.ts';
import { scheduledChangeView } from '../sources/hr/schedule/schemas.ts';
import { type ApiScope, defineRoute } from './defineRoute.ts';
import { registerRoleGrantRoutes } from './roleGrants.ts';
import { registerUserStatusRoutes } from './userStatus.ts';

const tags = ['users'];
const user = { description: 'The person', schema: userView };

/**
 * A person's card (GET /users/:id): the directory's card, HR's live scheduled status changes (a
 * leaver's deactivation, a new hire's activation; null for those who may not read them) and what
 * is known of the person's credentials.
 */
const userCard = personCard.extend({
  scheduledChanges: z.array(scheduledChangeView).nullable(),
  ...credentialFactsView.shape,
});

/** A person's card as GET /users/:id answers it (userCard). */
export type UserCard = z.infer<typeof userCard>;

/** Declares the people routes: list and search, card, create, edit, status, login, role. */
export function registerUserRoutes(scope: ApiScope): void {
  const { maxLimit, defaultLimit } = scope.services.config.lists;
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/users',
      operationId: 'listUsers',
      summary: 'List and search people',
      description:
        '`q` matches every token against full name, email, username and phone (any format).',
      tags,
      query: userListQuery(maxLimit, defaultLimit),
      response: { description: 'A page of people', schema: userList },
    },
    ({ query, services, auth }) => listUsers(services, auth.actor, auth.ability, query),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/backoffice-accounts',
      operationId: 'listBackofficeAccounts',
      summary: 'List people holding a back-office role',
      tags,
      query: backofficeListQuery(maxLimit, defaultLimit),
      response: { description: 'A page of back-office accounts', schema: userList },
    },
    ({ query, services, auth }) =>
      listBackofficeAccounts(services, auth.actor, auth.ability, query),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/users/:id',
      operationId: 'getUser',
      summary: "A person's card (with second-factor state and spaces)",
      tags,
      params: idParams,
      response: { description: 'The person', schema: userCard },
      errors: [404],
    },
    async ({ params, services, auth }): Promise<UserCard> => {
      const card = await getUser(services, auth.actor, auth.ability, params.id);
      const scheduledChanges = await liveChangesForCard(services, auth.ability, params.id);
      const credentials = await getCredentialFacts(services, auth.actor, auth.ability, params.id);
      return { ...card, scheduledChanges, ...credentials };
    },
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/users',
      operationId: 'createUser',
      summary: 'Add a person by hand',
      tags,
      body: createUserBody,
      response: { ...user, status: 201 },
      errors: [409, 422],
    },
    ({ body, services, auth }) => createUser(services, auth.actor, auth.ability, body),
  );
  defineRoute(
    scope,
    {
      method: 'patch',
      path: '/users/:id',
      operationId: 'updateUser',
      summary: "Edit a person's profile",
      description: 'Send the `version` you read; a stale one answers 409 `version_conflict`.',
      tags,
      params: idParams,
      body: updateUserBody,
      response: user,
      errors: [404, 409, 422],
    },
    ({ params, body, services, auth }) => {
      const { version, ...changes } = body;
      return updateUser(services, auth.actor, auth.ability, params.id, { version, changes });
    },
  );
  registerStatusRoutes(scope);
  registerUserStatusRoutes(scope);
  registerRoleGrantRoutes(scope);
}

/** Login method and role changes (status changes: userStatus.ts). */
function registerStatusRoutes(scope: ApiScope): void {
  defineRoute(
    scope,
    {
      method: 'put',
      path: '/users/:id/login-method',
      operationId: 'changeLoginMethod',
      summary: 'Change how a person signs in (clears the stored password)',
      tags,
      params: idParams,
      body: loginMethodBody,
      response: user,
      errors: [404],
    },
    ({ params, body, services, auth }) =>
      changeLoginMethod(services, auth.actor, auth.ability, params.id, body.loginMethod),
  );
  defineRoute(
    scope,
    {
      method: 'put',
      path: '/users/:id/role',
      operationId: 'changeRole',
      summary: "Grant, change or withdraw a person's back-office role",
      tags,
      params: idParams,
      body: roleBody,
      response: user,
      errors: [404, 409],
    },
    ({ params, body, services, auth }) =>
      changeRole(services, auth.actor, auth.ability, params.id, body.role, body.reason),
  );
}
