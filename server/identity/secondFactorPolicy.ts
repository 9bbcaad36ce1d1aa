import type { Config } from '../config.ts';
import type { User } from '../directory/entities.ts';

/** What a sign-in asks for after the password: a code, an enrollment, or nothing more. */
export type SecondFactorStep = 'totp' | 'totp_enroll' | 'none';

/**
 * Whether the person must have a second factor: always with a back-office role (such an account
 * can act on others), and for everyone when `identity.requireSecondFactorForEveryone` is set.
 */
export function secondFactorRequired(config: Config, user: Pick<User, 'role' | 'rank'>): boolean {
  // `rank` is above 0 for anyone holding a role grant (issue 18) as well as a standing role.
  return Boolean(user.role) || user.rank > 0 || config.identity.requireSecondFactorForEveryone;
}

/**
 * The step after a correct password. A person who has a factor is always asked for it, even
 * where the policy would not require one (they chose it; skipping it would weaken their account).
 */
export function secondFactorStep(
  config: Config,
  user: Pick<User, 'role' | 'rank'>,
  hasFactor: boolean,
): SecondFactorStep {
  if (hasFactor) return 'totp';
  return secondFactorRequired(config, user) ? 'totp_enroll' : 'none';
}
