import { anonymousActor, type RequestMeta, userActor } from '../../authz/actor.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { User } from '../../directory/entities.ts';
import { AppError } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { hashToken } from '../../shared/tokens.ts';
import {
  COUNTED_FAILURES,
  type DeviceInfo,
  type LoginFailureReason,
  loginDetails,
  messengerIneligibility,
} from '../commands/loginRules.ts';
import { lockedForSeconds, recordFailedAttempt } from '../lockout.ts';
import {
  continueMessengerLogin,
  type MessengerLoginStart,
} from '../messenger/startMessengerLogin.ts';
import { loginLimiter, TooManyAttemptsError } from '../rateLimit.ts';
import { codeDestination, codeMatches } from './codes.ts';

/**
 * 401 `invalid_credentials`: the one answer to every refused code — wrong, used, expired, dead,
 * never sent, or a person who may not sign in — so the step tells nothing more than a wrong
 * password does.
 */
export const invalidLoginCode = () =>
  new AppError(401, 'invalid_credentials', 'The code is wrong, used or expired; ask for a new one');

interface CodeRow {
  user_id: string;
  channel: 'email' | 'sms';
  destination: string;
  code_hmac: string;
  attempts: number;
  device: DeviceInfo | null;
  expires_at: Date | string;
  used_at: Date | string | null;
  dead_at: Date | string | null;
}

/**
 * The second step of a one-time-code login: the challenge of the request step and the code the
 * person received. A code works once (a replay is refused), until it expires, and for at most
 * `identity.loginCode.maxAttempts` wrong guesses (then it is dead: ask for a new one). Wrong
 * guesses count towards the account's lockout, every attempt against the client IP. The person is
 * checked again (active, still the method and address the code went to). Then the login goes on
 * as after a password: the second-factor policy (a back-office role needs TOTP), then the device
 * session, with the same audit events (`auth.login_succeeded` with step `email_code` or
 * `sms_code`, `session.created`).
 */
export async function verifyCodeLogin(
  services: Services,
  meta: RequestMeta,
  input: { challenge: string; code: string },
): Promise<MessengerLoginStart> {
  const challengeHash = hashToken(input.challenge);
  const limiter = loginLimiter(services);
  const refuse = async (
    user: User | null,
    reason: LoginFailureReason,
    device: DeviceInfo | null,
    error: AppError = invalidLoginCode(),
  ): Promise<never> => {
    await runCommand(services, anonymousActor(meta), async (ctx) => {
      ctx.audit({
        action: 'auth.login_failed',
        outcome: 'failure',
        targetType: 'User',
        targetId: user?.id,
        targetLabel: user?.username ?? undefined,
        details: loginDetails('messenger', 'code_request', { reason, device }),
      });
      return ctx.failAfterCommit(error);
    });
    throw error;
  };
  try {
    await limiter.consumeIp(meta.ip);
  } catch (error) {
    if (error instanceof TooManyAttemptsError) return refuse(null, 'rate_limited', null, error);
    throw error;
  }

  const reader = services.orm.em.fork();
  const [pending] = await reader.execute<CodeRow[]>(
    'select user_id, device from login_code where challenge_hash = ?',
    [challengeHash],
  );
  const person = pending ? await reader.findOne(User, { id: pending.user_id }) : null;
  if (!pending || !person) return refuse(null, 'code_unknown', null);
  const label = person.username ?? person.id;
  const device = pending.device;
  // A locked account is refused like a wrong code: a distinct answer would confirm the person.
  if ((await lockedForSeconds(services, label)) > 0) return refuse(person, 'locked', device);

  const now = services.now();
  const maxAttempts = services.config.identity.loginCode.maxAttempts;
  const failed: { reason: LoginFailureReason | null } = { reason: null };
  const step = person.loginMethod === 'sms_code' ? 'sms_code' : 'email_code';
  await runCommand(services, userActor(person, meta), async (ctx) => {
    // Locked, so of two concurrent submissions of one code exactly one can use it.
    const [row] = await ctx.em.execute<CodeRow[]>(
      `select user_id, channel, destination, code_hmac, attempts, device, expires_at, used_at,
              dead_at
         from login_code where challenge_hash = ? for update`,
      [challengeHash],
    );
    const fail = (reason: LoginFailureReason): never => {
      failed.reason = reason;
      ctx.audit({
        action: 'auth.login_failed',
        outcome: 'failure',
        targetType: 'User',
        targetId: person.id,
        targetLabel: label,
        details: loginDetails('messenger', step, { reason, device }),
      });
      return ctx.failAfterCommit(invalidLoginCode());
    };
    // Replaced by a newer code between the two reads: this challenge is gone.
    if (!row) return fail('code_unknown');
    if (row.used_at) return fail('replayed_code');
    if (row.dead_at) return fail('code_exhausted');
    if (new Date(row.expires_at) <= now) return fail('code_expired');
    if (!codeMatches(services.keys.loginCodes, challengeHash, input.code, row.code_hmac)) {
      const attempts = row.attempts + 1;
      const dead = attempts >= maxAttempts;
      await ctx.em.execute(
        'update login_code set attempts = ?, dead_at = ? where challenge_hash = ?',
        [attempts, dead ? now : null, challengeHash],
      );
      return fail(dead ? 'code_exhausted' : 'wrong_code');
    }
    await ctx.em.execute('update login_code set used_at = ? where challenge_hash = ?', [
      now,
      challengeHash,
    ]);
    // The person as of now: deactivated, switched to another method or another address since
    // the code was sent, and the code no longer signs them in.
    const current = await ctx.em.findOneOrFail(User, { id: person.id });
    const ineligible = messengerIneligibility(current);
    if (ineligible) return fail(ineligible);
    const destination = codeDestination(services.config, current);
    if (!destination || destination.channel !== row.channel || destination.to !== row.destination)
      return fail('wrong_login_method');
  }).catch(async (error: unknown) => {
    if (failed.reason && COUNTED_FAILURES.has(failed.reason)) {
      await recordFailedAttempt(services, label);
      await limiter.consumeAccount(label).catch((limited: unknown) => {
        if (!(limited instanceof TooManyAttemptsError)) throw limited;
      });
    }
    throw error;
  });

  const started = await continueMessengerLogin(
    services,
    meta,
    await services.orm.em.fork().findOneOrFail(User, { id: person.id }),
    device ?? { name: null, platform: null },
    step,
  );
  // The code was right: the attempt goes back to the IP.
  await limiter.ipAccepted(meta.ip, 1);
  return started;
}
