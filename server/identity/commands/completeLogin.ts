import { LockMode } from '@mikro-orm/core';
import { User } from '../../directory/entities.ts';
import { type RequestMeta, userActor } from '../../shared/actor.ts';
import { runCommand } from '../../shared/command.ts';
import { AppError } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { hashToken } from '../../shared/tokens.ts';
import { createBackofficeSession } from '../backofficeSession.ts';
import { LoginChallenge, TotpFactor } from '../entities.ts';
import { loginLimiter, TooManyAttemptsError } from '../rateLimit.ts';
import { checkTotp, decryptTotpSecret } from '../totp.ts';
import {
  CHALLENGE_MAX_ATTEMPTS,
  challengeInvalid,
  ineligibility,
  type LoginFailureReason,
} from './loginRules.ts';

/** A completed login: the person and the new session's cookie token. */
export interface CompleteLoginResult {
  user: User;
  sessionId: string;
  sessionToken: string;
  expiresAt: Date;
}

const COUNTED_FAILURES = new Set<LoginFailureReason>([
  'wrong_totp',
  'replayed_totp',
  'challenge_exhausted',
]);

const invalidCode = (attemptsLeft: number) =>
  new AppError(401, 'invalid_code', 'The code is not valid; check the authenticator app', {
    attemptsLeft,
  });

/**
 * The second step of a back-office login: checks the TOTP code against the enrolled factor (or,
 * at first login, against the secret offered by the password step, which then becomes the
 * factor), refuses codes of an already used time step, and opens the session. A wrong code uses
 * up one of the challenge's attempts; the last one kills the challenge.
 */
export async function completeLogin(
  services: Services,
  meta: RequestMeta,
  input: { challengeToken: string; code: string },
): Promise<CompleteLoginResult> {
  const tokenHash = hashToken(input.challengeToken);
  const reader = services.orm.em.fork();
  const pending = await reader.findOne(LoginChallenge, { tokenHash });
  const person = pending ? await reader.findOne(User, { id: pending.userId }) : null;
  if (!pending || !person) throw challengeInvalid();
  const label = person.username ?? person.id;
  // Set by the command body when it records a refusal (read after the command fails).
  const attempt: { failed: LoginFailureReason | null } = { failed: null };

  let result: CompleteLoginResult;
  try {
    result = await runCommand(services, userActor(person, meta), async (ctx) => {
      const { em } = ctx;
      const now = services.now();
      const fail = (reason: LoginFailureReason, error: AppError): never => {
        attempt.failed = reason;
        ctx.audit({
          action: 'auth.login_failed',
          outcome: 'failure',
          targetType: 'User',
          targetId: person.id,
          targetLabel: label,
          details: { step: 'totp', reason },
        });
        return ctx.failAfterCommit(error);
      };
      // Row locks serialize concurrent submissions of one challenge and of one factor, so an
      // attempt is never counted twice and a code is never accepted twice.
      const challenge = await em.findOne(
        LoginChallenge,
        { tokenHash },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!challenge) throw challengeInvalid();
      if (challenge.expiresAt <= now) {
        em.remove(challenge);
        return fail('challenge_expired', challengeInvalid());
      }
      const user = await em.findOneOrFail(User, { id: challenge.userId });
      const refusal = ineligibility(user);
      if (refusal) {
        em.remove(challenge);
        return fail(refusal, challengeInvalid());
      }
      const factor = await em.findOne(
        TotpFactor,
        { userId: user.id },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      const sealed = challenge.pendingTotpSecret ?? factor?.secretEncrypted;
      // Enrolled elsewhere meanwhile, or the factor was reset: this challenge is stale.
      if (!sealed || (challenge.pendingTotpSecret && factor)) {
        em.remove(challenge);
        return fail('challenge_expired', challengeInvalid());
      }
      const secret = decryptTotpSecret(services.keys.totp, sealed, user.id);
      const lastStep = factor?.lastTimeStep ?? 0;
      const step = await checkTotp(secret, input.code, now, lastStep);
      if (step === null) {
        challenge.attempts += 1;
        const left = CHALLENGE_MAX_ATTEMPTS - challenge.attempts;
        if (left <= 0) em.remove(challenge);
        const replayed = lastStep > 0 && (await checkTotp(secret, input.code, now, 0)) !== null;
        if (left <= 0) return fail('challenge_exhausted', challengeInvalid());
        return fail(replayed ? 'replayed_totp' : 'wrong_totp', invalidCode(left));
      }

      if (!factor) {
        em.create(TotpFactor, {
          userId: user.id,
          secretEncrypted: sealed,
          confirmedAt: now,
          lastTimeStep: step,
        });
        ctx.audit({
          action: 'auth.totp_enrolled',
          targetType: 'User',
          targetId: user.id,
          targetLabel: label,
          details: { via: 'first_login' },
        });
      } else {
        // A factor issued by an operator (create-superadmin) is confirmed by its first use.
        if (factor.lastTimeStep === 0) {
          factor.confirmedAt = now;
          ctx.audit({
            action: 'auth.totp_enrolled',
            targetType: 'User',
            targetId: user.id,
            targetLabel: label,
            details: { via: 'operator_issued' },
          });
        }
        factor.lastTimeStep = step;
      }
      em.remove(challenge);
      const { token, session } = createBackofficeSession(em, services, user.id, meta);
      // Plain SQL: signing in is not an edit of the person, so neither version nor updatedAt move
      // (an operator editing the person's card meanwhile must not get a version conflict).
      await em.execute('update app_user set last_login_at = ? where id = ?', [now, user.id]);
      ctx.audit({
        action: 'auth.login_succeeded',
        targetType: 'User',
        targetId: user.id,
        targetLabel: label,
        details: { sessionId: session.id },
      });
      return { user, sessionId: session.id, sessionToken: token, expiresAt: session.expiresAt };
    });
  } catch (error) {
    if (attempt.failed && COUNTED_FAILURES.has(attempt.failed)) {
      // Wrong codes count against the account too, so fresh challenges cannot reset the budget.
      await loginLimiter(services)
        .consumeAccount(label)
        .catch((limited: unknown) => {
          if (!(limited instanceof TooManyAttemptsError)) throw limited;
        });
    }
    throw error;
  }
  await loginLimiter(services).loginCompleted(label);
  return result;
}
