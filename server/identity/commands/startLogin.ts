import { User } from '../../directory/entities.ts';
import { anonymousActor, type RequestMeta } from '../../shared/actor.ts';
import { runCommand } from '../../shared/command.ts';
import type { AppError } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { hashToken, newToken } from '../../shared/tokens.ts';
import { LoginChallenge, TotpFactor } from '../entities.ts';
import { verifyPassword } from '../passwords.ts';
import { loginLimiter, TooManyAttemptsError } from '../rateLimit.ts';
import { encryptTotpSecret, newTotpSecret, qrCodeDataUrl, totpUri } from '../totp.ts';
import {
  CHALLENGE_TTL_MS,
  ineligibility,
  invalidCredentials,
  type LoginFailureReason,
} from './loginRules.ts';

/** What the password step answers: the cookie token of the challenge and the next step. */
export type StartLoginResult = { challengeToken: string; expiresAt: Date } & (
  | { next: 'totp' }
  | { next: 'totp_enroll'; otpauthUri: string; qrCode: string }
);

async function recordFailure(
  services: Services,
  meta: RequestMeta,
  username: string,
  user: User | null,
  reason: LoginFailureReason,
  error: AppError,
): Promise<never> {
  await runCommand(services, anonymousActor(meta), async (ctx) => {
    ctx.audit({
      action: 'auth.login_failed',
      outcome: 'failure',
      targetType: 'User',
      targetId: user?.id,
      targetLabel: username,
      details: { step: 'password', reason },
    });
    return ctx.failAfterCommit(error);
  });
  throw error;
}

/**
 * The password step of a back-office login. Counts the attempt against the account and IP
 * limits, checks the password (against a dummy hash when there is nothing to check, for equal
 * timing), and on success opens a short-lived challenge for the TOTP step; a person without a
 * confirmed or operator-issued factor gets a fresh secret to enroll. Every refusal is audited
 * and answers the same `invalid_credentials`.
 */
export async function startLogin(
  services: Services,
  meta: RequestMeta,
  input: { username: string; password: string },
): Promise<StartLoginResult> {
  const username = input.username.toLowerCase();
  try {
    await loginLimiter(services).consume(username, meta.ip);
  } catch (error) {
    if (error instanceof TooManyAttemptsError)
      return recordFailure(services, meta, username, null, 'rate_limited', error);
    throw error;
  }

  // Read outside the transaction: the hash takes tens of milliseconds and needs no connection.
  const user = await services.orm.em.fork().findOne(User, { username });
  const passwordOk = await verifyPassword(user?.passwordHash ?? null, input.password);
  let reason: LoginFailureReason | null = null;
  if (!user) reason = 'unknown_user';
  else if (!user.passwordHash) reason = 'no_password';
  else if (!passwordOk) reason = 'wrong_password';
  else reason = ineligibility(user);
  if (reason || !user)
    return recordFailure(
      services,
      meta,
      username,
      user,
      reason ?? 'unknown_user',
      invalidCredentials(),
    );

  await loginLimiter(services).passwordAccepted(username, meta.ip);
  const challengeToken = newToken();
  const now = services.now();
  const expiresAt = new Date(now.getTime() + CHALLENGE_TTL_MS);
  return runCommand(services, anonymousActor(meta), async ({ em }) => {
    // Housekeeping: abandoned challenges are worthless once expired.
    await em.nativeDelete(LoginChallenge, { expiresAt: { $lt: now } });
    const factor = await em.findOne(TotpFactor, { userId: user.id });
    // A factor row exists once enrolled, or when an operator issued it (create-superadmin);
    // either way the person already holds the secret, so only a code is asked for.
    const secret = factor ? null : newTotpSecret();
    em.create(LoginChallenge, {
      tokenHash: hashToken(challengeToken),
      userId: user.id,
      pendingTotpSecret: secret ? encryptTotpSecret(services.keys.totp, secret, user.id) : null,
      attempts: 0,
      createdAt: now,
      expiresAt,
    });
    if (!secret) return { challengeToken, expiresAt, next: 'totp' as const };
    const otpauthUri = totpUri(secret, user.username ?? user.id);
    return {
      challengeToken,
      expiresAt,
      next: 'totp_enroll' as const,
      otpauthUri,
      qrCode: await qrCodeDataUrl(otpauthUri),
    };
  });
}
