import { z } from 'zod';
import { completeOidcCallback } from '../identity/oidc/completeOidcCallback.ts';
import { exchangeOidcCode } from '../identity/oidc/exchangeOidcCode.ts';
import { type OidcStartInput, startOidcLogin } from '../identity/oidc/startOidcLogin.ts';
import { line } from '../shared/schemas.ts';
import { type ApiScope, defineRoute } from './defineRoute.ts';
import { loginStepSchema, presentSession } from './messenger.ts';

const clientChallenge = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, 'must be base64url(SHA-256(verifier)), 43 characters')
  .describe(
    'base64url(SHA-256(verifier)) of a random verifier the app keeps for POST /auth/oidc/token',
  );
const appRedirectUri = z
  .string()
  .max(2000)
  .optional()
  .describe('One of sso.oidc.appRedirectUris (the first when omitted)');
const startAnswer = z.object({
  authorizationUrl: z.url().describe('Open in the system browser'),
  expiresAt: z.iso.datetime(),
});
const present = (started: { authorizationUrl: string; expiresAt: Date }) => ({
  authorizationUrl: started.authorizationUrl,
  expiresAt: started.expiresAt.toISOString(),
});

/** Declares the corporate SSO routes of the messenger login under /auth/oidc (docs/sso.md). */
export function registerOidcRoutes(scope: ApiScope): void {
  const tags = ['messenger auth'];

  defineRoute(
    scope,
    {
      method: 'post',
      path: '/auth/oidc/start',
      operationId: 'oidcStart',
      summary: 'Messenger sign-in with corporate SSO, step 1: where to send the browser',
      description:
        'Answers the provider URL to open in the system browser. After the provider, the browser is sent to the app redirect with `code` (or `error`). Counts against the client IP rate limit. 409 `sso_not_configured` without `sso.oidc`.',
      tags,
      auth: 'none',
      body: z
        .object({
          device: z.object({ name: line(200), platform: line(50) }).strict(),
          clientChallenge,
          appRedirectUri,
        })
        .strict(),
      response: { description: 'Login started', schema: startAnswer },
      errors: [400, 409, 429, 503],
    },
    async ({ body, ctx, services }) =>
      present(await startOidcLogin(services, ctx.state.meta, body as OidcStartInput)),
  );

  defineRoute(
    scope,
    {
      method: 'get',
      path: '/auth/oidc/start',
      operationId: 'oidcStartRedirect',
      summary:
        'Messenger sign-in with corporate SSO, step 1, for a browser: redirects to the provider',
      description:
        'The same as POST /auth/oidc/start, as a link the app opens in the system browser.',
      tags,
      auth: 'none',
      query: z
        .object({
          deviceName: line(200),
          platform: line(50),
          clientChallenge,
          appRedirectUri,
        })
        .strict(),
      response: { status: 302, description: 'To the provider' },
      errors: [400, 409, 429, 503],
    },
    async ({ query, ctx, services }) => {
      const started = await startOidcLogin(services, ctx.state.meta, {
        device: { name: query.deviceName, platform: query.platform },
        clientChallenge: query.clientChallenge,
        appRedirectUri: query.appRedirectUri,
      });
      ctx.redirect(started.authorizationUrl);
      return undefined;
    },
  );

  defineRoute(
    scope,
    {
      method: 'get',
      path: '/auth/oidc/callback',
      operationId: 'oidcCallback',
      summary: "The provider's redirect back (the registered redirect URI)",
      description:
        'Redirects (303) to the app redirect with `code` (a one-time code for POST /auth/oidc/token) or `error` (`oidc_no_match`, `oidc_already_linked`, `oidc_not_allowed`, `oidc_login_expired`, `oidc_provider_error`). 400 `oidc_state_invalid` when no login waits for this state (unknown or already used).',
      tags,
      auth: 'none',
      response: { status: 303, description: 'To the app' },
      errors: [400, 429, 503],
    },
    async ({ ctx, services }) => {
      const { location } = await completeOidcCallback(
        services,
        ctx.state.meta,
        new URLSearchParams(ctx.querystring),
      );
      ctx.redirect(location);
      ctx.status = 303;
      return undefined;
    },
  );

  defineRoute(
    scope,
    {
      method: 'post',
      path: '/auth/oidc/token',
      operationId: 'oidcToken',
      summary: 'Messenger sign-in with corporate SSO, step 2: the one-time code and the verifier',
      description:
        'Answers as POST /auth/login: `done` with the device session, or `totp` / `totp_enroll` with a challenge for POST /auth/login/verify when the second-factor policy asks. The code works once, briefly, and only with the verifier of the start (400 `oidc_code_invalid`).',
      tags,
      auth: 'none',
      body: z
        .object({
          code: z.string().min(1).max(128),
          verifier: z
            .string()
            .regex(/^[A-Za-z0-9._~-]{43,128}$/, 'must be 43-128 characters A-Z a-z 0-9 . _ ~ -'),
        })
        .strict(),
      response: {
        description: 'Signed in, or a second factor is asked',
        schema: loginStepSchema,
      },
      errors: [400, 403, 409, 429],
    },
    async ({ body, ctx, services }) => {
      const started = await exchangeOidcCode(services, ctx.state.meta, body);
      if (started.next === 'done')
        return { next: started.next, session: presentSession(started.session) };
      if (started.next === 'totp') return { next: started.next, challenge: started.challenge };
      const { next, challenge, otpauthUri, qrCode } = started;
      return { next, challenge, otpauthUri, qrCode };
    },
  );
}
