import { type RequestMeta, userActor } from '../../authz/actor.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { publicBaseUrl } from '../../config.ts';
import type { User } from '../../directory/entities.ts';
import type { Config } from '../../shared/config/schema.ts';
import type { OidcConfig } from '../../shared/config/sso.ts';
import { conflict } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { newToken } from '../../shared/tokens.ts';
import { signInToBackoffice } from '../backofficeSession.ts';
import { ineligibility, loginDetails } from '../commands/loginRules.ts';
import { settleSecondFactor } from '../commands/secondFactor.ts';
import { openLoginChallenge, type StartLoginResult } from '../commands/startLogin.ts';
import { loginLimiter } from '../rateLimit.ts';
import { oidcClient, oidcSettings } from './client.ts';
import { challengeOf, claimHandoff } from './exchangeOidcCode.ts';
import { mfaRequestParams, providerMfaProven } from './providerMfa.ts';
import { oidcNotAllowed, refuseOidc, ssoMfaRequired } from './refusals.ts';
import { beginOidcLogin, type OidcStarted } from './startOidcLogin.ts';

/** Where the callback sends the console's browser: its login page, which reads `code`/`error`. */
export function backofficeReturnUrl(config: Config): string {
  return `${publicBaseUrl(config)}/admin/#/login`;
}

/** Whether the console offers the corporate sign-in: `sso.oidc` with `backOffice.enabled`. */
export function backofficeSsoEnabled(config: Config): boolean {
  return Boolean(config.sso.oidc?.backOffice.enabled);
}

/** `sso.oidc` for the console, or 409 `sso_not_configured` when it is off there. */
function backofficeSettings(config: Config): OidcConfig {
  const settings = oidcSettings(config);
  if (!settings.backOffice.enabled)
    throw conflict(
      'sso_not_configured',
      'Corporate SSO is not enabled for the back office (sso.oidc.backOffice.enabled)',
    );
  return settings;
}

/** A started console sign-in: the provider URL and the browser's secret for the exchange. */
export interface BackofficeOidcStarted extends OidcStarted {
  /**
   * The verifier the browser keeps (an httpOnly cookie) and sends back with the one-time code:
   * a code from someone else's callback is worthless in another browser (login CSRF).
   */
  verifier: string;
  /** When the verifier is of no more use: the provider's wait plus the one-time code's life. */
  verifierExpiresAt: Date;
}

/**
 * Starts a console sign-in through the corporate provider: the same authorization request as the
 * messenger's (beginOidcLogin: PKCE, state, nonce, the IP limit), plus the request for the
 * provider's MFA (`acr_values`, and an essential `claims` request where the provider supports it).
 */
export async function startBackofficeOidcLogin(
  services: Services,
  meta: RequestMeta,
): Promise<BackofficeOidcStarted> {
  const settings = backofficeSettings(services.config);
  const metadata = (await oidcClient(services)).serverMetadata();
  const verifier = newToken();
  const started = await beginOidcLogin(services, meta, {
    channel: 'backoffice',
    clientChallenge: challengeOf(verifier),
    returnTo: backofficeReturnUrl(services.config),
    device: null,
    extraParams: mfaRequestParams(
      settings.backOffice,
      metadata.claims_parameter_supported === true,
    ),
  });
  const verifierExpiresAt = new Date(
    started.expiresAt.getTime() + settings.handoffTtlSeconds * 1000,
  );
  return { ...started, verifier, verifierExpiresAt };
}

/** The console's sign-in after the exchange: a session, or the service's own TOTP step. */
export type BackofficeOidcResult =
  | { next: 'done'; user: User; sessionId: string; sessionToken: string; expiresAt: Date }
  | StartLoginResult;

/**
 * The console's exchange of the one-time code from the callback (`POST /session/oidc`), with the
 * verifier from its cookie (claimHandoff: once, briefly, this channel only). The person must
 * still be an active `oidc` person with a back-office role. Then the second factor: when the ID
 * token proves the provider's MFA (`sso.oidc.backOffice.requireAcr` / `requireAmr`) the session
 * opens at once (`auth.login_succeeded`, step `oidc`, with the token's acr/amr); otherwise, by
 * `withoutProviderMfa`, the service's TOTP step follows exactly as after a password, or the
 * sign-in is refused with 403 `sso_mfa_required` (audited `oidc_mfa_not_proven`).
 */
export async function completeBackofficeOidcLogin(
  services: Services,
  meta: RequestMeta,
  input: { code: string; verifier: string },
): Promise<BackofficeOidcResult> {
  const settings = backofficeSettings(services.config);
  const { person, authn } = await claimHandoff(services, meta, {
    ...input,
    channel: 'backoffice',
  });
  const channel = 'backoffice' as const;
  const account = person.username ?? person.id;
  const refused = person.loginMethod !== 'oidc' ? 'oidc_wrong_login_method' : ineligibility(person);
  if (refused)
    return refuseOidc(services, meta, { reason: refused, user: person, channel }, oidcNotAllowed());

  const proven = providerMfaProven(settings.backOffice, authn);
  if (!proven && settings.backOffice.withoutProviderMfa === 'refuse')
    return refuseOidc(
      services,
      meta,
      { reason: 'oidc_mfa_not_proven', user: person, channel },
      ssoMfaRequired(),
    );
  // The start and this exchange were a real sign-in, not guesses: both go back to the IP.
  await loginLimiter(services).ipAccepted(meta.ip, 2);
  if (!proven) return openLoginChallenge(services, meta, person, { purpose: 'backoffice' });

  const done = await runCommand(services, userActor(person, meta), async (ctx) => {
    const { token, session } = await signInToBackoffice(ctx, person, meta, {
      ...loginDetails(channel, 'oidc', {}),
      providerMfa: { acr: authn?.acr ?? null, amr: authn?.amr ?? null },
    });
    return { sessionId: session.id, sessionToken: token, expiresAt: session.expiresAt };
  });
  await settleSecondFactor(services, account, null);
  return { next: 'done', user: person, ...done };
}
