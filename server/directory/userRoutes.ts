import { type ApiScope, defineRoute } from '../http/route.ts';
import { idParams } from '../http/schemas.ts';
import { activateUser } from './users/activateUser.ts';
import { changeLoginMethod } from './users/changeLoginMethod.ts';
import { changeRole } from './users/changeRole.ts';
import { createUser } from './users/createUser.ts';
import { deactivateUser } from './users/deactivateUser.ts';
import { getUser } from './users/getUser.ts';
import { listBackofficeAccounts } from './users/listBackofficeAccounts.ts';
import { listUsers } from './users/listUsers.ts';
import {
  activateBody,
  backofficeListQuery,
  createUserBody,
  deactivateBody,
  loginMethodBody,
  roleBody,
  updateUserBody,
  userCard,
  userList,
  userListQuery,
  userView,
} from './users/schemas.ts';
import { updateUser } from './users/updateUser.ts';

const tags = ['users'];
const user = { description: 'The person', schema: userView };

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
    ({ params, services, auth }) => getUser(services, auth.actor, auth.ability, params.id),
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
}

/** Status, login method and role changes. */
function registerStatusRoutes(scope: ApiScope): void {
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/users/:id/deactivate',
      operationId: 'deactivateUser',
      summary: 'Deactivate a person (and end their back-office sessions)',
      tags,
      params: idParams,
      body: deactivateBody,
      response: user,
      errors: [404, 409],
    },
    ({ params, body, services, auth }) =>
      deactivateUser(services, auth.actor, auth.ability, params.id, body.reason),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/users/:id/activate',
      operationId: 'activateUser',
      summary: 'Activate a pending or deactivated person',
      tags,
      params: idParams,
      body: activateBody,
      response: user,
      errors: [404, 409],
    },
    ({ params, body, services, auth }) =>
      activateUser(services, auth.actor, auth.ability, params.id, body.reason || null),
  );
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
      changeRole(services, auth.actor, auth.ability, params.id, body.role, body.reason || null),
  );
}
