import type { OidcConfig } from '../../shared/config/sso.ts';

/** How the provider says it authenticated the person: the ID token's `acr` and `amr`. */
export interface ProviderAuthn {
  acr: string | null;
  amr: string[] | null;
}

/**
 * The `acr` and `amr` of validated ID token claims. A claim of the wrong shape (an `amr` that is
 * not an array of strings) counts as absent: it proves nothing.
 */
export function providerAuthnOf(claims: Record<string, unknown>): ProviderAuthn {
  const acr = typeof claims.acr === 'string' && claims.acr !== '' ? claims.acr : null;
  const amr =
    Array.isArray(claims.amr) && claims.amr.every((value) => typeof value === 'string')
      ? (claims.amr as string[])
      : null;
  return { acr, amr };
}

/**
 * Whether the provider proved a second factor for a back-office sign-in: every configured list
 * is satisfied (`acr` is one of `requireAcr`; `amr` holds at least one of `requireAmr`). With no
 * list configured nothing is proven: the provider's bare word is not a second factor.
 */
export function providerMfaProven(
  policy: OidcConfig['backOffice'],
  authn: ProviderAuthn | null,
): boolean {
  const { requireAcr, requireAmr } = policy;
  if (!authn || (requireAcr.length === 0 && requireAmr.length === 0)) return false;
  if (requireAcr.length > 0 && !(authn.acr !== null && requireAcr.includes(authn.acr)))
    return false;
  if (requireAmr.length > 0 && !authn.amr?.some((value) => requireAmr.includes(value)))
    return false;
  return true;
}

/**
 * The authorization request parameters that ask the provider to perform MFA for a back-office
 * sign-in: `acr_values` (understood by Keycloak's step-up, AD FS and most providers) and, where
 * the provider supports the `claims` parameter, an essential request for `acr` (so a provider
 * that cannot reach it fails the login instead of quietly signing in with a password) and for
 * `amr` (so it is in the ID token at all). The token is checked afterwards all the same.
 */
export function mfaRequestParams(
  policy: OidcConfig['backOffice'],
  claimsParameterSupported: boolean,
): Record<string, string> {
  const params: Record<string, string> = {};
  const idToken: Record<string, unknown> = {};
  if (policy.requireAcr.length > 0) {
    params.acr_values = policy.requireAcr.join(' ');
    idToken.acr = { essential: true, values: policy.requireAcr };
  }
  if (policy.requireAmr.length > 0) idToken.amr = { essential: true };
  if (claimsParameterSupported && Object.keys(idToken).length > 0)
    params.claims = JSON.stringify({ id_token: idToken });
  return params;
}
