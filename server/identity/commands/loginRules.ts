import type { User } from '../../directory/entities.ts';
import { AppError } from '../../shared/errors.ts';

/** How long the step between the password and the TOTP code may take. */
export const CHALLENGE_TTL_MS = 5 * 60_000;
/** Wrong TOTP codes one challenge tolerates before it dies and the password is asked again. */
export const CHALLENGE_MAX_ATTEMPTS = 5;

/** Why a back-office login was refused; recorded in the `auth.login_failed` event. */
export type LoginFailureReason =
  | 'unknown_user'
  | 'no_password'
  | 'wrong_password'
  | 'no_role'
  | 'status_pending'
  | 'status_deactivated'
  | 'rate_limited'
  | 'wrong_totp'
  | 'replayed_totp'
  | 'challenge_expired'
  | 'challenge_exhausted';

/**
 * The one answer every refused password step gets, whatever the reason, so that a caller cannot
 * tell unknown, deactivated, role-less and wrong-password accounts apart.
 */
export const invalidCredentials = () =>
  new AppError(401, 'invalid_credentials', 'Wrong username or password');

/** 401 `login_challenge_invalid`: no live password step to continue; sign in again. */
export const challengeInvalid = () =>
  new AppError(
    401,
    'login_challenge_invalid',
    'The sign-in attempt has expired or was not started; enter your password again',
  );

/** Why this person may not sign in to the back office at all (null: they may). */
export function ineligibility(user: User): LoginFailureReason | null {
  if (!user.passwordHash) return 'no_password';
  if (!user.role) return 'no_role';
  if (user.status === 'pending') return 'status_pending';
  if (user.status === 'deactivated') return 'status_deactivated';
  return null;
}
