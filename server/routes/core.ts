import {
  authenticationAnswer,
  introspectionAnswer,
  lookupDeviceToken,
} from '../core/introspect.ts';
import {
  type AuthenticateResponse,
  authenticateBody,
  authenticateResponse,
  type IntrospectResponse,
  introspectBody,
  introspectResponse,
} from '../core/schemas.ts';
import { type ApiScope, defineRoute } from './defineRoute.ts';

const tags = ['core'];

/** Declares the messaging core's API: token introspection and token-as-password authentication. */
export function registerCoreRoutes(scope: ApiScope): void {
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/core/introspect',
      operationId: 'introspectToken',
      summary: 'Is this device-session token live? (RFC 7662 shape)',
      description:
        'Revoked, expired, idle or unknown tokens and people who are not active all answer exactly `{"active": false}`. Nothing is cached: a revocation holds from the moment its request returned, on every process.',
      tags,
      auth: 'coreKey',
      body: introspectBody,
      response: { description: 'The introspection answer', schema: introspectResponse },
      errors: [400, 401],
    },
    async ({ body, services }): Promise<IntrospectResponse> =>
      introspectionAnswer(await lookupDeviceToken(services, body.token)),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/core/authenticate',
      operationId: 'authenticateToken',
      summary: 'Does this token belong to a live session of this core account?',
      description:
        "For cores that pass the session token as the password (the ejabberd external-auth program). `username` is the account the core knows (the XMPP localpart): the person's `core_account`, which is assigned once and never reused, not their login, which can be released and given to someone else.",
      tags,
      auth: 'coreKey',
      body: authenticateBody,
      response: { description: 'The answer', schema: authenticateResponse },
      errors: [400, 401],
    },
    async ({ body, services }): Promise<AuthenticateResponse> =>
      authenticationAnswer(await lookupDeviceToken(services, body.token), body.username),
  );
}
