import { z } from 'zod';
import { type AppAbility, defineAbilityFor, packedRulesOf } from '../authz/index.ts';
import { ROLES } from '../authz/roles.ts';
import { type Config, publicBaseUrl } from '../config.ts';
import type { User } from '../directory/entities.ts';
import { CHALLENGE_COOKIE, csrfTokenFor, SESSION_COOKIE } from '../identity/backofficeSession.ts';
import { completeEnrollment } from '../identity/commands/completeEnrollment.ts';
import { completeLogin } from '../identity/commands/completeLogin.ts';
import { issueEnrollmentLink } from '../identity/commands/issueEnrollmentLink.ts';
import { challengeInvalid } from '../identity/commands/loginRules.ts';
import { logout } from '../identity/commands/logout.ts';
import { sendPasswordReset } from '../identity/commands/sendPasswordReset.ts';
import { startLogin } from '../identity/commands/startLogin.ts';
import { grantInForceView, grantsInForceView } from '../identity/grants/grantsInForceView.ts';
import { actorWithGrants } from '../identity/grants/loadGrants.ts';
import { enrollmentLinkBody, passwordResetBody } from '../identity/people/schemas.ts';
import { AppError } from '../shared/errors.ts';
import { idParams, line } from '../shared/schemas.ts';
import type { Services } from '../shared/services.ts';
import { type ApiScope, defineRoute } from './defineRoute.ts';
import type { AppContext } from './types.ts';

/** The challenge cookie is only ever needed by the login steps, all under /session. */
export const CHALLENGE_PATH = '/api/v1/session';

/** Whether cookies get the Secure flag: `auto` means when the public URL is https. */
function secureCookies(config: Config): boolean {
  const setting = config.session.secureCookies;
  return setting === 'auto' ? publicBaseUrl(config).startsWith('https://') : setting;
}

/** Sets (or, with null, clears) an httpOnly, SameSite=Strict cookie of the back office. */
export function setCookie(
  ctx: AppContext,
  services: Services,
  name: string,
  value: string | null,
  options: { path?: string; expires?: Date } = {},
): void {
  const secure = secureCookies(services.config);
  // TLS usually ends at a proxy; the configuration, not this hop, says whether clients use https.
  if (secure) ctx.cookies.secure = true;
  ctx.cookies.set(name, value, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: options.path ?? '/',
    expires: options.expires,
    overwrite: true,
  });
}

/**
 * The second step a sign-in asks for: the service's own TOTP code, or enrolling it first (with
 * the secret as an otpauth URI and its QR code). After a password, and after a corporate sign-in
 * whose provider did not prove MFA.
 */
export const totpStepSchema = z.object({
  next: z.enum(['totp', 'totp_enroll']),
  otpauthUri: z.string().optional(),
  qrCode: z.string().optional().describe('SVG data URL of otpauthUri'),
});

/** What GET /me (and a completed sign-in) answers. */
export const meSchema = z.object({
  user: z.object({
    id: z.uuid(),
    username: z.string().nullable(),
    displayName: z.string(),
    role: z.enum(ROLES).nullable(),
    email: z.string().nullable(),
  }),
  role: z.enum(ROLES).nullable(),
  grants: z
    .array(grantInForceView)
    .describe('Role grants in force on top of `role` (issue 18): scope and expiry'),
  rules: z.array(z.unknown()).describe("CASL's packed rules of the caller"),
  csrfToken: z.string().describe('Send back in X-CSRF-Token on unsafe requests'),
  timeZone: z
    .string()
    .describe("The company's IANA time zone (hr.timeZone): the console shows times in it"),
});

/** The body of GET /me for a session. */
export async function presentMe(
  services: Services,
  user: User,
  ability: AppAbility,
  sessionId: string,
) {
  const grants = await grantsInForceView(services.orm.em.fork(), user.id, services.now());
  return {
    user: {
      id: user.id,
      username: user.username ?? null,
      displayName: user.displayName,
      role: user.role ?? null,
      email: user.email ?? null,
    },
    role: user.role ?? null,
    grants,
    rules: packedRulesOf(ability),
    csrfToken: csrfTokenFor(services, sessionId),
    timeZone: services.config.hr.timeZone,
  };
}

const password = z.string().min(1, 'must not be empty').max(1024, 'is too long');

/** Declares the login, session, `me` and enrollment routes. */
export function registerIdentityRoutes(scope: ApiScope): void {
  const tags = ['session'];

  defineRoute(
    scope,
    {
      method: 'post',
      path: '/session',
      operationId: 'startLogin',
      summary: 'Sign in, step 1: username and password',
      description:
        'Sets a short-lived challenge cookie for step 2. `totp_enroll` comes with the secret to enroll (otpauth URI and QR code).',
      tags,
      auth: 'none',
      body: z.object({ username: line(256), password }).strict(),
      response: {
        description: 'Password accepted; a TOTP code is needed next',
        schema: totpStepSchema,
      },
      errors: [401, 429, 503],
    },
    async ({ body, ctx, services }) => {
      const result = await startLogin(services, ctx.state.meta, body);
      setCookie(ctx, services, CHALLENGE_COOKIE, result.challengeToken, {
        path: CHALLENGE_PATH,
        expires: result.expiresAt,
      });
      if (result.next === 'totp') return { next: result.next };
      return { next: result.next, otpauthUri: result.otpauthUri, qrCode: result.qrCode };
    },
  );

  defineRoute(
    scope,
    {
      method: 'post',
      path: '/session/totp',
      operationId: 'completeLogin',
      summary: 'Sign in, step 2: the TOTP code (also confirms a first enrollment)',
      tags,
      auth: 'none',
      body: z
        .object({
          code: z
            .string()
            .max(32)
            .transform((value) => value.replace(/\s+/g, ''))
            .pipe(z.string().regex(/^[0-9]{6}$/, 'must be 6 digits')),
        })
        .strict(),
      response: { description: 'Signed in; the same body as GET /me', schema: meSchema },
      errors: [401, 429],
    },
    async ({ body, ctx, services }) => {
      const challengeToken = ctx.cookies.get(CHALLENGE_COOKIE);
      if (!challengeToken) throw challengeInvalid();
      let done: Awaited<ReturnType<typeof completeLogin>>;
      try {
        done = await completeLogin(services, ctx.state.meta, { challengeToken, code: body.code });
      } catch (error) {
        if (error instanceof AppError && error.code === 'login_challenge_invalid')
          setCookie(ctx, services, CHALLENGE_COOKIE, null, { path: CHALLENGE_PATH });
        throw error;
      }
      setCookie(ctx, services, CHALLENGE_COOKIE, null, { path: CHALLENGE_PATH });
      setCookie(ctx, services, SESSION_COOKIE, done.sessionToken, { expires: done.expiresAt });
      const actor = await actorWithGrants(
        services.orm.em.fork(),
        done.user,
        ctx.state.meta,
        services.now(),
      );
      const ability = defineAbilityFor(actor, services.now());
      return presentMe(services, done.user, ability, done.sessionId);
    },
  );

  defineRoute(
    scope,
    {
      method: 'delete',
      path: '/session',
      operationId: 'logout',
      summary: 'Sign out (ends this session)',
      tags,
      response: { status: 204, description: 'Signed out' },
    },
    async ({ ctx, services, auth }) => {
      await logout(services, auth);
      setCookie(ctx, services, SESSION_COOKIE, null);
      return undefined;
    },
  );

  defineRoute(
    scope,
    {
      method: 'get',
      path: '/me',
      operationId: 'getMe',
      summary: 'The signed-in person, their role, permission rules and CSRF token',
      tags,
      response: { description: 'The caller', schema: meSchema },
    },
    async ({ services, auth }) => presentMe(services, auth.user, auth.ability, auth.sessionId),
  );

  defineRoute(
    scope,
    {
      method: 'post',
      path: '/users/:id/enrollment-link',
      operationId: 'issueEnrollmentLink',
      summary: 'Issue a single-use link for a person to set their password',
      description:
        'Earlier unused links of the person stop working. For a person who has ever had a credential the `reason` is required (422 `reason_required`): every session and device of the person ends, and the link is audited as `user.credential_disclosed` and listed on their card. 409 `mail_configured` while mail is configured: the person is invited by mail instead, so that no operator holds their credential.',
      tags: ['users'],
      params: idParams,
      body: enrollmentLinkBody,
      response: {
        status: 201,
        description: 'The link (shown once)',
        schema: z.object({
          url: z.string(),
          expiresAt: z.iso.datetime(),
          disclosure: z.boolean(),
        }),
      },
      errors: [404, 409, 422],
    },
    async ({ params, body, services, auth }) => {
      const link = await issueEnrollmentLink(services, auth, params.id, body.reason ?? null);
      return {
        url: link.url,
        expiresAt: link.expiresAt.toISOString(),
        disclosure: link.disclosure,
      };
    },
  );

  defineRoute(
    scope,
    {
      method: 'post',
      path: '/users/:id/password-reset',
      operationId: 'sendPasswordReset',
      summary: 'Mail a person a single-use link to set a new password (never shown to the caller)',
      description:
        'The same rights as an enrollment link. Earlier unused links of the person stop working; their sessions end only when they set the new password. Audited as `user.password_reset_sent` with the masked address. 409 `mail_not_configured` (issue an enrollment link instead), `login_method_not_password`, `not_registered` (invite them), `address_held` (the e-mail was changed by hand within 24 h); 422 `reason_required`, `no_email`, `user_deactivated`, `user_suspended`.',
      tags: ['users'],
      params: idParams,
      body: passwordResetBody,
      response: {
        status: 202,
        description: 'The mail is queued; where it goes (masked) and until when the link works',
        schema: z.object({ sentTo: z.string(), expiresAt: z.iso.datetime() }),
      },
      errors: [404, 409, 422],
    },
    async ({ params, body, services, auth }) => {
      const sent = await sendPasswordReset(services, auth, params.id, {
        reason: body.reason ?? null,
        locale: body.locale,
      });
      return { sentTo: sent.sentTo, expiresAt: sent.expiresAt.toISOString() };
    },
  );

  defineRoute(
    scope,
    {
      method: 'post',
      path: '/enrollment',
      operationId: 'completeEnrollment',
      summary: 'Set a password with an enrollment link token',
      description:
        'Passwords: 12 to 256 characters, not the username. A pending person becomes active.',
      tags,
      auth: 'none',
      body: z.object({ token: z.string().min(1).max(128), password }).strict(),
      response: { status: 204, description: 'Password set; sign in next' },
      errors: [410, 422, 503],
    },
    async ({ body, ctx, services }) => {
      await completeEnrollment(services, ctx.state.meta, body);
      return undefined;
    },
  );
}
