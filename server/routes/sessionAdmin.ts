import { listUserSessions } from '../identity/sessions/listUserSessions.ts';
import { resetSecondFactor } from '../identity/sessions/resetSecondFactor.ts';
import { revokeAllUserSessions } from '../identity/sessions/revokeAllUserSessions.ts';
import { revokeUserSession } from '../identity/sessions/revokeUserSession.ts';
import {
  reasonBody,
  resetSecondFactorResult,
  revokeAllResult,
  sessionList,
  sessionListQuery,
  sessionParams,
} from '../identity/sessions/schemas.ts';
import { idParams } from '../shared/schemas.ts';
import { type ApiScope, defineRoute } from './defineRoute.ts';

const tags = ['sessions'];

/** Declares the back-office actions on a person's sessions and second factor. */
export function registerSessionAdminRoutes(scope: ApiScope): void {
  const { maxLimit, defaultLimit } = scope.services.config.lists;
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/users/:id/2fa/reset',
      operationId: 'resetSecondFactor',
      summary: "Reset a person's second factor and revoke all their sessions",
      description:
        'Removes the TOTP factor and recovery codes and revokes every device and back-office session; the person enrolls again at next login.',
      tags,
      params: idParams,
      body: reasonBody,
      response: { description: 'What was removed and revoked', schema: resetSecondFactorResult },
      errors: [404],
    },
    ({ params, body, services, auth }) =>
      resetSecondFactor(services, auth.actor, auth.ability, params.id, body.reason),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/users/:id/sessions',
      operationId: 'listUserSessions',
      summary: "A person's device and back-office sessions",
      description:
        "Superadmins and auditors see anyone's; admins see the sessions they may revoke (plain users and staff).",
      tags,
      params: idParams,
      query: sessionListQuery(maxLimit, defaultLimit),
      response: { description: 'A page of sessions, live ones first', schema: sessionList },
      errors: [404],
    },
    ({ params, query, services, auth }) =>
      listUserSessions(services, auth.actor, auth.ability, params.id, query),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/users/:id/sessions/:sessionId/revoke',
      operationId: 'revokeUserSession',
      summary: 'Revoke one session of a person',
      description: 'A reason is required; it is kept on the session and in the audit event.',
      tags,
      params: sessionParams,
      body: reasonBody,
      response: { status: 204, description: 'Revoked' },
      errors: [404, 409],
    },
    async ({ params, body, services, auth }) => {
      await revokeUserSession(
        services,
        auth.actor,
        auth.ability,
        params.id,
        params.sessionId,
        body.reason,
      );
      return undefined;
    },
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/users/:id/sessions/revoke-all',
      operationId: 'revokeAllUserSessions',
      summary: 'Revoke every device and back-office session of a person',
      tags,
      params: idParams,
      body: reasonBody,
      response: { description: 'How many sessions were revoked', schema: revokeAllResult },
      errors: [404],
    },
    ({ params, body, services, auth }) =>
      revokeAllUserSessions(services, auth.actor, auth.ability, params.id, body.reason),
  );
}
