import { type RequestMeta, userActor } from '../../authz/actor.ts';
import { type CommandContext, runCommand } from '../../commands/runCommand.ts';
import { User } from '../../directory/entities.ts';
import type { AppError } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { hashToken } from '../../shared/tokens.ts';
import {
  challengeInvalid,
  type DeviceInfo,
  invalidCode,
  type LoginFailureReason,
  type LoginStep,
  loginDetails,
  messengerIneligibility,
} from '../commands/loginRules.ts';
import {
  admitChallenge,
  checkChallengeTotp,
  countChallengeFailure,
  lockChallenge,
  settleSecondFactor,
} from '../commands/secondFactor.ts';
import { LoginChallenge, type LoginChallenge as LoginChallengeRow } from '../entities.ts';
import { consumeRecoveryCode, replaceRecoveryCodes } from '../recoveryCodes.ts';
import { coreAccountOf, deviceOfSession, openDeviceSession } from './deviceSessions.ts';
import type { IssuedDeviceSession } from './startMessengerLogin.ts';

/** A completed messenger login; `recoveryCodes` only when this step confirmed a first enrollment. */
export interface MessengerLoginDone extends IssuedDeviceSession {
  recoveryCodes?: string[];
}

type CodeResult =
  | { ok: true; enrolledNow: boolean }
  | { ok: false; reason: LoginFailureReason; error: AppError };

/** Checks a recovery code instead of a TOTP code; each code works once. */
async function checkRecoveryCode(
  ctx: CommandContext,
  challenge: LoginChallengeRow,
  user: User,
  code: string,
  device: DeviceInfo | null,
): Promise<CodeResult> {
  const { em, services } = ctx;
  // During a first enrollment there is no factor yet, so no recovery codes either.
  const remaining = challenge.pendingTotpSecret
    ? null
    : await consumeRecoveryCode(em, user.id, code, services.now());
  if (remaining === null) {
    const left = countChallengeFailure(em, challenge);
    if (left <= 0) return { ok: false, reason: 'challenge_exhausted', error: challengeInvalid() };
    return { ok: false, reason: 'wrong_recovery_code', error: invalidCode(left) };
  }
  em.remove(challenge);
  ctx.audit({
    action: 'auth.recovery_code_used',
    targetType: 'User',
    targetId: user.id,
    targetLabel: user.username ?? user.id,
    details: { channel: 'messenger', remaining, device },
  });
  return { ok: true, enrolledNow: false };
}

/**
 * The second step of the messenger login: a TOTP code (which also confirms a first enrollment)
 * or a one-time recovery code, for a challenge of the password step. Opens the device session
 * (token shown once) and, after a first enrollment, issues ten recovery codes (shown once).
 * Wrong codes use up the challenge's attempts and count towards the account's lockout.
 */
export async function verifyMessengerLogin(
  services: Services,
  meta: RequestMeta,
  input: { challenge: string; code?: string; recoveryCode?: string },
): Promise<MessengerLoginDone> {
  const tokenHash = hashToken(input.challenge);
  const reader = services.orm.em.fork();
  const pending = await reader.findOne(LoginChallenge, { tokenHash, purpose: 'messenger' });
  const person = pending ? await reader.findOne(User, { id: pending.userId }) : null;
  // A challenge without a device is a pending enrollment of a signed-in device, not a login.
  if (!pending?.device || !person) throw challengeInvalid();
  const label = person.username ?? person.id;
  const step: LoginStep = input.recoveryCode !== undefined ? 'recovery_code' : 'totp';
  const attempt: { failed: LoginFailureReason | null } = { failed: null };

  let done: MessengerLoginDone;
  try {
    done = await runCommand(services, userActor(person, meta), async (ctx) => {
      const { em } = ctx;
      const now = services.now();
      const challenge = await lockChallenge(em, tokenHash, 'messenger');
      if (!challenge) throw challengeInvalid();
      const device: DeviceInfo | null = challenge.device
        ? { name: challenge.device.name ?? null, platform: challenge.device.platform ?? null }
        : null;
      const target = { targetType: 'User', targetId: person.id, targetLabel: label };
      const fail = (reason: LoginFailureReason, error: AppError): never => {
        attempt.failed = reason;
        ctx.audit({
          action: 'auth.login_failed',
          outcome: 'failure',
          ...target,
          details: loginDetails('messenger', step, { reason, device }),
        });
        return ctx.failAfterCommit(error);
      };
      const user = await admitChallenge(ctx, challenge, label, messengerIneligibility, fail);

      let result: CodeResult;
      if (input.recoveryCode !== undefined) {
        result = await checkRecoveryCode(ctx, challenge, user, input.recoveryCode, device);
      } else {
        const outcome = await checkChallengeTotp(ctx, challenge, user, input.code ?? '', {
          channel: 'messenger',
        });
        result = outcome.ok
          ? outcome
          : {
              ok: false,
              reason: outcome.reason,
              error:
                outcome.reason === 'wrong_totp' || outcome.reason === 'replayed_totp'
                  ? invalidCode(outcome.attemptsLeft)
                  : challengeInvalid(),
            };
      }
      if (!result.ok) return fail(result.reason, result.error);

      const { token, session } = openDeviceSession(em, services, user.id, device, meta);
      await em.execute('update app_user set last_login_at = ? where id = ?', [now, user.id]);
      ctx.audit({
        action: 'auth.login_succeeded',
        ...target,
        details: loginDetails('messenger', step, { sessionId: session.id, device }),
      });
      ctx.audit({
        action: 'session.created',
        ...target,
        details: { sessionId: session.id, channel: 'messenger', device: deviceOfSession(session) },
      });
      const issued = {
        token,
        sessionId: session.id,
        expiresAt: session.expiresAt,
        coreAccount: coreAccountOf(user),
      };
      if (!result.enrolledNow) return issued;
      return { ...issued, recoveryCodes: await replaceRecoveryCodes(em, user.id, now) };
    });
  } catch (error) {
    if (attempt.failed) await settleSecondFactor(services, label, attempt.failed);
    throw error;
  }
  await settleSecondFactor(services, label, null);
  return done;
}
