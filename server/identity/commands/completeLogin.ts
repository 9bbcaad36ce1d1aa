import { type RequestMeta, userActor } from '../../authz/actor.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { User } from '../../directory/entities.ts';
import type { AppError } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { hashToken } from '../../shared/tokens.ts';
import { signInToBackoffice } from '../backofficeSession.ts';
import { LoginChallenge } from '../entities.ts';
import {
  challengeInvalid,
  ineligibility,
  invalidCode,
  type LoginFailureReason,
  loginDetails,
} from './loginRules.ts';
import {
  admitChallenge,
  checkChallengeTotp,
  lockChallenge,
  settleSecondFactor,
} from './secondFactor.ts';

/** A completed login: the person and the new session's cookie token. */
export interface CompleteLoginResult {
  user: User;
  sessionId: string;
  sessionToken: string;
  expiresAt: Date;
}

/**
 * The second step of a back-office login: checks the TOTP code against the enrolled factor (or,
 * at first login, against the secret offered by the password step, which then becomes the
 * factor), refuses codes of an already used time step, and opens the session. A wrong code uses
 * up one of the challenge's attempts; the last one kills the challenge. A locked account is
 * refused before the code is looked at.
 */
export async function completeLogin(
  services: Services,
  meta: RequestMeta,
  input: { challengeToken: string; code: string },
): Promise<CompleteLoginResult> {
  const tokenHash = hashToken(input.challengeToken);
  const reader = services.orm.em.fork();
  const pending = await reader.findOne(LoginChallenge, { tokenHash, purpose: 'backoffice' });
  const person = pending ? await reader.findOne(User, { id: pending.userId }) : null;
  if (!pending || !person) throw challengeInvalid();
  const label = person.username ?? person.id;
  // Set by the command body when it records a refusal (read after the command fails).
  const attempt: { failed: LoginFailureReason | null } = { failed: null };

  let result: CompleteLoginResult;
  try {
    result = await runCommand(services, userActor(person, meta), async (ctx) => {
      const { em } = ctx;
      const fail = (reason: LoginFailureReason, error: AppError): never => {
        attempt.failed = reason;
        ctx.audit({
          action: 'auth.login_failed',
          outcome: 'failure',
          targetType: 'User',
          targetId: person.id,
          targetLabel: label,
          details: loginDetails('backoffice', 'totp', { reason }),
        });
        return ctx.failAfterCommit(error);
      };
      const challenge = await lockChallenge(em, tokenHash, 'backoffice');
      if (!challenge) throw challengeInvalid();
      const user = await admitChallenge(ctx, challenge, label, ineligibility, fail);
      const outcome = await checkChallengeTotp(ctx, challenge, user, input.code, {});
      if (!outcome.ok) {
        const error =
          outcome.reason === 'wrong_totp' || outcome.reason === 'replayed_totp'
            ? invalidCode(outcome.attemptsLeft)
            : challengeInvalid();
        return fail(outcome.reason, error);
      }

      const { token, session } = await signInToBackoffice(ctx, user, meta);
      return { user, sessionId: session.id, sessionToken: token, expiresAt: session.expiresAt };
    });
  } catch (error) {
    if (attempt.failed) await settleSecondFactor(services, label, attempt.failed);
    throw error;
  }
  await settleSecondFactor(services, label, null);
  return result;
}
