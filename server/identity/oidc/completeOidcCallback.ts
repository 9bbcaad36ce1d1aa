import * as client from 'openid-client';
import { anonymousActor, type RequestMeta } from '../../authz/actor.ts';
import { runCommand } from '../../commands/runCommand.ts';
import type { Services } from '../../shared/services.ts';
import { hashToken, newToken } from '../../shared/tokens.ts';
import {
  type DeviceInfo,
  ineligibility,
  type LoginChannel,
  type LoginFailureReason,
  messengerIneligibility,
} from '../commands/loginRules.ts';
import { loginLimiter } from '../rateLimit.ts';
import { oidcCallbackUrl, oidcClient, oidcSettings } from './client.ts';
import { matchClaimMissing, type ProviderClaims, resolveProviderAccount } from './identities.ts';
import { type ProviderAuthn, providerAuthnOf } from './providerMfa.ts';
import {
  appErrorOf,
  limitOrRefuse,
  oidcFailureEvent,
  oidcStateInvalid,
  recordOidcRefusal,
  refuseOidc,
} from './refusals.ts';

/** A login waiting for the provider's callback, as its row holds it. */
interface PendingLogin {
  nonce: string;
  code_verifier: string;
  app_redirect_uri: string;
  device: DeviceInfo | null;
  channel: LoginChannel;
  /** A string or a Date, by the driver's type parsers: read through `new Date`. */
  expires_at: Date | string;
}

/**
 * Sends the app (or the console) a result on its redirect: `code=` to exchange, or `error=` with a
 * stable code. A redirect with a fragment (the console's `#/login`) gets them inside the fragment,
 * where the page reads them and no server or proxy log sees them.
 */
function appRedirect(base: string, params: Record<string, string>): string {
  if (base.includes('#'))
    return `${base}${base.includes('?') ? '&' : '?'}${new URLSearchParams(params)}`;
  const url = new URL(base);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}

/**
 * Uses up the login a callback names, whatever happens next, so a replayed callback (the same
 * code and state again) finds nothing. An atomic update: two concurrent replays cannot both win.
 */
async function claimPendingLogin(services: Services, state: string): Promise<PendingLogin | null> {
  const rows = await services.orm.em.fork().execute<PendingLogin[]>(
    `update oidc_login set callback_at = ?
        where state_hash = ? and callback_at is null
        returning nonce, code_verifier, app_redirect_uri, device, channel, expires_at`,
    [services.now(), hashToken(state)],
  );
  return rows[0] ?? null;
}

/**
 * The ID token's claims, completed by userinfo when the first match needs a claim it lacks, and
 * how the provider authenticated the person (`acr`/`amr`, from the signed ID token only).
 */
async function providerClaims(
  services: Services,
  query: URLSearchParams,
  login: PendingLogin,
  state: string,
): Promise<{ claims: ProviderClaims; authn: ProviderAuthn }> {
  const configuration = await oidcClient(services);
  const currentUrl = new URL(oidcCallbackUrl(services.config));
  currentUrl.search = query.toString();
  const tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
    pkceCodeVerifier: login.code_verifier,
    expectedState: state,
    expectedNonce: login.nonce,
    idTokenExpected: true,
  });
  const idClaims = tokens.claims();
  if (!idClaims) throw new Error('the provider returned no ID token');
  const claims: ProviderClaims = { ...idClaims, iss: idClaims.iss, sub: idClaims.sub };
  const authn = providerAuthnOf(idClaims);
  const settings = oidcSettings(services.config);
  if (!matchClaimMissing(settings, claims) || !tokens.access_token) return { claims, authn };
  const linked = await services.orm.em
    .fork()
    .execute<{ user_id: string }[]>(
      'select user_id from oidc_identity where issuer = ? and subject = ?',
      [claims.iss, claims.sub],
    );
  if (linked.length > 0) return { claims, authn };
  // Userinfo is checked to be about the same subject; the ID token's claims win on a conflict.
  const info = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
  return { claims: { ...info, ...claims }, authn };
}

/**
 * The provider's redirect back (`GET /auth/oidc/callback`). Checks the state (one use, within
 * `loginTtlSeconds`), exchanges the code with the PKCE verifier, validates the ID token (issuer,
 * audience, signature, nonce: openid-client), finds the person (resolveProviderAccount: linked
 * pair, else one match by a verified claim, never a new person) and answers with the app's
 * redirect carrying a one-time code, valid `handoffTtlSeconds`, that the app exchanges at
 * `POST /auth/oidc/token` with its verifier. The session token itself never travels in a URL.
 * Refusals are audited and reach the app as `error=` on the same redirect; a callback for no
 * waiting login (unknown or used state) answers 400 `oidc_state_invalid` and counts against the IP.
 * One callback serves both channels: a console login (channel `backoffice`) returns to the
 * console's `#/login`, admits only people with a back-office role, and keeps the token's
 * `acr`/`amr` for the exchange to judge the provider's MFA.
 */
export async function completeOidcCallback(
  services: Services,
  meta: RequestMeta,
  query: URLSearchParams,
): Promise<{ location: string }> {
  const settings = oidcSettings(services.config);
  const state = query.get('state') ?? '';
  const login = state ? await claimPendingLogin(services, state) : null;
  if (!login) {
    await limitOrRefuse(services, meta, () => loginLimiter(services).consumeIp(meta.ip));
    return refuseOidc(services, meta, { reason: 'oidc_state_invalid' }, oidcStateInvalid());
  }
  const { device, channel } = login;
  const refuse = async (
    reason: LoginFailureReason,
    refusal: Parameters<typeof recordOidcRefusal>[2],
  ) => {
    await recordOidcRefusal(services, meta, { ...refusal, reason, device, channel });
    return { location: appRedirect(login.app_redirect_uri, { error: appErrorOf(reason) }) };
  };
  if (new Date(login.expires_at) <= services.now())
    return refuse('oidc_login_expired', { reason: 'oidc_login_expired' });

  let claims: ProviderClaims;
  let authn: ProviderAuthn;
  try {
    ({ claims, authn } = await providerClaims(services, query, login, state));
  } catch (error) {
    // A refusal at the provider (access_denied), a bad or replayed code, a token that fails
    // validation: the person gets the same answer; the log keeps openid-client's reason.
    services.logger.warn(
      { err: error instanceof Error ? error.message : String(error), issuer: settings.issuer },
      'OpenID login refused',
    );
    // A provider that could not reach the MFA the back office asked for (an essential acr).
    const unmet =
      error instanceof client.AuthorizationResponseError &&
      error.error === 'unmet_authentication_requirements';
    const reason = unmet ? 'oidc_mfa_not_proven' : 'oidc_provider_error';
    return refuse(reason, { reason });
  }

  const account = { issuer: claims.iss, subject: claims.sub };
  const now = services.now();
  const handoff = newToken();
  const outcome = await runCommand(services, anonymousActor(meta, 'sso'), async (ctx) => {
    // The back office admits only people with a role; the messenger any active person.
    const eligibility = channel === 'backoffice' ? ineligibility : messengerIneligibility;
    const resolved = await resolveProviderAccount(ctx.em, settings, claims, now, eligibility);
    if (!resolved.ok) {
      ctx.audit(
        oidcFailureEvent({
          reason: resolved.reason,
          user: resolved.user,
          device,
          account,
          channel,
        }),
      );
      return { refused: resolved.reason };
    }
    const { user } = resolved;
    if (resolved.linkedNow)
      ctx.audit({
        action: 'auth.oidc_linked',
        targetType: 'User',
        targetId: user.id,
        targetLabel: user.username ?? user.id,
        details: { issuer: claims.iss, subject: claims.sub, matchedBy: resolved.matchedBy },
      });
    await ctx.em.execute(
      `update oidc_login set user_id = ?, handoff_hash = ?, handoff_expires_at = ?,
              provider_authn = ?
        where state_hash = ?`,
      [
        user.id,
        hashToken(handoff),
        new Date(now.getTime() + settings.handoffTtlSeconds * 1000),
        JSON.stringify(authn),
        hashToken(state),
      ],
    );
    return { refused: null };
  });
  if (outcome.refused)
    return {
      location: appRedirect(login.app_redirect_uri, { error: appErrorOf(outcome.refused) }),
    };
  return { location: appRedirect(login.app_redirect_uri, { code: handoff }) };
}
