import { runCommand } from '../../commands/runCommand.ts';
import type { Services } from '../../shared/services.ts';
import type { DeviceAuthenticated } from '../authenticated.ts';
import { countChallengeFailure, lockChallenge } from '../commands/secondFactor.ts';
import { DeviceSession, TotpFactor } from '../entities.ts';
import { replaceRecoveryCodes } from '../recoveryCodes.ts';
import { checkTotp, decryptTotpSecret } from '../totp.ts';
import { deviceOfSession } from './deviceSessions.ts';
import { enrollmentKey, enrollmentNotStarted, factorExists, wrongCode } from './enrollment.ts';

/**
 * Confirms the enrollment started by enrollSecondFactor with a code of the new secret: stores the
 * factor (the code's time step counts as used) and returns ten recovery codes, shown only now.
 * Wrong codes use up the enrollment's attempts (the last one ends it).
 */
export async function confirmSecondFactor(
  services: Services,
  device: DeviceAuthenticated,
  code: string,
): Promise<string[]> {
  const userId = device.user.id;
  return runCommand(services, device.actor, async (ctx) => {
    const { em } = ctx;
    const now = services.now();
    const pending = await lockChallenge(em, enrollmentKey(services, device), 'messenger');
    if (!pending?.pendingTotpSecret || pending.userId !== userId || pending.expiresAt <= now) {
      if (pending) em.remove(pending);
      return ctx.failAfterCommit(enrollmentNotStarted());
    }
    if ((await em.count(TotpFactor, { userId })) > 0) {
      em.remove(pending);
      return ctx.failAfterCommit(factorExists());
    }
    const sealed = pending.pendingTotpSecret;
    const step = await checkTotp(
      decryptTotpSecret(services.keys.totp, sealed, userId),
      code,
      now,
      0,
    );
    if (step === null) {
      const left = countChallengeFailure(em, pending);
      return ctx.failAfterCommit(left > 0 ? wrongCode(left) : enrollmentNotStarted());
    }
    em.remove(pending);
    em.create(TotpFactor, {
      userId,
      secretEncrypted: sealed,
      confirmedAt: now,
      lastTimeStep: step,
    });
    const session = await em.findOneOrFail(DeviceSession, { id: device.sessionId });
    ctx.audit({
      action: 'auth.totp_enrolled',
      targetType: 'User',
      targetId: userId,
      targetLabel: device.actor.label,
      details: {
        via: 'messenger_settings',
        channel: 'messenger',
        sessionId: device.sessionId,
        device: deviceOfSession(session),
      },
    });
    await em.flush();
    return replaceRecoveryCodes(em, userId, now);
  });
}
