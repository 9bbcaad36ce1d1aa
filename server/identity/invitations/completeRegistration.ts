import { type RequestMeta, userActor } from '../../authz/actor.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { unprocessable } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { TotpFactor } from '../entities.ts';
import { setPasswordThroughLink } from '../lifecycle/passwordThroughLink.ts';
import { assertPasswordPolicy, hashPassword } from '../passwords.ts';
import { replaceRecoveryCodes } from '../recoveryCodes.ts';
import { secondFactorRequired } from '../secondFactorPolicy.ts';
import { checkTotp, decryptTotpSecret } from '../totp.ts';
import { findByToken, invitationGone, unknownInvitation } from './registration.ts';

/** What registration returns: the login name, and recovery codes when a factor was enrolled. */
export interface Registered {
  username: string | null;
  /** Ten recovery codes, shown once; null when no second factor was enrolled. */
  recoveryCodes: string[] | null;
}

/**
 * Registers a person from their invitation: sets their password (the password policy), enrols
 * the second factor the policy asks for (a code of the secret the page showed), activates a
 * pending person (as an enrollment link does), and marks the invitation `registered`, audited
 * `invitation.registered` as the person themselves. The token works once: the row is locked, so
 * two submissions of one link cannot both register.
 */
export async function completeRegistration(
  services: Services,
  meta: RequestMeta,
  input: { token: string; password: string; code?: string | undefined },
): Promise<Registered> {
  const reader = services.orm.em.fork();
  const found = await findByToken(reader, input.token, false);
  if (!found) throw unknownInvitation();
  const early = invitationGone(found.row, found.person, services.now());
  if (early || !found.person) throw early ?? unknownInvitation();
  assertPasswordPolicy(input.password, found.person.username ?? null);
  // Hashed before the transaction opens: no connection is held for the tens of milliseconds.
  const passwordHash = await hashPassword(input.password);

  return runCommand(services, userActor(found.person, meta), async (ctx) => {
    const { em } = ctx;
    const now = services.now();
    const locked = await findByToken(em, input.token, true);
    if (!locked) throw unknownInvitation();
    const { row, person: user } = locked;
    const gone = invitationGone(row, user, now);
    if (gone || !user) throw gone ?? unknownInvitation();
    let factor: { sealed: string; step: number } | null = null;
    if (secondFactorRequired(services.config, user)) {
      if (!row.pending_totp_secret || !input.code)
        throw unprocessable(
          'second_factor_required',
          'Scan the QR code with an authenticator app and enter its code',
          { errors: [{ path: 'code', message: 'required', code: 'required' }] },
        );
      const secret = decryptTotpSecret(services.keys.totp, row.pending_totp_secret, user.id);
      const step = await checkTotp(secret, input.code, now, 0);
      if (step === null)
        throw unprocessable('wrong_code', 'The code is not right; enter the current one', {
          errors: [{ path: 'code', message: 'wrong code', code: 'wrong_code' }],
        });
      factor = { sealed: row.pending_totp_secret, step };
    }
    const before = { status: user.status, invitation: 'invited' };
    // As every credential change: whatever existed before ends (there should be nothing).
    const revoked = await setPasswordThroughLink(ctx, user, passwordHash, now, {
      issuedById: row.last_invited_by_id,
      revokeReason: 'registered by invitation',
      activateReason: 'Registered by invitation',
    });
    let recoveryCodes: string[] | null = null;
    if (factor) {
      em.create(TotpFactor, {
        userId: user.id,
        secretEncrypted: factor.sealed,
        confirmedAt: now,
        lastTimeStep: factor.step,
      });
      await em.flush();
      recoveryCodes = await replaceRecoveryCodes(em, user.id, now);
      ctx.audit({
        action: 'auth.totp_enrolled',
        targetType: 'User',
        targetId: user.id,
        targetLabel: user.username ?? user.displayName,
        details: { via: 'invitation' },
      });
    }
    await em.execute(
      `update invitation set status = 'registered', registered_at = ?, pending_totp_secret = null,
              updated_at = ? where user_id = ?`,
      [now, now, user.id],
    );
    ctx.audit({
      action: 'invitation.registered',
      targetType: 'User',
      targetId: user.id,
      targetLabel: user.username ?? user.displayName,
      diff: { before, after: { status: user.status, invitation: 'registered' } },
      details: {
        secondFactorEnrolled: factor !== null,
        artefactsRevoked: revoked,
      },
    });
    return { username: user.username ?? null, recoveryCodes };
  });
}
