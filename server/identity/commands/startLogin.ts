import { anonymousActor, type RequestMeta } from '../../authz/actor.ts';
import { runCommand } from '../../commands/runCommand.ts';
import type { User } from '../../directory/entities.ts';
import type { Services } from '../../shared/services.ts';
import { hashToken, newToken } from '../../shared/tokens.ts';
import { LoginChallenge, TotpFactor } from '../entities.ts';
import { encryptTotpSecret, newTotpSecret, qrCodeDataUrl, totpUri } from '../totp.ts';
import { passFirstFactor } from './firstFactor.ts';
import { CHALLENGE_TTL_MS, type DeviceInfo, ineligibility } from './loginRules.ts';

/** What the password step answers: the token of the challenge and the next step. */
export type StartLoginResult = { challengeToken: string; expiresAt: Date } & (
  | { next: 'totp' }
  | { next: 'totp_enroll'; otpauthUri: string; qrCode: string }
);

/**
 * Opens the short-lived challenge between a correct password and the TOTP step. A person without
 * a confirmed or operator-issued factor gets a fresh secret to enroll, kept encrypted in the
 * challenge until a code confirms it.
 */
export async function openLoginChallenge(
  services: Services,
  meta: RequestMeta,
  user: User,
  options: { purpose: LoginChallenge['purpose']; device?: DeviceInfo | null },
): Promise<StartLoginResult> {
  const challengeToken = newToken();
  const now = services.now();
  const expiresAt = new Date(now.getTime() + CHALLENGE_TTL_MS);
  return runCommand(services, anonymousActor(meta), async ({ em }) => {
    // Housekeeping: abandoned challenges are worthless once expired.
    await em.nativeDelete(LoginChallenge, { expiresAt: { $lt: now } });
    const factor = await em.findOne(TotpFactor, { userId: user.id });
    // A factor row exists once enrolled, or when an operator issued it (create-superadmin);
    // either way the person already holds the secret, so only a code is asked for.
    const secret = factor ? null : newTotpSecret();
    em.create(LoginChallenge, {
      tokenHash: hashToken(challengeToken),
      userId: user.id,
      purpose: options.purpose,
      device: options.device ?? null,
      pendingTotpSecret: secret ? encryptTotpSecret(services.keys.totp, secret, user.id) : null,
      attempts: 0,
      createdAt: now,
      expiresAt,
    });
    if (!secret) return { challengeToken, expiresAt, next: 'totp' as const };
    const otpauthUri = totpUri(secret, user.username ?? user.id);
    return {
      challengeToken,
      expiresAt,
      next: 'totp_enroll' as const,
      otpauthUri,
      qrCode: await qrCodeDataUrl(otpauthUri),
    };
  });
}

/**
 * The password step of a back-office login (see passFirstFactor for the checks, limits and
 * lockout); on success opens the challenge for the TOTP step, which every back-office role needs.
 */
export async function startLogin(
  services: Services,
  meta: RequestMeta,
  input: { username: string; password: string },
): Promise<StartLoginResult> {
  const user = await passFirstFactor(
    services,
    meta,
    { channel: 'backoffice', ...input },
    ineligibility,
  );
  return openLoginChallenge(services, meta, user, { purpose: 'backoffice' });
}
