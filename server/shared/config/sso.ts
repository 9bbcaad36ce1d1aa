import { z } from 'zod';

/**
 * The one environment variable the OIDC client secret is read from. Fixed on purpose: were the
 * file allowed to name any variable, a changed file could make the service send another secret
 * it holds (SECRET_KEY, a webhook secret) to the issuer's token endpoint.
 */
export const SSO_OIDC_CLIENT_SECRET_ENV = 'SSO_OIDC_CLIENT_SECRET';

const scope = z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,100}$/, 'must be an OAuth scope token');
const claimName = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'must be a claim name (letters, digits, _ . : -)');

/**
 * Where the service may send the messenger app after the provider's callback (RFC 8252): an
 * https app link, a private-use scheme in reverse-domain form (`ru.corp.messenger:/sso`), or a
 * loopback http address of a desktop app. Never a plain http host: the one-time code travels in it.
 */
const appRedirectUri = z
  .string()
  .max(2000)
  .refine((value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    if (url.hash) return false;
    if (url.protocol === 'https:') return true;
    if (url.protocol === 'http:') return ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
    return /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+:$/.test(url.protocol);
  }, 'must be an https URL, a reverse-domain app scheme (ru.corp.app:/sso) or a loopback http URL, without a fragment');

/** How a provider account is matched to a person the first time (never again afterwards). */
const matchSchema = z.discriminatedUnion('by', [
  /** The `email` claim, only with `email_verified: true`, equal (case-insensitively) to the person's e-mail. */
  z.object({ by: z.literal('email') }).strict(),
  /** A claim (e.g. `employee_id`) equal to the person's employee number from HR. */
  z.object({ by: z.literal('employeeNumber'), claim: claimName.default('employee_id') }).strict(),
]);

/**
 * An `acr` value (a URI, or a short name such as Keycloak's LoA `2`) or an `amr` value (RFC 8176:
 * `mfa`, `otp`, `hwk`…): a token without spaces or quotes, as `acr_values` needs.
 */
const authnValue = z
  .string()
  .regex(/^[\x21\x23-\x5b\x5d-\x7e]{1,255}$/, 'must be one acr or amr value (no spaces or quotes)');

/**
 * `sso.oidc.backOffice`: the console's sign-in through the same provider (docs/sso.md). Back-office
 * roles need a second factor; the ID token proves the provider's MFA when it satisfies every
 * configured list (`acr` one of `requireAcr`; `amr` containing one of `requireAmr`). With both
 * lists empty the provider's word is never taken for MFA.
 */
const backOfficeSchema = z
  .object({
    /** Whether the console offers «Sign in with corporate SSO» at all. */
    enabled: z.boolean().default(true),
    /** Acceptable `acr` values; also sent as `acr_values` (and an essential `claims` request). */
    requireAcr: z.array(authnValue).max(20).default([]),
    /** `amr` values of which the token must carry at least one (e.g. [mfa] or [otp, hwk]). */
    requireAmr: z.array(authnValue).max(20).default([]),
    /**
     * When the token does not prove MFA: `totp` asks for the service's own TOTP code (as after a
     * password); `refuse` refuses with `sso_mfa_required`.
     */
    withoutProviderMfa: z.enum(['totp', 'refuse']).default('totp'),
  })
  .strict()
  .refine(
    (value) =>
      value.withoutProviderMfa !== 'refuse' ||
      value.requireAcr.length > 0 ||
      value.requireAmr.length > 0,
    'withoutProviderMfa: refuse needs requireAcr or requireAmr (otherwise nobody could sign in)',
  );

/** `sso.oidc`: the corporate OpenID Connect provider for the `oidc` login method. */
const oidcSchema = z
  .object({
    /** The issuer identifier; https only (openid-client refuses http, and the product never turns that off). */
    issuer: z.url().refine((value) => value.startsWith('https://'), 'must be an https URL'),
    clientId: z.string().min(1).max(255),
    clientAuthMethod: z
      .enum(['client_secret_basic', 'client_secret_post'])
      .default('client_secret_basic'),
    /** A PEM file with the CA(s) of the issuer's TLS certificate; the system store if null. */
    caFile: z.string().min(1).nullable().default(null),
    scopes: z
      .array(scope)
      .min(1)
      .default(['openid', 'email'])
      .refine((list) => list.includes('openid'), 'must include openid'),
    match: matchSchema.prefault({ by: 'email' }),
    /** Allowed redirects back into the messenger app; the first is the default. */
    appRedirectUris: z.array(appRedirectUri).min(1),
    /** How long a started login may wait for the provider's callback. */
    loginTtlSeconds: z.coerce.number().int().min(60).max(3600).default(600),
    /** How long the one-time code handed to the app is valid. */
    handoffTtlSeconds: z.coerce.number().int().min(10).max(600).default(120),
    backOffice: backOfficeSchema.prefault({}),
  })
  .strict()
  // Filled from SSO_OIDC_CLIENT_SECRET by resolveSsoSecret(); never read from a file.
  .transform((value) => ({ ...value, clientSecret: '' }));

/** `sso` of the service configuration: read from the configuration file only, never the API. */
export const ssoConfigSchema = z
  .object({ oidc: oidcSchema.nullable().default(null) })
  .strict()
  .prefault({});

/** The parsed `sso.oidc` section (with its secret from the environment). */
export type OidcConfig = NonNullable<z.infer<typeof ssoConfigSchema>['oidc']>;

/**
 * Reads the OIDC client secret from its fixed environment variable. Returns problems for the
 * operator (the variable is missing while `sso.oidc` is configured), empty if none.
 */
export function resolveSsoSecret(
  sso: z.infer<typeof ssoConfigSchema>,
  env: NodeJS.ProcessEnv,
): string[] {
  if (!sso.oidc) return [];
  const value = env[SSO_OIDC_CLIENT_SECRET_ENV] ?? '';
  if (value === '')
    return [`sso.oidc: ${SSO_OIDC_CLIENT_SECRET_ENV} must be set to the client secret`];
  sso.oidc.clientSecret = value;
  return [];
}
