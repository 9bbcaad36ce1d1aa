import { anonymousActor, type RequestMeta } from '../../authz/actor.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { User } from '../../directory/entities.ts';
import type { AppError } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { checkCredentials } from '../credentials.ts';
import { AccountLockedError, assertNotLocked, recordFailedAttempt } from '../lockout.ts';
import { loginLimiter, TooManyAttemptsError } from '../rateLimit.ts';
import {
  COUNTED_FAILURES,
  type DeviceInfo,
  directoryUnavailable,
  invalidCredentials,
  type LoginChannel,
  type LoginFailureReason,
  loginDetails,
} from './loginRules.ts';

/** A password step of either login. */
export interface FirstFactorAttempt {
  channel: LoginChannel;
  username: string;
  password: string;
  device?: DeviceInfo | null;
}

/** Audits a refused password step (committed), then throws `error`. */
async function refuse(
  services: Services,
  meta: RequestMeta,
  attempt: FirstFactorAttempt & { user: User | null },
  reason: LoginFailureReason,
  error: AppError,
): Promise<never> {
  if (COUNTED_FAILURES.has(reason)) await recordFailedAttempt(services, attempt.username);
  await runCommand(services, anonymousActor(meta), async (ctx) => {
    ctx.audit({
      action: 'auth.login_failed',
      outcome: 'failure',
      targetType: 'User',
      targetId: attempt.user?.id,
      targetLabel: attempt.username,
      details: loginDetails(attempt.channel, 'password', { reason, device: attempt.device }),
    });
    return ctx.failAfterCommit(error);
  });
  throw error;
}

/**
 * The password step shared by the back-office and the messenger login. In order: counts the
 * attempt against the account and IP rate limits, refuses a locked account without looking at
 * the password, checks the password by the person's login method (against a dummy hash when
 * there is no one to check, for equal timing), then the channel's own rules (`eligibility`).
 * Every refusal is audited; wrong guesses count towards the lockout; all of them answer the same
 * `invalid_credentials`, except a directory outage (503, not counted).
 */
export async function passFirstFactor(
  services: Services,
  meta: RequestMeta,
  input: FirstFactorAttempt,
  eligibility: (user: User) => LoginFailureReason | null,
): Promise<User> {
  const attempt = { ...input, username: input.username.toLowerCase(), user: null };
  const { username } = attempt;
  try {
    await loginLimiter(services).consume(username, meta.ip);
    await assertNotLocked(services, username);
  } catch (error) {
    if (error instanceof TooManyAttemptsError)
      return refuse(services, meta, attempt, 'rate_limited', error);
    if (error instanceof AccountLockedError)
      return refuse(services, meta, attempt, 'locked', error);
    throw error;
  }

  // Read outside a transaction: the hash (or directory bind) takes a while and needs no connection.
  const user = await services.orm.em.fork().findOne(User, { username });
  const checked = await checkCredentials(services, user, input.password);
  const known = { ...attempt, user };
  if (checked === 'unavailable') {
    // Nobody guessed wrong: the attempt is given back to the limits.
    await loginLimiter(services).passwordAccepted(username, meta.ip);
    return refuse(services, meta, known, 'directory_unavailable', directoryUnavailable());
  }
  let reason: LoginFailureReason | null;
  if (!user) reason = 'unknown_user';
  else if (checked === 'disabled') reason = 'directory_disabled';
  else if (checked === 'wrong')
    reason =
      // An `oidc` person has no password here at all: the provider checks it.
      user.loginMethod !== 'ldap' && !user.passwordHash ? 'no_password' : 'wrong_password';
  else reason = eligibility(user);
  if (reason || !user)
    return refuse(services, meta, known, reason ?? 'unknown_user', invalidCredentials());

  await loginLimiter(services).passwordAccepted(username, meta.ip);
  return user;
}
