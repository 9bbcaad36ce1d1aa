import { z } from 'zod';
import { DELIVERY_FIELDS } from '../identity/addressHold.ts';
import { startCodeLogin } from '../identity/loginCodes/startCodeLogin.ts';
import { verifyCodeLogin } from '../identity/loginCodes/verifyCodeLogin.ts';
import { approveDeliveryAddress } from '../identity/people/approveDeliveryAddress.ts';
import { getHeldAddresses } from '../identity/people/readPersonRecords.ts';
import { idParams, line } from '../shared/schemas.ts';
import { type ApiScope, defineRoute } from './defineRoute.ts';
import { loginStepSchema, presentSession } from './messenger.ts';

const code = z
  .string()
  .max(32)
  .transform((value) => value.replace(/\s+/g, ''))
  .pipe(z.string().regex(/^[0-9]{6}$/, 'must be 6 digits'));

/**
 * Declares the one-time-code messenger login (`email_code`, `sms_code`; docs/identity.md) and the
 * console's view and approval of delivery addresses changed by hand (issue 14, scope 4).
 */
export function registerLoginCodeRoutes(scope: ApiScope): void {
  const tags = ['messenger auth'];
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/auth/login/code',
      operationId: 'messengerLoginCodeRequest',
      summary: 'Messenger sign-in by a one-time code, step 1: send me a code',
      description:
        'For people whose login method is `email_code` or `sms_code`: a six-digit code goes to their own e-mail or phone. The answer is always the same (a challenge for step 2), whoever the username names, so it tells nothing about who exists or how they sign in; the code may not come (unknown person, another method, an address changed by hand in the last 24 h, too many codes to one address). 429 `too_many_attempts` when this IP asked too often.',
      tags,
      auth: 'none',
      body: z
        .object({
          username: line(256),
          device: z.object({ name: line(200), platform: line(50) }).strict(),
          locale: z.enum(['ru', 'en']).optional().describe('Language of the mail or SMS (ru)'),
        })
        .strict(),
      response: {
        description: 'If the person may sign in by a code, it is on its way',
        schema: z.object({
          next: z.literal('code'),
          challenge: z.string().describe('Send with the code to POST /auth/login/code/verify'),
          expiresAt: z.iso.datetime(),
        }),
      },
      errors: [400, 429],
    },
    async ({ body, ctx, services }) => {
      const started = await startCodeLogin(services, ctx.state.meta, body);
      return { ...started, expiresAt: started.expiresAt.toISOString() };
    },
  );

  defineRoute(
    scope,
    {
      method: 'post',
      path: '/auth/login/code/verify',
      operationId: 'messengerLoginCodeVerify',
      summary: 'Messenger sign-in by a one-time code, step 2: the code',
      description:
        'A code works once, until it expires, for a few wrong guesses. Any refusal is 401 `invalid_credentials`. Then as after a password: `done` with the device session, or `totp` / `totp_enroll` with a challenge for POST /auth/login/verify (back-office roles, or the second-factor policy).',
      tags,
      auth: 'none',
      body: z.object({ challenge: z.string().min(1).max(128), code }).strict(),
      response: {
        description: 'Code accepted',
        schema: loginStepSchema,
      },
      errors: [400, 401, 429],
    },
    async ({ body, ctx, services }) => {
      const started = await verifyCodeLogin(services, ctx.state.meta, body);
      if (started.next === 'done')
        return { next: started.next, session: presentSession(started.session) };
      if (started.next === 'totp') return { next: started.next, challenge: started.challenge };
      const { next, challenge, otpauthUri, qrCode } = started;
      return { next, challenge, otpauthUri, qrCode };
    },
  );

  const held = z.array(
    z.object({
      field: z.enum(DELIVERY_FIELDS),
      changedById: z.uuid(),
      changedAt: z.iso.datetime(),
      heldUntil: z.iso.datetime(),
    }),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/users/:id/delivery-address',
      operationId: 'getHeldAddresses',
      summary:
        "A person's delivery addresses changed by hand and held (24 h, or a second approver)",
      tags: ['users'],
      params: idParams,
      response: { description: 'Held addresses (empty: none)', schema: z.object({ held }) },
      errors: [404],
    },
    async ({ params, services, auth }) => ({
      held: await getHeldAddresses(services, auth.actor, auth.ability, params.id),
    }),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/users/:id/delivery-address/approve',
      operationId: 'approveDeliveryAddress',
      summary:
        'Approve, as a second person, addresses changed by hand: codes and invitations go again',
      description:
        'Whoever may edit the person, but not whoever made the change (403 `second_approver_required`). 409 `not_held` when nothing is held.',
      tags: ['users'],
      params: idParams,
      response: {
        description: 'Approved',
        schema: z.object({ userId: z.uuid(), approved: z.array(z.enum(DELIVERY_FIELDS)) }),
      },
      errors: [404, 409],
    },
    ({ params, services, auth }) =>
      approveDeliveryAddress(services, auth.actor, auth.ability, params.id),
  );
}
