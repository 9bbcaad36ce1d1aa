import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CommandContext } from '../../commands/runCommand.ts';
import { User } from '../../directory/entities.ts';
import type { AppError } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { LoginChallenge, TotpFactor } from '../entities.ts';
import {
  AccountLockedError,
  clearLockout,
  lockedForSeconds,
  recordFailedAttempt,
} from '../lockout.ts';
import { loginLimiter, TooManyAttemptsError } from '../rateLimit.ts';
import { checkTotp, decryptTotpSecret } from '../totp.ts';
import { CHALLENGE_MAX_ATTEMPTS, challengeInvalid, type LoginFailureReason } from './loginRules.ts';

// Wrong guesses at a code; refusals for other reasons (expired challenge, deactivated meanwhile)
// are no guess and do not count.
const CODE_FAILURES = new Set<LoginFailureReason>([
  'wrong_totp',
  'replayed_totp',
  'wrong_recovery_code',
  'challenge_exhausted',
]);

/** What checking a code against a login challenge found. */
export type ChallengeCodeOutcome =
  | { ok: true; enrolledNow: boolean }
  | {
      ok: false;
      reason: 'wrong_totp' | 'replayed_totp' | 'challenge_exhausted' | 'challenge_expired';
      attemptsLeft: number;
    };

/**
 * Locks a login challenge of the given purpose for this transaction. The row lock serializes
 * concurrent submissions of one challenge, so an attempt is never counted twice.
 */
export function lockChallenge(
  em: EntityManager,
  tokenHash: Buffer,
  purpose: LoginChallenge['purpose'],
): Promise<LoginChallenge | null> {
  return em.findOne(
    LoginChallenge,
    { tokenHash, purpose },
    { lockMode: LockMode.PESSIMISTIC_WRITE },
  );
}

/** Uses up one of a challenge's attempts (the last one removes it); returns how many are left. */
export function countChallengeFailure(em: EntityManager, challenge: LoginChallenge): number {
  challenge.attempts += 1;
  const left = CHALLENGE_MAX_ATTEMPTS - challenge.attempts;
  if (left <= 0) em.remove(challenge);
  return Math.max(0, left);
}

/**
 * Checks a TOTP code for a locked, live challenge: against the enrolled factor, or at first login
 * against the secret offered by the password step, which then becomes the factor (audited as
 * `auth.totp_enrolled` with `enrollDetails`). Codes of an already used time step are replays.
 * On success the challenge is removed; the caller opens the session.
 */
export async function checkChallengeTotp(
  ctx: CommandContext,
  challenge: LoginChallenge,
  user: User,
  code: string,
  enrollDetails: Record<string, unknown>,
): Promise<ChallengeCodeOutcome> {
  const { em, services } = ctx;
  const now = services.now();
  const label = user.username ?? user.id;
  // The factor's row lock makes sure one code (time step) is never accepted twice.
  const factor = await em.findOne(
    TotpFactor,
    { userId: user.id },
    { lockMode: LockMode.PESSIMISTIC_WRITE },
  );
  const sealed = challenge.pendingTotpSecret ?? factor?.secretEncrypted;
  // Enrolled elsewhere meanwhile, or the factor was reset: this challenge is stale.
  if (!sealed || (challenge.pendingTotpSecret && factor)) {
    em.remove(challenge);
    return { ok: false, reason: 'challenge_expired', attemptsLeft: 0 };
  }
  const secret = decryptTotpSecret(services.keys.totp, sealed, user.id);
  const lastStep = factor?.lastTimeStep ?? 0;
  const step = await checkTotp(secret, code, now, lastStep);
  if (step === null) {
    const attemptsLeft = countChallengeFailure(em, challenge);
    if (attemptsLeft <= 0) return { ok: false, reason: 'challenge_exhausted', attemptsLeft };
    const replayed = lastStep > 0 && (await checkTotp(secret, code, now, 0)) !== null;
    return { ok: false, reason: replayed ? 'replayed_totp' : 'wrong_totp', attemptsLeft };
  }

  const enrolled = (via: string) =>
    ctx.audit({
      action: 'auth.totp_enrolled',
      targetType: 'User',
      targetId: user.id,
      targetLabel: label,
      details: { via, ...enrollDetails },
    });
  if (!factor) {
    em.create(TotpFactor, {
      userId: user.id,
      secretEncrypted: sealed,
      confirmedAt: now,
      lastTimeStep: step,
    });
    enrolled('first_login');
  } else {
    // A factor issued by an operator (create-superadmin) is confirmed by its first use.
    if (factor.lastTimeStep === 0) {
      factor.confirmedAt = now;
      enrolled('operator_issued');
    }
    factor.lastTimeStep = step;
  }
  em.remove(challenge);
  return { ok: true, enrolledNow: !factor };
}

/**
 * Bookkeeping after a second-factor step, outside its transaction: a wrong guess counts against
 * the account's rate limit (so fresh challenges cannot reset the budget) and lockout; a completed
 * login forgives both.
 */
export async function settleSecondFactor(
  services: Services,
  username: string,
  failed: LoginFailureReason | null,
): Promise<void> {
  if (failed === null) {
    await loginLimiter(services).loginCompleted(username);
    await clearLockout(services, username);
    return;
  }
  if (!CODE_FAILURES.has(failed)) return;
  await recordFailedAttempt(services, username);
  await loginLimiter(services)
    .consumeAccount(username)
    .catch((limited: unknown) => {
      if (!(limited instanceof TooManyAttemptsError)) throw limited;
    });
}

/**
 * The checks every code step makes before it looks at the code, shared by the back-office and
 * messenger logins so they cannot drift apart: the challenge is still live, the account is not
 * locked, and the person may still sign in on this channel. A refusal goes through `fail`
 * (which audits it and commits); otherwise the person is returned.
 */
export async function admitChallenge(
  ctx: CommandContext,
  challenge: LoginChallenge,
  account: string,
  ineligibility: (user: User) => LoginFailureReason | null,
  fail: (reason: LoginFailureReason, error: AppError) => never,
): Promise<User> {
  if (challenge.expiresAt <= ctx.services.now()) {
    ctx.em.remove(challenge);
    return fail('challenge_expired', challengeInvalid());
  }
  const lockedFor = await lockedForSeconds(ctx.services, account);
  if (lockedFor > 0) return fail('locked', new AccountLockedError(lockedFor));
  const user = await ctx.em.findOneOrFail(User, { id: challenge.userId });
  const refusal = ineligibility(user);
  if (refusal) {
    ctx.em.remove(challenge);
    return fail(refusal, challengeInvalid());
  }
  return user;
}
