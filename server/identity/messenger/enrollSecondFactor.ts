import type { DeviceAuthenticated } from '../../http/types.ts';
import { runCommand } from '../../shared/command.ts';
import type { Services } from '../../shared/services.ts';
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
 * enrolled until confirmSecondFactor gets a valid code for it.
 */
export async function enrollSecondFactor(
  services: Services,
  device: DeviceAuthenticated,
): Promise<EnrollmentOffer> {
  const userId = device.user.id;
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
