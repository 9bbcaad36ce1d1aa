import { idParams, listOf } from '../shared/schemas.ts';
import {
  createScimToken,
  listScimTokens,
  revokeScimToken,
} from '../sources/hr/scim/tokens/commands.ts';
import { createdTokenView, createTokenBody, tokenView } from '../sources/hr/scim/tokens/schemas.ts';
import { type ApiScope, defineRoute } from './defineRoute.ts';

const tags = ['scim'];

/** The admin API of SCIM tokens: list (superadmin, auditor), create and revoke (superadmin). */
export function registerScimTokenRoutes(scope: ApiScope): void {
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/scim-tokens',
      operationId: 'listScimTokens',
      summary: 'List SCIM tokens (never their secrets); configured ones have origin config',
      tags,
      response: { description: 'Every token', schema: listOf(tokenView) },
      errors: [401, 403],
    },
    ({ services, auth }) => listScimTokens(services, auth.actor),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/scim-tokens',
      operationId: 'createScimToken',
      summary: 'Make a SCIM bearer token; the answer shows it once',
      tags,
      body: createTokenBody,
      response: { status: 201, description: 'The token, shown once', schema: createdTokenView },
      errors: [400, 401, 403],
    },
    ({ services, auth, body }) => createScimToken(services, auth.actor, body.name),
  );
  defineRoute(
    scope,
    {
      method: 'delete',
      path: '/scim-tokens/:id',
      operationId: 'revokeScimToken',
      summary: 'Revoke a SCIM token',
      tags,
      params: idParams,
      response: { description: 'The revoked token', schema: tokenView },
      errors: [401, 403, 404, 409],
    },
    ({ services, auth, params }) => revokeScimToken(services, auth.actor, params.id),
  );
}
