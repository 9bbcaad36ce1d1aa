import * as client from 'openid-client';
import type { RequestMeta } from '../../authz/actor.ts';
import { badRequest } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { hashToken } from '../../shared/tokens.ts';
import type { DeviceInfo, LoginChannel } from '../commands/loginRules.ts';
import { loginLimiter } from '../rateLimit.ts';
import { oidcCallbackUrl, oidcClient, oidcSettings } from './client.ts';
import { limitOrRefuse } from './refusals.ts';

/** What the messenger sends to start a corporate SSO login. */
export interface OidcStartInput {
  device: DeviceInfo;
  /**
   * base64url(SHA-256(verifier)) of a random verifier only the app keeps: the one-time code the
   * callback hands back is worth nothing without it (an app that intercepts the redirect lacks it).
   */
  clientChallenge: string;
  /** One of `sso.oidc.appRedirectUris`; the first when omitted. */
  appRedirectUri?: string | undefined;
}

/** Where to send the person's browser, and until when the login waits for the provider. */
export interface OidcStarted {
  authorizationUrl: string;
  expiresAt: Date;
}

/**
 * Starts a messenger login through the corporate OpenID provider (authorization code flow with
 * PKCE, state and nonce, all fresh per login). Counts against the client IP's rate limit, since
 * each start stores a row; the login waits `sso.oidc.loginTtlSeconds` for the provider's callback.
 */
export async function startOidcLogin(
  services: Services,
  meta: RequestMeta,
  input: OidcStartInput,
): Promise<OidcStarted> {
  const settings = oidcSettings(services.config);
  const appRedirectUri = input.appRedirectUri ?? settings.appRedirectUris[0];
  if (!appRedirectUri || !settings.appRedirectUris.includes(appRedirectUri))
    throw badRequest(
      'oidc_redirect_not_allowed',
      'appRedirectUri must be one of the app redirects in sso.oidc.appRedirectUris',
    );
  return beginOidcLogin(services, meta, {
    channel: 'messenger',
    clientChallenge: input.clientChallenge,
    returnTo: appRedirectUri,
    device: input.device,
  });
}

/** A login in progress as a channel opens it (see {@link beginOidcLogin}). */
export interface OidcLoginRequest {
  channel: LoginChannel;
  /** base64url(SHA-256(verifier)): only the holder of the verifier can exchange the one-time code. */
  clientChallenge: string;
  /** Where the callback sends the browser with `code=` or `error=`. */
  returnTo: string;
  device: DeviceInfo | null;
  /** More authorization request parameters (the back office's MFA request). */
  extraParams?: Record<string, string>;
}

/**
 * Opens a login through the provider for either channel: counts against the client IP's rate
 * limit (each start stores a row), stores a fresh state (only its hash), nonce and PKCE verifier
 * for `sso.oidc.loginTtlSeconds`, and answers the provider's authorization URL. The one place the
 * authorization request is built, so both channels get the same PKCE, state and nonce.
 */
export async function beginOidcLogin(
  services: Services,
  meta: RequestMeta,
  request: OidcLoginRequest,
): Promise<OidcStarted> {
  const settings = oidcSettings(services.config);
  await limitOrRefuse(
    services,
    meta,
    () => loginLimiter(services).consumeIp(meta.ip),
    request.device,
    request.channel,
  );
  const configuration = await oidcClient(services);

  const state = client.randomState();
  const nonce = client.randomNonce();
  const codeVerifier = client.randomPKCECodeVerifier();
  const codeChallenge = await client.calculatePKCECodeChallenge(codeVerifier);
  const now = services.now();
  const expiresAt = new Date(now.getTime() + settings.loginTtlSeconds * 1000);
  const em = services.orm.em.fork();
  // Housekeeping: logins whose wait and whose one-time code have both run out are worthless.
  await em.execute(
    'delete from oidc_login where expires_at < ? and (handoff_expires_at is null or handoff_expires_at < ?)',
    [now, now],
  );
  await em.execute(
    `insert into oidc_login
       (state_hash, nonce, code_verifier, client_challenge, app_redirect_uri, device, channel,
        created_at, expires_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      hashToken(state),
      nonce,
      codeVerifier,
      request.clientChallenge,
      request.returnTo,
      request.device ? JSON.stringify(request.device) : null,
      request.channel,
      now,
      expiresAt,
    ],
  );
  const url = client.buildAuthorizationUrl(configuration, {
    ...request.extraParams,
    redirect_uri: oidcCallbackUrl(services.config),
    scope: settings.scopes.join(' '),
    state,
    nonce,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
  });
  return { authorizationUrl: url.href, expiresAt };
}
