import { anonymousActor, type RequestMeta } from '../../authz/actor.ts';
import { runCommand } from '../../commands/runCommand.ts';
import type { User } from '../../directory/entities.ts';
import { AppError } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import {
  type DeviceInfo,
  type LoginChannel,
  type LoginFailureReason,
  loginDetails,
} from '../commands/loginRules.ts';
import { TooManyAttemptsError } from '../rateLimit.ts';

/** 400 `oidc_state_invalid`: no SSO login waits for this callback (unknown, or already used). */
export const oidcStateInvalid = () =>
  new AppError(
    400,
    'oidc_state_invalid',
    'This sign-in link is not valid or was already used; start the sign-in again from the app',
  );

/** 400 `oidc_code_invalid`: the one-time code is unknown, used, expired or not this client's. */
export const oidcCodeInvalid = () =>
  new AppError(400, 'oidc_code_invalid', 'The sign-in code is not valid; start the sign-in again');

/** 403 `oidc_not_allowed`: the person may not sign in (no longer active, or another method). */
export const oidcNotAllowed = () =>
  new AppError(403, 'oidc_not_allowed', 'This account may not sign in with corporate SSO');

/**
 * 403 `sso_mfa_required`: the back office needs a second factor and the provider did not prove
 * one (`sso.oidc.backOffice.withoutProviderMfa: refuse`).
 */
export const ssoMfaRequired = () =>
  new AppError(
    403,
    'sso_mfa_required',
    'The back office needs two-factor sign-in at the corporate provider; sign in there with your second factor',
  );

/** The codes the app (or the console) receives in `error=` on its redirect, by refusal reason. */
export type OidcAppError =
  | 'sso_mfa_required'
  | 'oidc_login_expired'
  | 'oidc_provider_error'
  | 'oidc_no_match'
  | 'oidc_already_linked'
  | 'oidc_not_allowed';

/**
 * What the app is told about a refusal. The details (which claim, which status) stay in the
 * audit log: the app only needs to tell the person whom to ask.
 */
export function appErrorOf(reason: LoginFailureReason): OidcAppError {
  switch (reason) {
    case 'oidc_login_expired':
      return 'oidc_login_expired';
    case 'oidc_provider_error':
      return 'oidc_provider_error';
    case 'oidc_claim_missing':
    case 'oidc_claim_unverified':
    case 'oidc_no_match':
    case 'oidc_ambiguous_match':
      return 'oidc_no_match';
    case 'oidc_already_linked':
      return 'oidc_already_linked';
    case 'oidc_mfa_not_proven':
      return 'sso_mfa_required';
    default:
      return 'oidc_not_allowed';
  }
}

/** What a refused SSO step records about itself. */
export interface OidcRefusal {
  reason: LoginFailureReason;
  /** Which login refused (the messenger's when omitted). */
  channel?: LoginChannel;
  user?: User | null;
  device?: DeviceInfo | null;
  /** The provider account, once the provider has named one. */
  account?: { issuer: string; subject: string } | null;
}

/** The `auth.login_failed` event of a refused SSO step (details: channel, step, reason, device, account). */
export function oidcFailureEvent(refusal: OidcRefusal) {
  const details = loginDetails(refusal.channel ?? 'messenger', 'oidc', {
    reason: refusal.reason,
    device: refusal.device ?? null,
  });
  if (refusal.account) details.providerAccount = refusal.account;
  return {
    action: 'auth.login_failed' as const,
    outcome: 'failure' as const,
    targetType: 'User',
    targetId: refusal.user?.id,
    targetLabel: refusal.user ? (refusal.user.username ?? refusal.user.id) : undefined,
    details,
  };
}

/** Records a refused SSO step in a transaction of its own. */
export async function recordOidcRefusal(
  services: Services,
  meta: RequestMeta,
  refusal: OidcRefusal,
): Promise<void> {
  await runCommand(services, anonymousActor(meta), async (ctx) => {
    ctx.audit(oidcFailureEvent(refusal));
  });
}

/** Records a refused SSO step, then throws `error`. */
export async function refuseOidc(
  services: Services,
  meta: RequestMeta,
  refusal: OidcRefusal,
  error: AppError,
): Promise<never> {
  await recordOidcRefusal(services, meta, refusal);
  throw error;
}

/** Runs an IP rate-limit check; a refusal is audited (`rate_limited`) and answers 429. */
export async function limitOrRefuse(
  services: Services,
  meta: RequestMeta,
  consume: () => Promise<void>,
  device: DeviceInfo | null = null,
  channel: LoginChannel = 'messenger',
): Promise<void> {
  try {
    await consume();
  } catch (error) {
    if (error instanceof TooManyAttemptsError)
      return refuseOidc(services, meta, { reason: 'rate_limited', device, channel }, error);
    throw error;
  }
}
