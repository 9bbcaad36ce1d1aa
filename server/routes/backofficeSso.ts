import { z } from 'zod';
import { defineAbilityFor } from '../authz/index.ts';
import { CHALLENGE_COOKIE, SESSION_COOKIE } from '../identity/backofficeSession.ts';
import { actorWithGrants } from '../identity/grants/loadGrants.ts';
import {
  backofficeSsoEnabled,
  completeBackofficeOidcLogin,
  startBackofficeOidcLogin,
} from '../identity/oidc/backofficeOidcLogin.ts';
import { type ApiScope, defineRoute } from './defineRoute.ts';
import { CHALLENGE_PATH, meSchema, presentMe, setCookie, totpStepSchema } from './session.ts';

/** The browser's verifier between the console's SSO start and its exchange (httpOnly). */
const SSO_COOKIE = 'fb_sso';

/** Declares the console's sign-in through the corporate provider (docs/sso.md "Back office"). */
export function registerBackofficeSsoRoutes(scope: ApiScope): void {
  const tags = ['session'];

  defineRoute(
    scope,
    {
      method: 'get',
      path: '/session/sso',
      operationId: 'sessionSso',
      summary: 'Which sign-in methods the login page offers besides the password',
      tags,
      auth: 'none',
      response: {
        description: 'Whether «Sign in with corporate SSO» is offered',
        schema: z.object({ oidc: z.boolean() }),
      },
    },
    async ({ services }) => ({ oidc: backofficeSsoEnabled(services.config) }),
  );

  defineRoute(
    scope,
    {
      method: 'post',
      path: '/session/oidc/start',
      operationId: 'sessionOidcStart',
      summary: 'Sign in with corporate SSO, step 1: where to send the browser',
      description:
        'Sets a short-lived httpOnly cookie the exchange needs, and answers the provider URL (with the MFA request of sso.oidc.backOffice). After the provider the browser returns to `/admin/#/login?code=…` (or `?error=…`). Counts against the client IP rate limit. 409 `sso_not_configured`.',
      tags,
      auth: 'none',
      body: z.object({}).strict(),
      response: {
        description: 'Sign-in started',
        schema: z.object({ authorizationUrl: z.url(), expiresAt: z.iso.datetime() }),
      },
      errors: [409, 429, 503],
    },
    async ({ ctx, services }) => {
      const started = await startBackofficeOidcLogin(services, ctx.state.meta);
      setCookie(ctx, services, SSO_COOKIE, started.verifier, {
        path: CHALLENGE_PATH,
        expires: started.verifierExpiresAt,
      });
      return {
        authorizationUrl: started.authorizationUrl,
        expiresAt: started.expiresAt.toISOString(),
      };
    },
  );

  defineRoute(
    scope,
    {
      method: 'post',
      path: '/session/oidc',
      operationId: 'sessionOidc',
      summary: 'Sign in with corporate SSO, step 2: the one-time code from the return URL',
      description:
        '`done`: signed in (the session cookie is set; `me` as GET /me). `totp` / `totp_enroll`: the provider did not prove MFA and the service asks for its own code next (POST /session/totp, as after a password). 400 `oidc_code_invalid` (unknown, used, expired, or another browser), 403 `oidc_not_allowed` (no back-office role, not active, another login method), 403 `sso_mfa_required`.',
      tags,
      auth: 'none',
      body: z.object({ code: z.string().min(1).max(128) }).strict(),
      response: {
        description: 'Signed in, or the TOTP step is next',
        schema: z.union([z.object({ next: z.literal('done'), me: meSchema }), totpStepSchema]),
      },
      errors: [400, 403, 409, 429],
    },
    async ({ body, ctx, services }) => {
      const verifier = ctx.cookies.get(SSO_COOKIE) ?? '';
      // Whatever the answer, the code is used up: the cookie has no further use.
      setCookie(ctx, services, SSO_COOKIE, null, { path: CHALLENGE_PATH });
      const result = await completeBackofficeOidcLogin(services, ctx.state.meta, {
        code: body.code,
        verifier,
      });
      if (result.next === 'done') {
        setCookie(ctx, services, SESSION_COOKIE, result.sessionToken, {
          expires: result.expiresAt,
        });
        const actor = await actorWithGrants(
          services.orm.em.fork(),
          result.user,
          ctx.state.meta,
          services.now(),
        );
        const ability = defineAbilityFor(actor, services.now());
        return {
          next: result.next,
          me: await presentMe(services, result.user, ability, result.sessionId),
        };
      }
      setCookie(ctx, services, CHALLENGE_COOKIE, result.challengeToken, {
        path: CHALLENGE_PATH,
        expires: result.expiresAt,
      });
      if (result.next === 'totp') return { next: result.next };
      return { next: result.next, otpauthUri: result.otpauthUri, qrCode: result.qrCode };
    },
  );
}
