import { anonymousActor, type RequestMeta } from '../../authz/actor.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { User } from '../../directory/entities.ts';
import { enqueueMail } from '../../mail/enqueue.ts';
import type { Services } from '../../shared/services.ts';
import { hashToken, newToken } from '../../shared/tokens.ts';
import { enqueueSms } from '../../sms/enqueue.ts';
import { type AddressHold, recentHandAddressChange } from '../addressHold.ts';
import {
  type DeviceInfo,
  type LoginFailureReason,
  loginDetails,
  messengerIneligibility,
} from '../commands/loginRules.ts';
import { lockedForSeconds } from '../lockout.ts';
import { codeLimiter, TooManyAttemptsError } from '../rateLimit.ts';
import {
  type CodeDestination,
  codeDestination,
  codeHmac,
  isCodeMethod,
  newLoginCode,
} from './codes.ts';

/** What the code request answers, whoever the username names (or nobody). */
export interface CodeLoginStart {
  next: 'code';
  /** Send it back with the code to POST /auth/login/code/verify. */
  challenge: string;
  expiresAt: Date;
}

/** The language of the code's mail or SMS. */
export type CodeLocale = 'ru' | 'en';

/** What the request will do, decided before its transaction. */
type Plan =
  | { kind: 'send'; user: User; destination: CodeDestination }
  | { kind: 'held'; user: User; destination: CodeDestination; hold: AddressHold }
  | { kind: 'refuse'; user: User | null; reason: LoginFailureReason; scope?: 'destination' };

async function planFor(services: Services, user: User | null, now: Date): Promise<Plan> {
  if (!user) return { kind: 'refuse', user, reason: 'unknown_user' };
  if (!isCodeMethod(user.loginMethod))
    return { kind: 'refuse', user, reason: 'wrong_login_method' };
  const ineligible = messengerIneligibility(user);
  if (ineligible) return { kind: 'refuse', user, reason: ineligible };
  const destination = codeDestination(services.config, user);
  if (!destination) return { kind: 'refuse', user, reason: 'no_delivery_address' };
  if ((await lockedForSeconds(services, user.username ?? user.id)) > 0)
    return { kind: 'refuse', user, reason: 'locked' };
  const hold = await recentHandAddressChange(
    services.orm.em.fork(),
    user.id,
    destination.field,
    now,
  );
  if (hold) return { kind: 'held', user, destination, hold };
  // Counted only when a code would really go out: the address is protected from a flood.
  if (!(await codeLimiter(services).allowSend(destination.to)))
    return { kind: 'refuse', user, reason: 'rate_limited', scope: 'destination' };
  return { kind: 'send', user, destination };
}

/**
 * The first step of a one-time-code login (`email_code`, `sms_code`): the messenger names the
 * person, the service sends a fresh six-digit code to the person's own address and answers with
 * a challenge for the verify step. The answer is the same whoever the username names — nobody, a
 * password person, a deactivated one, an address on hold: it never tells who exists or which
 * method they have. Every outcome is audited (`auth.code_sent`, `auth.code_held`, or
 * `auth.login_failed` with the reason), each in one transaction, so the work is alike.
 *
 * A new code replaces the person's earlier one (one live code per person). Nothing is sent when
 * the address was changed by hand within 24 h and no second person approved it (scope 4), or
 * when the address already got `sendsPerDestination` codes in the window. Requests from one IP
 * over `requestsPerIp` answer 429 `too_many_attempts`, whatever the username.
 * The code goes out after commit, through the mail or SMS outbox.
 */
export async function startCodeLogin(
  services: Services,
  meta: RequestMeta,
  input: { username: string; device: DeviceInfo; locale?: CodeLocale },
): Promise<CodeLoginStart> {
  const username = input.username.toLowerCase();
  const { device } = input;
  const settings = services.config.identity.loginCode;
  const actor = anonymousActor(meta);
  try {
    await codeLimiter(services).consumeRequest(meta.ip);
  } catch (error) {
    if (!(error instanceof TooManyAttemptsError)) throw error;
    await runCommand(services, actor, async (ctx) => {
      ctx.audit({
        action: 'auth.login_failed',
        outcome: 'failure',
        targetType: 'User',
        targetLabel: username,
        details: {
          ...loginDetails('messenger', 'code_request', { reason: 'rate_limited', device }),
          scope: 'ip',
        },
      });
      return ctx.failAfterCommit(error);
    });
    throw error;
  }

  const now = services.now();
  const challenge = newToken();
  const challengeHash = hashToken(challenge);
  const expiresAt = new Date(now.getTime() + settings.ttlSeconds * 1000);
  const user = await services.orm.em.fork().findOne(User, { username });
  const plan = await planFor(services, user, now);

  await runCommand(services, actor, async (ctx) => {
    const target = {
      targetType: 'User',
      targetId: plan.user?.id,
      targetLabel: plan.user?.username ?? username,
    };
    if (plan.kind === 'refuse') {
      const details = loginDetails('messenger', 'code_request', { reason: plan.reason, device });
      ctx.audit({
        action: 'auth.login_failed',
        outcome: 'failure',
        ...target,
        details: plan.scope ? { ...details, scope: plan.scope } : details,
      });
      return;
    }
    const { destination } = plan;
    if (plan.kind === 'held') {
      ctx.audit({
        action: 'auth.code_held',
        ...target,
        details: {
          channel: destination.channel,
          field: destination.field,
          heldUntil: plan.hold.until.toISOString(),
          changedById: plan.hold.byId,
          device,
        },
      });
      return;
    }
    const code = newLoginCode();
    await ctx.em.execute(
      `insert into login_code as c (user_id, channel, destination, challenge_hash, code_hmac,
                                    attempts, device, created_at, expires_at)
       values (?, ?, ?, ?, ?, 0, ?::jsonb, ?, ?)
       on conflict (user_id) do update set channel = excluded.channel,
         destination = excluded.destination, challenge_hash = excluded.challenge_hash,
         code_hmac = excluded.code_hmac, attempts = 0, device = excluded.device,
         created_at = excluded.created_at, expires_at = excluded.expires_at,
         used_at = null, dead_at = null`,
      [
        plan.user.id,
        destination.channel,
        destination.to,
        challengeHash,
        codeHmac(services.keys.loginCodes, challengeHash, code),
        JSON.stringify(device),
        now,
        expiresAt,
      ],
    );
    const locale = input.locale ?? 'ru';
    const params = { code, minutes: Math.max(1, Math.round(settings.ttlSeconds / 60)) };
    if (destination.channel === 'email')
      await enqueueMail(ctx.em, services.config, [
        { to: destination.to, template: 'loginCode', locale, userId: plan.user.id, params },
      ]);
    else
      await enqueueSms(ctx.em, services.config, [
        {
          to: destination.to,
          template: 'loginCode',
          locale,
          userId: plan.user.id,
          params,
          expiresAt,
        },
      ]);
    ctx.audit({
      action: 'auth.code_sent',
      ...target,
      // The address is recorded so a later dispute ("it went to my address") can be settled.
      details: {
        channel: destination.channel,
        to: destination.to,
        expiresAt: expiresAt.toISOString(),
        device,
      },
    });
  });
  return { next: 'code', challenge, expiresAt };
}
