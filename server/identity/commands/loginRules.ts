import type { User } from '../../directory/entities.ts';
import { AppError } from '../../shared/errors.ts';

/** How long the step between the password and the TOTP code may take. */
export const CHALLENGE_TTL_MS = 5 * 60_000;
/** Wrong TOTP codes one challenge tolerates before it dies and the password is asked again. */
export const CHALLENGE_MAX_ATTEMPTS = 5;

/** Why a login was refused; recorded in the `auth.login_failed` event. */
export type LoginFailureReason =
  | 'unknown_user'
  | 'no_password'
  | 'wrong_password'
  | 'directory_disabled'
  | 'directory_unavailable'
  | 'no_role'
  | 'status_pending'
  | 'status_suspended'
  | 'status_deactivated'
  | 'rate_limited'
  | 'locked'
  | 'wrong_totp'
  | 'replayed_totp'
  | 'wrong_recovery_code'
  | 'challenge_expired'
  | 'challenge_exhausted'
  // Corporate SSO (identity/oidc): the provider vouched for someone, but not for this door.
  | 'oidc_state_invalid'
  | 'oidc_login_expired'
  | 'oidc_provider_error'
  | 'oidc_claim_missing'
  | 'oidc_claim_unverified'
  | 'oidc_no_match'
  | 'oidc_ambiguous_match'
  | 'oidc_already_linked'
  | 'oidc_wrong_login_method'
  | 'oidc_code_invalid'
  // The back office needs MFA and the provider's ID token did not prove it (acr/amr).
  | 'oidc_mfa_not_proven'
  // One-time codes (identity/loginCodes): the request step, then the code.
  | 'wrong_login_method'
  | 'no_delivery_address'
  | 'code_unknown'
  | 'wrong_code'
  | 'replayed_code'
  | 'code_expired'
  | 'code_exhausted';

/** Which login a step belongs to: the back-office cookie session or a messenger device session. */
export type LoginChannel = 'backoffice' | 'messenger';

/** The device a messenger login is for, as the client names it. */
export interface DeviceInfo {
  name: string | null;
  platform: string | null;
}

/** The sign-in step an audit event is about. */
export type LoginStep =
  | 'password'
  | 'totp'
  | 'recovery_code'
  | 'oidc'
  | 'code_request'
  | 'email_code'
  | 'sms_code';

/**
 * Failures that count against the account (rate limit and lockout): a wrong guess at a secret.
 * A refusal before any check (rate limited, locked) or a directory outage does not.
 */
export const COUNTED_FAILURES: ReadonlySet<LoginFailureReason> = new Set<LoginFailureReason>([
  'unknown_user',
  'no_password',
  'wrong_password',
  'directory_disabled',
  'no_role',
  'status_pending',
  'status_suspended',
  'status_deactivated',
  'wrong_totp',
  'replayed_totp',
  'wrong_recovery_code',
  'challenge_exhausted',
  'wrong_code',
  'replayed_code',
  'code_exhausted',
]);

/**
 * The `details` of a login audit event. Back-office events keep their original shape
 * (`{step, reason}`, which existing audit consumers and tests rely on); messenger events also
 * name the channel and the device.
 */
export function loginDetails(
  channel: LoginChannel,
  step: LoginStep,
  fields: { reason?: LoginFailureReason; device?: DeviceInfo | null; sessionId?: string },
): Record<string, unknown> {
  const details: Record<string, unknown> = { channel, step };
  if (fields.reason) details.reason = fields.reason;
  if (fields.sessionId) details.sessionId = fields.sessionId;
  if (channel === 'messenger' && fields.device) details.device = fields.device;
  return details;
}

/**
 * The one answer every refused password step gets, whatever the reason, so that a caller cannot
 * tell unknown, deactivated, role-less and wrong-password accounts apart.
 */
export const invalidCredentials = () =>
  new AppError(401, 'invalid_credentials', 'Wrong username or password');

/** 401 `invalid_code`: a wrong (or replayed) second-factor code; the challenge lives on. */
export const invalidCode = (attemptsLeft: number) =>
  new AppError(401, 'invalid_code', 'The code is not valid; check the authenticator app', {
    attemptsLeft,
  });

/** 401 `login_challenge_invalid`: no live password step to continue; sign in again. */
export const challengeInvalid = () =>
  new AppError(
    401,
    'login_challenge_invalid',
    'The sign-in attempt has expired or was not started; enter your password again',
  );

/** 503 `directory_unavailable`: the directory that checks this person's password cannot be asked. */
export const directoryUnavailable = () =>
  new AppError(
    503,
    'directory_unavailable',
    'The sign-in directory is unavailable; try again later',
    {
      retryAfterSeconds: 30,
    },
  );

/** Why this person may not use the messenger (null: they may). Any active person may. */
export function messengerIneligibility(user: User): LoginFailureReason | null {
  if (user.status === 'pending') return 'status_pending';
  if (user.status === 'suspended') return 'status_suspended';
  if (user.status === 'deactivated') return 'status_deactivated';
  return null;
}

/** Why this person may not sign in to the back office at all (null: they may). */
export function ineligibility(user: User): LoginFailureReason | null {
  // An `ldap` person has no local password: the directory checks it.
  if (user.loginMethod === 'password' && !user.passwordHash) return 'no_password';
  // `rank` counts role grants too (issue 18); a lapsed grant not yet tidied still fails at the
  // session check, which compares every grant's expiry with the clock.
  if (!user.role && user.rank === 0) return 'no_role';
  return messengerIneligibility(user);
}
