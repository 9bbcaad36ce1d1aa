import { readFileSync } from 'node:fs';
import * as client from 'openid-client';
import { publicBaseUrl } from '../../config.ts';
import type { Config } from '../../shared/config/schema.ts';
import type { OidcConfig } from '../../shared/config/sso.ts';
import { AppError, conflict } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { httpsFetch } from './httpsFetch.ts';

/** The path of the provider's callback under the API (what the provider redirects the browser to). */
export const OIDC_CALLBACK_PATH = '/api/v1/auth/oidc/callback';

/** 409 `sso_not_configured`: the `oidc` login method needs `sso.oidc` in the configuration file. */
export const ssoNotConfigured = () =>
  conflict(
    'sso_not_configured',
    'Corporate SSO is not configured (sso.oidc in the configuration file); nobody can sign in with it',
  );

/** 503 `sso_unavailable`: the provider's discovery document could not be read. */
export const ssoUnavailable = () =>
  new AppError(
    503,
    'sso_unavailable',
    'The corporate sign-in provider is unavailable; try again later',
    {
      retryAfterSeconds: 30,
    },
  );

/** The `sso.oidc` section, or 409 `sso_not_configured`. */
export function oidcSettings(config: Config): OidcConfig {
  if (!config.sso.oidc) throw ssoNotConfigured();
  return config.sso.oidc;
}

/** The redirect URI registered at the provider: derived from `http.publicUrl`, never from a request. */
export function oidcCallbackUrl(config: Config): string {
  return `${publicBaseUrl(config)}${OIDC_CALLBACK_PATH}`;
}

const discovered = new WeakMap<Services, Promise<client.Configuration>>();

async function discover(settings: OidcConfig): Promise<client.Configuration> {
  const ca = settings.caFile ? readFileSync(settings.caFile, 'utf8') : null;
  const auth =
    settings.clientAuthMethod === 'client_secret_post'
      ? client.ClientSecretPost(settings.clientSecret)
      : client.ClientSecretBasic(settings.clientSecret);
  // No allowInsecureRequests, ever: the issuer, its endpoints and its keys come over https only.
  return client.discovery(new URL(settings.issuer), settings.clientId, undefined, auth, {
    [client.customFetch]: httpsFetch(ca),
  });
}

/**
 * The relying-party configuration of a running service: the issuer's discovery document (and,
 * inside openid-client, its signing keys) read once and kept. A failed discovery is not kept, so
 * the next login tries again; it answers 503 `sso_unavailable`.
 */
export async function oidcClient(services: Services): Promise<client.Configuration> {
  const settings = oidcSettings(services.config);
  let pending = discovered.get(services);
  if (!pending) {
    pending = discover(settings);
    discovered.set(services, pending);
    pending.catch(() => discovered.delete(services));
  }
  try {
    return await pending;
  } catch (error) {
    services.logger.warn(
      { err: error instanceof Error ? error.message : String(error), issuer: settings.issuer },
      'OpenID provider discovery failed',
    );
    throw ssoUnavailable();
  }
}
