import type { EntityManager } from '@mikro-orm/postgresql';
import type { Keys } from '../shared/secrets.ts';
import { TotpFactor } from './entities.ts';
import { encryptTotpSecret } from './totp.ts';

/**
 * Stores `secret` as the person's enrolled TOTP factor (in the caller's transaction), confirmed
 * at `now` with `last_time_step = 0`: its first accepted code confirms it (see completeLogin).
 * For `create-superadmin`, which shows the secret to the operator itself.
 */
export function addEnrolledTotpFactor(
  em: EntityManager,
  keys: Keys,
  userId: string,
  secret: string,
  now: Date,
): void {
  em.create(TotpFactor, {
    userId,
    secretEncrypted: encryptTotpSecret(keys.totp, secret, userId),
    confirmedAt: now,
    lastTimeStep: 0,
  });
}
