import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { User } from '../../server/directory/entities.ts';
import { type OidcConfig, ssoConfigSchema } from '../../server/shared/config/sso.ts';
import { ApiClient, type ApiResponse } from '../support/api.ts';
import { createPerson, type PersonOverrides } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import {
  type AccountClaims,
  startOidcProvider,
  TEST_ACR,
  type TestOidcProvider,
} from '../support/oidcProvider.ts';
import { auditEvents, codeFor, type MeBody, type PasswordStep, secretOf } from './loginFlow.ts';
import type { Problem } from './messengerFlow.ts';

const PUBLIC_URL = 'https://console.example.test';
const CALLBACK = `${PUBLIC_URL}/api/v1/auth/oidc/callback`;
const RETURN = `${PUBLIC_URL}/admin/#/login`;

let idp: TestOidcProvider;
let context: TestContext;

/** `sso.oidc` as a configuration file would give it, with `backOffice` as the test says. */
function ssoSettings(backOffice: Record<string, unknown> = {}): OidcConfig {
  const { oidc } = ssoConfigSchema.parse({
    oidc: {
      issuer: idp.issuer,
      clientId: idp.clientId,
      caFile: idp.caFile,
      appRedirectUris: ['ru.corp.messenger:/sso'],
      backOffice,
    },
  });
  if (!oidc) throw new Error('sso.oidc did not parse');
  oidc.clientSecret = idp.clientSecret;
  return oidc;
}

/** Changes the back-office policy of the running service (a restart with another file would). */
function backOfficePolicy(backOffice: Record<string, unknown>): void {
  context.services.config.sso.oidc = ssoSettings(backOffice);
}

beforeAll(async () => {
  idp = await startOidcProvider({ redirectUri: CALLBACK });
  context = await startTestContext({
    http: { port: 0, publicUrl: PUBLIC_URL },
    rateLimit: { loginFailuresPerAccount: 5, loginFailuresPerIp: 1000, windowSeconds: 900 },
  });
});
beforeEach(() => backOfficePolicy({ requireAmr: ['mfa'] }));
afterAll(async () => {
  await context?.close();
  await idp?.close();
});

/** An active `oidc` person with a back-office role (set directly: setup, not the API under test). */
async function ssoOperator(overrides: PersonOverrides = {}): Promise<User> {
  const email = overrides.email ?? `op-${randomBytes(4).toString('hex')}@corp.example`;
  const person = await createPerson(context.services, { role: 'staff', ...overrides, email });
  await context.services.pool.query(`update app_user set login_method = 'oidc' where id = $1`, [
    person.id,
  ]);
  return person;
}

/** A provider account for a person, with a verified e-mail and the sign-in's acr/amr. */
function accountFor(person: User, authn: Pick<AccountClaims, 'acr' | 'amr'>): string {
  const subject = `sub-${randomBytes(6).toString('hex')}`;
  idp.accounts.set(subject, { email: person.email as string, email_verified: true, ...authn });
  return subject;
}

interface ConsoleAttempt {
  /** The browser of the console: its cookie jar holds the start's verifier cookie. */
  api: ApiClient;
  /** Where the callback sent the browser. */
  returnUrl: string;
  code: string | null;
  error: string | null;
}

/** The console's part up to its login page: start, the provider as `subject`, the callback. */
async function consoleAttempt(subject: string): Promise<ConsoleAttempt> {
  const api = new ApiClient(context.baseUrl);
  const start = await api.post<{ authorizationUrl: string }>('/api/v1/session/oidc/start', {});
  expect(start.status).toBe(200);
  expect(api.cookie('fb_sso')).toBeTruthy();
  const callbackUrl = await idp.signIn(start.body.authorizationUrl, subject, CALLBACK);
  const callback = await api.get(`/api/v1/auth/oidc/callback${callbackUrl.search}`);
  expect(callback.status).toBe(303);
  const returnUrl = callback.headers.get('location') ?? '';
  expect(returnUrl.startsWith(`${RETURN}?`)).toBe(true);
  const params = new URLSearchParams(returnUrl.slice(RETURN.length + 1));
  return { api, returnUrl, code: params.get('code'), error: params.get('error') };
}

interface SsoAnswer extends Omit<Partial<PasswordStep>, 'next'>, Partial<Problem> {
  next: 'done' | 'totp' | 'totp_enroll';
  me?: MeBody;
}

/** POST /session/oidc with the code, from the browser that started. */
function exchange(attempt: ConsoleAttempt, api = attempt.api): Promise<ApiResponse<SsoAnswer>> {
  return api.post<SsoAnswer>('/api/v1/session/oidc', { code: attempt.code });
}

/** The back-office SSO audit events of a person (`step: oidc`, channel backoffice). */
async function ssoEvents(action: string, personId: string) {
  const rows = await auditEvents(context, action, personId);
  return rows.filter((row) => row.details?.step === 'oidc' && row.details.channel === 'backoffice');
}

/** The session works: GET /me answers the person, and an unsafe request passes CSRF. */
async function expectSignedIn(api: ApiClient, person: User, csrfToken: string): Promise<void> {
  api.csrfToken = csrfToken;
  const me = await api.get<MeBody>('/api/v1/me');
  expect(me.status).toBe(200);
  expect(me.body.user.id).toBe(person.id);
  expect((await api.get('/api/v1/users')).status).toBe(200);
  expect((await api.request('DELETE', '/api/v1/session')).status).toBe(204);
  expect((await api.get('/api/v1/me')).status).toBe(401);
}

describe('the login page asks whether SSO is on', () => {
  it('answers GET /session/sso without a session', async () => {
    const api = new ApiClient(context.baseUrl);
    expect((await api.get('/api/v1/session/sso')).body).toEqual({ oidc: true });
    backOfficePolicy({ enabled: false });
    expect((await api.get('/api/v1/session/sso')).body).toEqual({ oidc: false });
    const off = await api.post<Problem>('/api/v1/session/oidc/start', {});
    expect(off.status).toBe(409);
    expect(off.body.code).toBe('sso_not_configured');
    context.services.config.sso.oidc = null;
    expect((await api.get('/api/v1/session/sso')).body).toEqual({ oidc: false });
  });

  it('refuses a policy that could admit nobody', () => {
    expect(() => ssoSettings({ withoutProviderMfa: 'refuse' })).toThrow(/requireAcr or requireAmr/);
  });
});

describe('back-office sign-in through the corporate provider', () => {
  it('opens the session at once when the ID token proves MFA (amr)', async () => {
    const person = await ssoOperator();
    const subject = accountFor(person, { amr: ['pwd', 'otp', 'mfa'] });
    const attempt = await consoleAttempt(subject);
    expect(attempt.error).toBeNull();
    expect(attempt.code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const asked = idp.authorizationRequests.at(-1);
    expect(JSON.parse(asked?.get('claims') ?? '{}')).toEqual({
      id_token: { amr: { essential: true } },
    });
    expect(asked?.get('code_challenge_method')).toBe('S256');

    const done = await exchange(attempt);
    expect(done.status).toBe(200);
    expect(done.body.next).toBe('done');
    expect(done.body.me?.user.id).toBe(person.id);
    expect(attempt.api.cookie('fb_session')).toBeTruthy();
    expect(attempt.api.cookie('fb_sso')).toBeUndefined();

    const [succeeded] = await ssoEvents('auth.login_succeeded', person.id);
    expect(succeeded?.details).toMatchObject({
      channel: 'backoffice',
      step: 'oidc',
      providerMfa: { acr: null, amr: ['pwd', 'otp', 'mfa'] },
    });
    expect(succeeded?.details?.sessionId).toBeTruthy();
    expect(await auditEvents(context, 'auth.oidc_linked', person.id)).toHaveLength(1);
    await expectSignedIn(attempt.api, person, done.body.me?.csrfToken as string);
  });

  it('asks the provider for an acr and accepts it when the token carries it', async () => {
    backOfficePolicy({ requireAcr: [TEST_ACR.mfa] });
    const person = await ssoOperator({ role: 'admin' });
    const subject = accountFor(person, { acr: TEST_ACR.mfa, amr: ['pwd', 'hwk'] });
    const attempt = await consoleAttempt(subject);
    const asked = idp.authorizationRequests.at(-1);
    expect(asked?.get('acr_values')).toBe(TEST_ACR.mfa);
    expect(JSON.parse(asked?.get('claims') ?? '{}')).toEqual({
      id_token: { acr: { essential: true, values: [TEST_ACR.mfa] } },
    });
    const done = await exchange(attempt);
    expect(done.body.next).toBe('done');
    const [succeeded] = await ssoEvents('auth.login_succeeded', person.id);
    expect(succeeded?.details).toMatchObject({ providerMfa: { acr: TEST_ACR.mfa } });
    await expectSignedIn(attempt.api, person, done.body.me?.csrfToken as string);
  });

  it('refuses with sso_mfa_required when the provider cannot reach the acr', async () => {
    backOfficePolicy({ requireAcr: [TEST_ACR.mfa] });
    const person = await ssoOperator();
    const subject = accountFor(person, { acr: TEST_ACR.password, amr: ['pwd'] });
    const attempt = await consoleAttempt(subject);
    expect(attempt.code).toBeNull();
    expect(attempt.error).toBe('sso_mfa_required');
    const reasons = (await auditEvents(context, 'auth.login_failed'))
      .filter((row) => row.details?.channel === 'backoffice')
      .map((row) => row.details?.reason);
    expect(reasons).toContain('oidc_mfa_not_proven');
  });

  it('asks for the service’s own TOTP when MFA is not proven (the default)', async () => {
    const person = await ssoOperator();
    const subject = accountFor(person, { amr: ['pwd'] });
    const attempt = await consoleAttempt(subject);
    const step = await exchange(attempt);
    expect(step.status).toBe(200);
    expect(step.body.next).toBe('totp_enroll');
    expect(step.body.me).toBeUndefined();
    expect(attempt.api.cookie('fb_session')).toBeUndefined();
    const secret = secretOf(step.body.otpauthUri as string);
    const me = await attempt.api.post<MeBody>('/api/v1/session/totp', {
      code: await codeFor(context, secret),
    });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(person.id);
    await expectSignedIn(attempt.api, person, me.body.csrfToken);

    // Next time, with the factor enrolled, the code is asked for (no new enrollment).
    const again = await exchange(await consoleAttempt(subject));
    expect(again.body.next).toBe('totp');
  });

  it('refuses with sso_mfa_required when so configured and MFA is not proven', async () => {
    backOfficePolicy({ requireAmr: ['mfa'], withoutProviderMfa: 'refuse' });
    const person = await ssoOperator();
    const subject = accountFor(person, { amr: ['pwd'] });
    const attempt = await consoleAttempt(subject);
    const refused = await exchange(attempt);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('sso_mfa_required');
    expect(attempt.api.cookie('fb_session')).toBeUndefined();
    expect(attempt.api.cookie('fb_login')).toBeUndefined();
    const [failed] = await ssoEvents('auth.login_failed', person.id);
    expect(failed?.details).toMatchObject({ reason: 'oidc_mfa_not_proven' });
  });

  it('refuses a person without a back-office role, and does not link them', async () => {
    const person = await ssoOperator({ role: null });
    const subject = accountFor(person, { amr: ['mfa'] });
    const attempt = await consoleAttempt(subject);
    expect(attempt.code).toBeNull();
    expect(attempt.error).toBe('oidc_not_allowed');
    const [failed] = await ssoEvents('auth.login_failed', person.id);
    expect(failed?.details).toMatchObject({ reason: 'no_role' });
    const links = await context.services.pool.query(
      'select 1 from oidc_identity where user_id = $1',
      [person.id],
    );
    expect(links.rowCount).toBe(0);
  });

  it('refuses a deactivated person, and one whose role was withdrawn meanwhile', async () => {
    const person = await ssoOperator();
    const subject = accountFor(person, { amr: ['mfa'] });
    expect((await exchange(await consoleAttempt(subject))).body.next).toBe('done');
    await context.services.pool.query(`update app_user set status = 'deactivated' where id = $1`, [
      person.id,
    ]);
    expect((await consoleAttempt(subject)).error).toBe('oidc_not_allowed');
    const reasons = (await ssoEvents('auth.login_failed', person.id)).map(
      (row) => row.details?.reason,
    );
    expect(reasons).toContain('status_deactivated');

    const other = await ssoOperator();
    const own = accountFor(other, { amr: ['mfa'] });
    const attempt = await consoleAttempt(own);
    await context.services.pool.query('update app_user set role = null, rank = 0 where id = $1', [
      other.id,
    ]);
    const refused = await exchange(attempt);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('oidc_not_allowed');
  });

  it('refuses an operator whose login method is password, whatever the provider says', async () => {
    const person = await createPerson(context.services, {
      role: 'admin',
      email: `pw-${randomBytes(4).toString('hex')}@corp.example`,
    });
    const subject = accountFor(person, { amr: ['mfa'] });
    expect((await consoleAttempt(subject)).error).toBe('oidc_no_match');
  });

  it('accepts the one-time code only in the browser that started, once, on its own channel', async () => {
    const person = await ssoOperator();
    const subject = accountFor(person, { amr: ['mfa'] });
    const stolen = await consoleAttempt(subject);
    // Another browser (no verifier cookie): the code is refused and used up.
    const elsewhere = await exchange(stolen, new ApiClient(context.baseUrl));
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.code).toBe('oidc_code_invalid');
    expect((await exchange(stolen)).body.code).toBe('oidc_code_invalid');

    // A console code is no messenger code, even with the right verifier.
    const attempt = await consoleAttempt(subject);
    const asApp = await new ApiClient(context.baseUrl).post<Problem>('/api/v1/auth/oidc/token', {
      code: attempt.code,
      verifier: attempt.api.cookie('fb_sso'),
    });
    expect(asApp.status).toBe(400);
    expect(asApp.body.code).toBe('oidc_code_invalid');
    const codes = (await ssoEvents('auth.login_failed', person.id)).filter(
      (row) => row.details?.reason === 'oidc_code_invalid',
    );
    expect(codes.length).toBeGreaterThanOrEqual(2);
  });
});
