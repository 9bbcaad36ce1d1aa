import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Provider, { type Configuration } from 'oidc-provider';
import { httpsFetch } from '../../server/identity/oidc/httpsFetch.ts';

const run = promisify(execFile);
const OPENSSL = '/usr/bin/openssl';

/** The claims a provider account asserts (besides `sub`). */
export interface AccountClaims {
  email?: string;
  /** A boolean at a conforming provider; tests also send a string to see it refused. */
  email_verified?: boolean | string;
  employee_id?: string;
  /**
   * How the provider says it authenticated this account (the ID token's `acr`), e.g. one of
   * {@link TEST_ACR}. Not a user claim: it goes into the login result, as a real provider's MFA
   * step would set it. An essential `acr` request it cannot meet fails the login at the provider
   * (`unmet_authentication_requirements`), as Keycloak's step-up does.
   */
  acr?: string;
  /** The methods used (the ID token's `amr`, RFC 8176), e.g. `['pwd']` or `['pwd', 'otp', 'mfa']`. */
  amr?: string[];
  [claim: string]: unknown;
}

/** The `acr` values the test provider knows: a password alone, and a password with a second factor. */
export const TEST_ACR = {
  password: 'urn:frisbee:test:acr:pwd',
  mfa: 'urn:frisbee:test:acr:mfa',
} as const;

/** A throw-away OpenID provider over TLS on loopback, signed by a throw-away CA. */
export interface TestOidcProvider {
  /** `https://127.0.0.1:<port>`: the issuer identifier. */
  issuer: string;
  /** The PEM file of the test CA (for `sso.oidc.caFile`); nothing else trusts it. */
  caFile: string;
  caPem: string;
  clientId: string;
  clientSecret: string;
  /** Provider accounts by subject; tests add and change them. */
  accounts: Map<string, AccountClaims>;
  /**
   * Walks a browser through the provider from `authorizationUrl`, signed in as `subject` (the
   * interactions complete by themselves, with a fresh cookie jar each time), until it is sent to
   * a URL starting with `stopAt` (the service's callback); returns that URL.
   */
  signIn(authorizationUrl: string, subject: string, stopAt: string): Promise<URL>;
  /** Names the account the next interaction signs in, for a real browser walking the provider. */
  expectSignIn(subject: string): void;
  /** The authorization requests the provider received (their query parameters), latest last. */
  authorizationRequests: URLSearchParams[];
  close(): Promise<void>;
}

/** Makes a CA and a certificate for 127.0.0.1 signed by it (EC P-256, two days). */
async function makeCertificates(dir: string): Promise<{ ca: string; key: string; cert: string }> {
  const file = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run(OPENSSL, [
    'req',
    '-x509',
    ...ec,
    '-days',
    '2',
    '-subj',
    '/CN=Frisbee test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
  ]);
  await run(OPENSSL, [
    'req',
    ...ec,
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    file('idp.key'),
    '-out',
    file('idp.csr'),
  ]);
  await writeFile(
    file('idp.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
  );
  await run(OPENSSL, [
    'x509',
    '-req',
    '-in',
    file('idp.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-set_serial',
    '1',
    '-days',
    '2',
    '-extfile',
    file('idp.ext'),
    '-out',
    file('idp.pem'),
  ]);
  const [ca, key, cert] = await Promise.all(
    ['ca.pem', 'idp.key', 'idp.pem'].map((name) => readFile(file(name), 'utf8')),
  );
  return { ca: ca as string, key: key as string, cert: cert as string };
}

/**
 * Whether an account signed in with `acr` meets an essential `acr` request of the `claims`
 * parameter (a voluntary `acr_values` alone asks, but does not oblige).
 */
function reachesEssentialAcr(claimsParam: unknown, acr: string | undefined): boolean {
  if (typeof claimsParam !== 'string') return true;
  const request = (JSON.parse(claimsParam) as { id_token?: { acr?: unknown } }).id_token?.acr;
  const { essential, values } = (request ?? {}) as { essential?: boolean; values?: string[] };
  if (!essential || !Array.isArray(values)) return true;
  return acr !== undefined && values.includes(acr);
}

/**
 * Starts the certified `oidc-provider` as the corporate IdP: one confidential client whose
 * redirect URI is `redirectUri`, scopes `openid email employee`, login and consent completed at
 * once for the account the test names.
 */
export async function startOidcProvider(options: {
  redirectUri: string;
}): Promise<TestOidcProvider> {
  const dir = await mkdtemp(join(tmpdir(), 'frisbee-oidc-'));
  const { ca, key, cert } = await makeCertificates(dir);
  const caFile = join(dir, 'ca.pem');
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer({ key, cert }, (req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `https://127.0.0.1:${port}`;
  const clientId = 'frisbee-messenger';
  const clientSecret = randomBytes(24).toString('base64url');
  const accounts = new Map<string, AccountClaims>();
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    format: 'jwk',
  });
  // Who the next interaction signs in, per interaction cookie jar (set by signIn).
  let nextSubject: string | null = null;

  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    jwks: { keys: [{ ...signingKey, kid: 'test-key', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    claims: {
      // acr is known by default (with acrValues); amr only when listed.
      amr: null,
      openid: ['sub'],
      email: ['email', 'email_verified'],
      employee: ['employee_id'],
    },
    scopes: ['openid', 'email', 'employee'],
    acrValues: [TEST_ACR.password, TEST_ACR.mfa],
    features: { devInteractions: { enabled: false }, claimsParameter: { enabled: true } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => {
      const account = accounts.get(sub);
      if (!account) return undefined;
      // acr and amr describe the sign-in, not the person: the login result carries them.
      const { acr: _acr, amr: _amr, ...claims } = account;
      return { accountId: sub, claims: () => ({ ...claims, sub }) };
    },
  };
  const provider = new Provider(issuer, configuration);
  const authorizationRequests: URLSearchParams[] = [];
  provider.use(async (ctx, next) => {
    if (ctx.path === '/auth') authorizationRequests.push(new URLSearchParams(ctx.querystring));
    return next();
  });
  provider.use(async (ctx, next) => {
    const match = /^\/interaction\/([^/]+)$/.exec(ctx.path);
    if (!match) return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const accountId = nextSubject;
    if (!accountId) throw new Error('the test named nobody to sign in');
    if (details.prompt.name === 'login') {
      const { acr, amr } = accounts.get(accountId) ?? {};
      const unmet = !reachesEssentialAcr(details.params.claims, acr);
      const to = await provider.interactionResult(
        ctx.req,
        ctx.res,
        unmet
          ? {
              error: 'unmet_authentication_requirements',
              error_description: 'the account cannot reach the requested acr',
            }
          : { login: { accountId, ...(acr ? { acr } : {}), ...(amr ? { amr } : {}) } },
        { mergeWithLastSubmission: false },
      );
      ctx.redirect(to);
      return undefined;
    }
    const grant = new provider.Grant({ accountId, clientId });
    grant.addOIDCScope(String(details.params.scope ?? 'openid'));
    const grantId = await grant.save();
    const to = await provider.interactionResult(
      ctx.req,
      ctx.res,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
    ctx.redirect(to);
    return undefined;
  });
  handler = provider.callback();
  const fetchIdp = httpsFetch(ca);

  return {
    issuer,
    caFile,
    caPem: ca,
    clientId,
    clientSecret,
    accounts,
    authorizationRequests,
    expectSignIn(subject) {
      nextSubject = subject;
    },
    async signIn(authorizationUrl, subject, stopAt) {
      nextSubject = subject;
      const jar = new Map<string, string>();
      let url = new URL(authorizationUrl);
      for (let hop = 0; hop < 20; hop += 1) {
        const headers: Record<string, string> = {};
        if (jar.size > 0) headers.cookie = [...jar].map(([n, v]) => `${n}=${v}`).join('; ');
        const response = await fetchIdp(url.href, { method: 'GET', headers, redirect: 'manual' });
        for (const header of response.headers.getSetCookie()) {
          const [pair = ''] = header.split(';');
          const at = pair.indexOf('=');
          if (at > 0) jar.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
        }
        const location = response.headers.get('location');
        if (!location)
          throw new Error(
            `the provider stopped at ${url.pathname}: ${response.status} ${await response.text()}`,
          );
        url = new URL(location, url);
        if (url.href.startsWith(stopAt)) return url;
      }
      throw new Error('the provider redirected too many times');
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
