import { z } from 'zod';
import { confirmSecondFactor } from '../identity/messenger/confirmSecondFactor.ts';
import { deviceAuth } from '../identity/messenger/deviceSessions.ts';
import { enrollSecondFactor } from '../identity/messenger/enrollSecondFactor.ts';
import { listMySessions, mySessionView } from '../identity/messenger/listMySessions.ts';
import { logoutDevice } from '../identity/messenger/logout.ts';
import { regenerateRecoveryCodes } from '../identity/messenger/regenerateRecoveryCodes.ts';
import { revokeMySession } from '../identity/messenger/revokeMySession.ts';
import {
  type IssuedDeviceSession,
  startMessengerLogin,
} from '../identity/messenger/startMessengerLogin.ts';
import { verifyMessengerLogin } from '../identity/messenger/verifyMessengerLogin.ts';
import { idParams, line } from '../shared/schemas.ts';
import { type ApiScope, defineRoute } from './defineRoute.ts';

const password = z.string().min(1, 'must not be empty').max(1024, 'is too long');
const totpCode = z
  .string()
  .max(32)
  .transform((value) => value.replace(/\s+/g, ''))
  .pipe(z.string().regex(/^[0-9]{6}$/, 'must be 6 digits'));
/** A new device session in an answer (also of the SSO exchange, routes/oidc.ts). */
export const sessionSchema = z.object({
  token: z.string().describe('Bearer token for the messenger and the core; shown only once'),
  sessionId: z.uuid(),
  expiresAt: z.iso.datetime(),
  coreAccount: z
    .string()
    .describe(
      'The account to sign in to the core as (the XMPP localpart): assigned once, never reused; not always the login',
    ),
});

/** The answer of a sign-in step: done with the device session, or a second factor asked. */
export const loginStepSchema = z.object({
  next: z.enum(['totp', 'totp_enroll', 'done']),
  challenge: z.string().optional().describe('Send to POST /auth/login/verify'),
  otpauthUri: z.string().optional(),
  qrCode: z.string().optional().describe('SVG data URL of otpauthUri'),
  session: sessionSchema.optional(),
});
const recoveryCodes = z
  .array(z.string())
  .length(10)
  .describe('One-time recovery codes (xxxx-xxxx-xxxx); shown only once');
/** A new device session as the API shows it. */
export const presentSession = (s: IssuedDeviceSession) => ({
  token: s.token,
  sessionId: s.sessionId,
  expiresAt: s.expiresAt.toISOString(),
  coreAccount: s.coreAccount,
});

/** Declares the messenger login and device-session routes under /auth. */
export function registerMessengerAuthRoutes(scope: ApiScope): void {
  const tags = ['messenger auth'];

  defineRoute(
    scope,
    {
      method: 'post',
      path: '/auth/login',
      operationId: 'messengerLogin',
      summary: 'Messenger sign-in, step 1: username, password and device',
      description:
        'Any active person may sign in. `done` comes with the device session at once (no second factor needed by the policy); `totp` and `totp_enroll` with a challenge for POST /auth/login/verify (and, to enroll, the secret as otpauth URI and QR code). A locked account answers 429 `account_locked` with Retry-After.',
      tags,
      auth: 'none',
      body: z
        .object({
          username: line(256),
          password,
          device: z.object({ name: line(200), platform: line(50) }).strict(),
        })
        .strict(),
      response: {
        description: 'Password accepted',
        schema: loginStepSchema,
      },
      errors: [400, 401, 429, 503],
    },
    async ({ body, ctx, services }) => {
      const started = await startMessengerLogin(services, ctx.state.meta, body);
      if (started.next === 'done')
        return { next: started.next, session: presentSession(started.session) };
      if (started.next === 'totp') return { next: started.next, challenge: started.challenge };
      const { next, challenge, otpauthUri, qrCode } = started;
      return { next, challenge, otpauthUri, qrCode };
    },
  );

  defineRoute(
    scope,
    {
      method: 'post',
      path: '/auth/login/verify',
      operationId: 'messengerLoginVerify',
      summary: 'Messenger sign-in, step 2: a TOTP code or a recovery code',
      description:
        'Send exactly one of `code` and `recoveryCode`. A code also confirms a first enrollment, which returns ten recovery codes (shown only once). Each recovery code works once.',
      tags,
      auth: 'none',
      body: z
        .object({
          challenge: z.string().min(1).max(128),
          code: totpCode.optional(),
          recoveryCode: z.string().min(1).max(64).optional(),
        })
        .strict()
        .refine((b) => (b.code === undefined) !== (b.recoveryCode === undefined), {
          message: 'send exactly one of code and recoveryCode',
          path: ['code'],
        }),
      response: {
        description: 'Signed in on this device',
        schema: sessionSchema.extend({ recoveryCodes: recoveryCodes.optional() }),
      },
      errors: [400, 401, 429],
    },
    async ({ body, ctx, services }) => {
      const done = await verifyMessengerLogin(services, ctx.state.meta, body);
      const session = presentSession(done);
      return done.recoveryCodes ? { ...session, recoveryCodes: done.recoveryCodes } : session;
    },
  );

  defineRoute(
    scope,
    {
      method: 'post',
      path: '/auth/logout',
      operationId: 'messengerLogout',
      summary: 'Sign out of this device (ends its session)',
      tags,
      auth: 'device',
      response: { status: 204, description: 'Signed out' },
    },
    async ({ ctx, services }) => {
      await logoutDevice(services, deviceAuth(ctx));
      return undefined;
    },
  );

  defineRoute(
    scope,
    {
      method: 'get',
      path: '/auth/sessions',
      operationId: 'listMySessions',
      summary: 'My live device sessions',
      tags,
      auth: 'device',
      response: {
        description: 'Most recently used first; `current` marks the calling device',
        schema: z.object({ data: z.array(mySessionView) }),
      },
    },
    async ({ ctx, services }) => ({ data: await listMySessions(services, deviceAuth(ctx)) }),
  );

  defineRoute(
    scope,
    {
      method: 'delete',
      path: '/auth/sessions/:id',
      operationId: 'revokeMySession',
      summary: 'End one of my device sessions (e.g. a lost phone)',
      tags,
      auth: 'device',
      params: idParams,
      response: { status: 204, description: 'Revoked' },
      errors: [404],
    },
    async ({ ctx, params, services }) => {
      await revokeMySession(services, deviceAuth(ctx), params.id);
      return undefined;
    },
  );

  defineRoute(
    scope,
    {
      method: 'post',
      path: '/auth/2fa/enroll',
      operationId: 'enrollSecondFactor',
      summary: 'Start setting up TOTP (for a person without a second factor)',
      description:
        'Asks for the password again, so a stolen token alone cannot enroll an authenticator. Confirm with POST /auth/2fa/confirm within 10 minutes.',
      tags,
      auth: 'device',
      body: z.object({ password: z.string().min(1).max(1024) }).strict(),
      response: {
        description: 'The secret to add to an authenticator app',
        schema: z.object({
          otpauthUri: z.string(),
          qrCode: z.string().describe('SVG data URL of otpauthUri'),
          expiresAt: z.iso.datetime(),
        }),
      },
      errors: [409, 422, 503],
    },
    async ({ ctx, services, body }) => {
      const offer = await enrollSecondFactor(services, deviceAuth(ctx), body.password);
      return { ...offer, expiresAt: offer.expiresAt.toISOString() };
    },
  );

  defineRoute(
    scope,
    {
      method: 'post',
      path: '/auth/2fa/confirm',
      operationId: 'confirmSecondFactor',
      summary: 'Finish setting up TOTP with a code; returns ten recovery codes',
      tags,
      auth: 'device',
      body: z.object({ code: totpCode }).strict(),
      response: { description: 'Enrolled', schema: z.object({ recoveryCodes }) },
      errors: [400, 409, 422],
    },
    async ({ body, ctx, services }) => ({
      recoveryCodes: await confirmSecondFactor(services, deviceAuth(ctx), body.code),
    }),
  );

  defineRoute(
    scope,
    {
      method: 'post',
      path: '/auth/recovery-codes',
      operationId: 'regenerateRecoveryCodes',
      summary: 'Replace my recovery codes (needs a current TOTP code)',
      tags,
      auth: 'device',
      body: z.object({ code: totpCode }).strict(),
      response: {
        description: 'The new codes; the old ones stop working',
        schema: z.object({ recoveryCodes }),
      },
      errors: [400, 409, 422, 429],
    },
    async ({ body, ctx, services }) => ({
      recoveryCodes: await regenerateRecoveryCodes(services, deviceAuth(ctx), body.code),
    }),
  );
}
