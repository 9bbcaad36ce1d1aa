import { LockMode } from '@mikro-orm/core';
import { runCommand } from '../../commands/runCommand.ts';
import { conflict } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import type { DeviceAuthenticated } from '../authenticated.ts';
import { TotpFactor } from '../entities.ts';
import { assertNotLocked, clearLockout, recordFailedAttempt } from '../lockout.ts';
import { replaceRecoveryCodes } from '../recoveryCodes.ts';
import { checkTotp, decryptTotpSecret } from '../totp.ts';
import { wrongCode } from './enrollment.ts';

/**
 * Replaces the caller's recovery codes with ten new ones (the old ones stop working). Needs a
 * current TOTP code, so a stolen session token alone cannot mint codes; wrong codes count towards
 * the account's lockout, and the code's time step is used up (replay protection).
 */
export async function regenerateRecoveryCodes(
  services: Services,
  device: DeviceAuthenticated,
  code: string,
): Promise<string[]> {
  const userId = device.user.id;
  const label = device.user.username ?? userId;
  await assertNotLocked(services, label);
  const result = await runCommand(services, device.actor, async (ctx) => {
    const { em } = ctx;
    const now = services.now();
    const factor = await em.findOne(
      TotpFactor,
      { userId },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!factor) throw conflict('no_second_factor', 'Set up a second factor first');
    const secret = decryptTotpSecret(services.keys.totp, factor.secretEncrypted, userId);
    const step = await checkTotp(secret, code, now, factor.lastTimeStep);
    const target = { targetType: 'User', targetId: userId, targetLabel: device.actor.label };
    if (step === null) {
      ctx.audit({
        action: 'auth.recovery_codes_regenerated',
        outcome: 'failure',
        ...target,
        details: { channel: 'messenger', sessionId: device.sessionId, reason: 'wrong_totp' },
      });
      return { codes: null };
    }
    factor.lastTimeStep = step;
    ctx.audit({
      action: 'auth.recovery_codes_regenerated',
      ...target,
      details: { channel: 'messenger', sessionId: device.sessionId },
    });
    return { codes: await replaceRecoveryCodes(em, userId, now) };
  });
  if (!result.codes) {
    await recordFailedAttempt(services, label);
    throw wrongCode();
  }
  await clearLockout(services, label);
  return result.codes;
}
