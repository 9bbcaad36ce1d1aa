import { type RequestMeta, userActor } from '../../authz/actor.ts';
import { runCommand } from '../../commands/runCommand.ts';
import type { User } from '../../directory/entities.ts';
import type { Services } from '../../shared/services.ts';
import { passFirstFactor } from '../commands/firstFactor.ts';
import {
  type DeviceInfo,
  type LoginStep,
  loginDetails,
  messengerIneligibility,
} from '../commands/loginRules.ts';
import { openLoginChallenge } from '../commands/startLogin.ts';
import { TotpFactor } from '../entities.ts';
import { clearLockout } from '../lockout.ts';
import { loginLimiter } from '../rateLimit.ts';
import { secondFactorStep } from '../secondFactorPolicy.ts';
import { coreAccountOf, deviceOfSession, openDeviceSession } from './deviceSessions.ts';

/** A new device session as the messenger receives it; the token is shown only here. */
export interface IssuedDeviceSession {
  token: string;
  sessionId: string;
  expiresAt: Date;
  /** The account the messenger signs in to the core as (the XMPP localpart); never the login. */
  coreAccount: string;
}

/** What the password step of the messenger login answers. */
export type MessengerLoginStart =
  | { next: 'done'; session: IssuedDeviceSession }
  | { next: 'totp'; challenge: string; expiresAt: Date }
  | { next: 'totp_enroll'; challenge: string; expiresAt: Date; otpauthUri: string; qrCode: string };

/**
 * Opens the device session at once for a person who needs no second factor (see
 * secondFactorPolicy), with the same audit trail as a two-step login.
 */
async function completeWithoutFactor(
  services: Services,
  meta: RequestMeta,
  user: User,
  device: DeviceInfo,
  step: LoginStep,
): Promise<MessengerLoginStart> {
  const label = user.username ?? user.id;
  const issued = await runCommand(services, userActor(user, meta), async ({ em, audit }) => {
    const { token, session } = openDeviceSession(em, services, user.id, device, meta);
    await em.execute('update app_user set last_login_at = ? where id = ?', [
      services.now(),
      user.id,
    ]);
    const target = { targetType: 'User', targetId: user.id, targetLabel: label };
    audit({
      action: 'auth.login_succeeded',
      ...target,
      details: loginDetails('messenger', step, { sessionId: session.id, device }),
    });
    audit({
      action: 'session.created',
      ...target,
      details: { sessionId: session.id, channel: 'messenger', device: deviceOfSession(session) },
    });
    return {
      token,
      sessionId: session.id,
      expiresAt: session.expiresAt,
      coreAccount: coreAccountOf(user),
    };
  });
  await loginLimiter(services).loginCompleted(label);
  await clearLockout(services, label);
  return { next: 'done', session: issued };
}

/**
 * The password step of the messenger login. Any active person may sign in (no back-office role
 * needed); the password is checked by their login method with the same limits, lockout, timing
 * and single `invalid_credentials` answer as the back office (see passFirstFactor). Then, by the
 * second-factor policy: a code for an enrolled factor, an enrollment, or the session at once.
 * Mobile clients have no cookie jar, so the challenge token travels in the body.
 */
export async function startMessengerLogin(
  services: Services,
  meta: RequestMeta,
  input: { username: string; password: string; device: DeviceInfo },
): Promise<MessengerLoginStart> {
  const { device } = input;
  const user = await passFirstFactor(
    services,
    meta,
    { channel: 'messenger', username: input.username, password: input.password, device },
    messengerIneligibility,
  );
  return continueMessengerLogin(services, meta, user, device, 'password');
}

/**
 * What follows a passed first factor (a password, or the corporate provider's word): by the
 * second-factor policy, a code for an enrolled factor, an enrollment, or the session at once.
 */
export async function continueMessengerLogin(
  services: Services,
  meta: RequestMeta,
  user: User,
  device: DeviceInfo,
  firstStep: LoginStep,
): Promise<MessengerLoginStart> {
  const hasFactor = (await services.orm.em.fork().count(TotpFactor, { userId: user.id })) > 0;
  const step = secondFactorStep(services.config, user, hasFactor);
  if (step === 'none') return completeWithoutFactor(services, meta, user, device, firstStep);

  const opened = await openLoginChallenge(services, meta, user, { purpose: 'messenger', device });
  const { challengeToken: challenge, expiresAt } = opened;
  if (opened.next === 'totp') return { next: 'totp', challenge, expiresAt };
  return {
    next: 'totp_enroll',
    challenge,
    expiresAt,
    otpauthUri: opened.otpauthUri,
    qrCode: opened.qrCode,
  };
}
