import { runCommand } from '../../commands/runCommand.ts';
import { AppError } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import type { DeviceAuthenticated } from '../authenticated.ts';
import { checkCredentials } from '../credentials.ts';
import { LoginChallenge, TotpFactor } from '../entities.ts';
import { encryptTotpSecret, newTotpSecret, qrCodeDataUrl, totpUri } from '../totp.ts';
import { ENROLLMENT_TTL_MS, enrollmentKey, factorExists } from './enrollment.ts';

/** A secret to add to an authenticator app, then confirm with a code. */
export interface EnrollmentOffer {
  otpauthUri: string;
  qrCode: string;
  expiresAt: Date;
}

/**
 * Starts a TOTP enrollment from a signed-in messenger for a person without a factor (where the
 * policy did not require one at login). A new call replaces the pending secret. Nothing is
 * enrolled until confirmSecondFactor gets a valid code for it. The password is asked again: a
 * stolen device token alone must not let a thief bind their own authenticator to the account.
 */
export async function enrollSecondFactor(
  services: Services,
  device: DeviceAuthenticated,
  password: string,
): Promise<EnrollmentOffer> {
  const userId = device.user.id;
  const check = await checkCredentials(services, device.user, password);
  if (check === 'unavailable')
    throw new AppError(
      503,
      'directory_unavailable',
      'The directory cannot be reached; try again later',
    );
  if (check !== 'ok') {
    await runCommand(services, device.actor, async (ctx) => {
      ctx.audit({
        action: 'auth.login_failed',
        outcome: 'failure',
        targetType: 'User',
        targetId: userId,
        targetLabel: device.user.username ?? userId,
        details: { channel: 'messenger', step: 'reauthenticate', reason: `password_${check}` },
      });
    });
    // 422, not 401: the device session itself is fine, and an app must not sign out over a typo.
    throw new AppError(422, 'password_incorrect', 'The password is not correct');
  }
  const now = services.now();
  const secret = newTotpSecret();
  const expiresAt = new Date(now.getTime() + ENROLLMENT_TTL_MS);
  await runCommand(services, device.actor, async ({ em }) => {
    if ((await em.count(TotpFactor, { userId })) > 0) throw factorExists();
    const tokenHash = enrollmentKey(services, device);
    await em.nativeDelete(LoginChallenge, { tokenHash });
    em.create(LoginChallenge, {
      tokenHash,
      userId,
      purpose: 'messenger',
      device: null,
      pendingTotpSecret: encryptTotpSecret(services.keys.totp, secret, userId),
      attempts: 0,
      createdAt: now,
      expiresAt,
    });
  });
  const otpauthUri = totpUri(secret, device.user.username ?? userId);
  return { otpauthUri, qrCode: await qrCodeDataUrl(otpauthUri), expiresAt };
}
