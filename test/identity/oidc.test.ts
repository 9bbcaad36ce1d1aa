import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { ssoConfigSchema } from '../../server/shared/config/sso.ts';
import { coreKey, createDeviceSession } from '../core/deviceSessions.ts';
import { ApiClient, type ApiResponse } from '../support/api.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import {
  type AccountClaims,
  startOidcProvider,
  type TestOidcProvider,
} from '../support/oidcProvider.ts';
import { auditEvents, auditText } from './loginFlow.ts';
import { type MessengerStart, PHONE, type Problem } from './messengerFlow.ts';

const PUBLIC_URL = 'https://messenger.example.test';
const CALLBACK = `${PUBLIC_URL}/api/v1/auth/oidc/callback`;
const APP = 'ru.corp.messenger:/sso';
const core = coreKey('core-oidc-test');

let idp: TestOidcProvider;
let context: TestContext;
let limited: TestContext;
let byEmployee: TestContext;

/** Points a running test service at the test provider (as `sso.oidc` in a configuration file would). */
function configureSso(target: TestContext, more: Record<string, unknown> = {}): void {
  const { oidc } = ssoConfigSchema.parse({
    oidc: {
      issuer: idp.issuer,
      clientId: idp.clientId,
      caFile: idp.caFile,
      appRedirectUris: [APP],
      ...more,
    },
  });
  if (!oidc) throw new Error('sso.oidc did not parse');
  oidc.clientSecret = idp.clientSecret;
  target.services.config.sso.oidc = oidc;
}

beforeAll(async () => {
  idp = await startOidcProvider({ redirectUri: CALLBACK });
  const overrides = {
    http: { port: 0, publicUrl: PUBLIC_URL },
    core: { apiKeys: [{ name: core.name, sha256: core.sha256 }] },
  };
  context = await startTestContext({
    ...overrides,
    rateLimit: { loginFailuresPerAccount: 5, loginFailuresPerIp: 1000, windowSeconds: 900 },
  });
  limited = await startTestContext({
    ...overrides,
    rateLimit: { loginFailuresPerAccount: 5, loginFailuresPerIp: 3, windowSeconds: 900 },
  });
  byEmployee = await startTestContext({
    ...overrides,
    rateLimit: { loginFailuresPerAccount: 5, loginFailuresPerIp: 1000, windowSeconds: 900 },
  });
  configureSso(context);
  configureSso(limited);
  // The employee number is asked for by scope; it comes from userinfo (not the ID token).
  configureSso(byEmployee, {
    scopes: ['openid', 'employee'],
    match: { by: 'employeeNumber', claim: 'employee_id' },
  });
});
afterAll(async () => {
  await context?.close();
  await limited?.close();
  await byEmployee?.close();
  await idp?.close();
});

/** A random PKCE-style verifier of the app and its S256 challenge. */
function appVerifier(): { verifier: string; clientChallenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, clientChallenge: createHash('sha256').update(verifier).digest('base64url') };
}

interface SsoAttempt {
  verifier: string;
  callbackUrl: URL;
  callback: ApiResponse<Problem>;
  /** Where the callback sent the browser (the app redirect). */
  app: URL;
  code: string | null;
  error: string | null;
}

/** The messenger's part up to the app redirect: start, the provider as `subject`, the callback. */
async function ssoAttempt(
  subject: string,
  target = context,
  beforeCallback?: () => void,
): Promise<SsoAttempt> {
  const api = new ApiClient(target.baseUrl);
  const { verifier, clientChallenge } = appVerifier();
  const start = await api.post<{ authorizationUrl: string; expiresAt: string }>(
    '/api/v1/auth/oidc/start',
    { device: PHONE, clientChallenge },
  );
  expect(start.status).toBe(200);
  const callbackUrl = await idp.signIn(start.body.authorizationUrl, subject, CALLBACK);
  beforeCallback?.();
  const callback = await api.get<Problem>(`/api/v1/auth/oidc/callback${callbackUrl.search}`);
  const location = callback.headers.get('location');
  const app = new URL(location ?? 'about:blank');
  return {
    verifier,
    callbackUrl,
    callback,
    app,
    code: app.searchParams.get('code'),
    error: app.searchParams.get('error'),
  };
}

/** POST /auth/oidc/token. */
function exchange(code: string, verifier: string, target = context) {
  return new ApiClient(target.baseUrl).post<MessengerStart & Problem>('/api/v1/auth/oidc/token', {
    code,
    verifier,
  });
}

/** An active person whose login method is `oidc` (set directly: setup, not the API under test). */
async function ssoPerson(overrides: Parameters<typeof createPerson>[1] = {}) {
  const person = await createPerson(context.services, overrides);
  await context.services.pool.query(`update app_user set login_method = 'oidc' where id = $1`, [
    person.id,
  ]);
  return person;
}

/** A provider account with a verified e-mail (and a fresh subject). */
function providerAccount(claims: AccountClaims): string {
  const subject = `sub-${randomBytes(6).toString('hex')}`;
  idp.accounts.set(subject, claims);
  return subject;
}

async function introspect(token: string, target = context): Promise<Record<string, unknown>> {
  const response = await new ApiClient(target.baseUrl).request<Record<string, unknown>>(
    'POST',
    '/api/v1/core/introspect',
    { body: { token }, headers: { authorization: `Bearer ${core.key}` } },
  );
  return response.body;
}

async function failures(targetId?: string) {
  const rows = await auditEvents(context, 'auth.login_failed', targetId);
  return rows.filter((row) => (row.details as { step?: string }).step === 'oidc');
}

describe('sso.oidc configuration', () => {
  const file = {
    sso: {
      oidc: { issuer: 'https://idp.corp.example', clientId: 'frisbee', appRedirectUris: [APP] },
    },
  };

  it('reads the client secret from SSO_OIDC_CLIENT_SECRET only', () => {
    expect(() => loadConfig({}, file)).toThrow(/SSO_OIDC_CLIENT_SECRET/);
    const config = loadConfig({ SSO_OIDC_CLIENT_SECRET: 'from-env' }, file);
    expect(config.sso.oidc?.clientSecret).toBe('from-env');
    expect(config.sso.oidc?.scopes).toEqual(['openid', 'email']);
    expect(config.sso.oidc?.match).toEqual({ by: 'email' });
    const withSecret = { sso: { oidc: { ...file.sso.oidc, clientSecret: 'in-the-file' } } };
    expect(() => loadConfig({ SSO_OIDC_CLIENT_SECRET: 'x' }, withSecret)).toThrow(/clientSecret/);
  });

  it('refuses an http issuer and an http app redirect off loopback', () => {
    const env = { SSO_OIDC_CLIENT_SECRET: 'x' };
    const http = { sso: { oidc: { ...file.sso.oidc, issuer: 'http://idp.corp.example' } } };
    expect(() => loadConfig(env, http)).toThrow(/sso\.oidc\.issuer/);
    const app = { sso: { oidc: { ...file.sso.oidc, appRedirectUris: ['http://evil.example/'] } } };
    expect(() => loadConfig(env, app)).toThrow(/appRedirectUris/);
    expect(loadConfig({}, {}).sso.oidc).toBeNull();
  });
});

describe('switching a person to oidc', () => {
  it('goes through change-login-method, ends their sessions, and needs SSO configured', async () => {
    const { api } = await signedIn(context, 'admin');
    const person = await createPerson(context.services, { passwordHash: 'x' });
    const session = await createDeviceSession(context.services, person.id);

    const saved = context.services.config.sso.oidc;
    context.services.config.sso.oidc = null;
    const refused = await api.put<Problem>(`/api/v1/users/${person.id}/login-method`, {
      loginMethod: 'oidc',
    });
    context.services.config.sso.oidc = saved;
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('sso_not_configured');

    const changed = await api.put<{ loginMethod: string }>(
      `/api/v1/users/${person.id}/login-method`,
      { loginMethod: 'oidc' },
    );
    expect(changed.status).toBe(200);
    expect(changed.body.loginMethod).toBe('oidc');
    expect((await introspect(session.token)).active).toBe(false);
    const [event] = await auditEvents(context, 'user.login_method_changed', person.id);
    expect(event?.diff).toEqual({
      before: { loginMethod: 'password' },
      after: { loginMethod: 'oidc' },
    });
  });
});

describe('messenger login through the corporate provider', () => {
  it('links once by verified e-mail, then signs in by (iss, sub) alone', async () => {
    const person = await ssoPerson({ email: 'Alice.Oidc@corp.example' });
    const subject = providerAccount({ email: 'alice.oidc@corp.example', email_verified: true });

    const attempt = await ssoAttempt(subject);
    expect(attempt.callback.status).toBe(303);
    expect(attempt.app.protocol).toBe('ru.corp.messenger:');
    expect(attempt.error).toBeNull();
    expect(attempt.code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const done = await exchange(attempt.code as string, attempt.verifier);
    expect(done.status).toBe(200);
    expect(done.body.next).toBe('done');
    const session = done.body.session;
    expect(session?.coreAccount).toBeTruthy();
    expect(attempt.app.href).not.toContain(session?.token);
    const active = await introspect(session?.token as string);
    expect(active).toMatchObject({ active: true, sub: person.id, sid: session?.sessionId });

    const [linked] = await auditEvents(context, 'auth.oidc_linked', person.id);
    expect(linked?.details).toEqual({ issuer: idp.issuer, subject, matchedBy: 'email' });
    const [succeeded] = await auditEvents(context, 'auth.login_succeeded', person.id);
    expect(succeeded?.details).toMatchObject({ channel: 'messenger', step: 'oidc', device: PHONE });
    const [created] = await auditEvents(context, 'session.created', person.id);
    expect(created?.details).toMatchObject({ sessionId: session?.sessionId });

    // The provider account's e-mail changes: the pair still signs the same person in.
    idp.accounts.set(subject, { email: 'someone.else@corp.example', email_verified: false });
    const again = await ssoAttempt(subject);
    const second = await exchange(again.code as string, again.verifier);
    expect(second.body.next).toBe('done');
    expect((await introspect(second.body.session?.token as string)).sub).toBe(person.id);
    expect(await auditEvents(context, 'auth.oidc_linked', person.id)).toHaveLength(1);
    const text = await auditText(context);
    expect(text).not.toContain(session?.token);
    expect(text).not.toContain(attempt.code);
  });

  it('asks a back-office person for the second factor after the provider', async () => {
    const person = await ssoPerson({ role: 'staff', email: 'staff.oidc@corp.example' });
    const subject = providerAccount({ email: person.email as string, email_verified: true });
    const attempt = await ssoAttempt(subject);
    const step = await exchange(attempt.code as string, attempt.verifier);
    expect(step.status).toBe(200);
    expect(step.body.next).toBe('totp_enroll');
    expect(step.body.challenge).toBeTruthy();
    expect(step.body.session).toBeUndefined();
  });

  it('refuses an unknown or tampered state', async () => {
    const unknown = await new ApiClient(context.baseUrl).get<Problem>(
      '/api/v1/auth/oidc/callback?code=abc&state=not-a-state',
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('oidc_state_invalid');
    expect(unknown.headers.get('location')).toBeNull();

    await ssoPerson({ email: 'bob.oidc@corp.example' });
    const subject = providerAccount({ email: 'bob.oidc@corp.example', email_verified: true });
    const api = new ApiClient(context.baseUrl);
    const { clientChallenge } = appVerifier();
    const start = await api.post<{ authorizationUrl: string }>('/api/v1/auth/oidc/start', {
      device: PHONE,
      clientChallenge,
    });
    const callbackUrl = await idp.signIn(start.body.authorizationUrl, subject, CALLBACK);
    callbackUrl.searchParams.set('state', 'x'.repeat(43));
    const tampered = await api.get<Problem>(`/api/v1/auth/oidc/callback${callbackUrl.search}`);
    expect(tampered.status).toBe(400);
    expect(tampered.body.code).toBe('oidc_state_invalid');
    const reasons = (await failures()).map((row) => (row.details as { reason: string }).reason);
    expect(reasons).toContain('oidc_state_invalid');
  });

  it('refuses a replayed callback, a replayed one-time code and a wrong verifier', async () => {
    const person = await ssoPerson({ email: 'carol.oidc@corp.example' });
    const subject = providerAccount({ email: 'carol.oidc@corp.example', email_verified: true });
    const attempt = await ssoAttempt(subject);
    const replayed = await new ApiClient(context.baseUrl).get<Problem>(
      `/api/v1/auth/oidc/callback${attempt.callbackUrl.search}`,
    );
    expect(replayed.status).toBe(400);
    expect(replayed.body.code).toBe('oidc_state_invalid');

    expect((await exchange(attempt.code as string, attempt.verifier)).status).toBe(200);
    const reused = await exchange(attempt.code as string, attempt.verifier);
    expect(reused.status).toBe(400);
    expect(reused.body.code).toBe('oidc_code_invalid');

    const next = await ssoAttempt(subject);
    const wrong = await exchange(next.code as string, appVerifier().verifier);
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('oidc_code_invalid');
    // A wrong verifier uses the code up: the right one comes too late.
    expect((await exchange(next.code as string, next.verifier)).body.code).toBe(
      'oidc_code_invalid',
    );
    const reasons = (await failures(person.id)).map(
      (row) => (row.details as { reason: string }).reason,
    );
    expect(reasons.filter((reason) => reason === 'oidc_code_invalid')).toHaveLength(3);
  });

  it('refuses a login whose wait ran out, and a one-time code that expired', async () => {
    await ssoPerson({ email: 'dave.oidc@corp.example' });
    const subject = providerAccount({ email: 'dave.oidc@corp.example', email_verified: true });
    const startedAt = new Date();
    context.setNow(startedAt);
    try {
      const late = await ssoAttempt(subject, context, () =>
        context.setNow(new Date(startedAt.getTime() + 11 * 60_000)),
      );
      expect(late.callback.status).toBe(303);
      expect(late.error).toBe('oidc_login_expired');
      expect(late.code).toBeNull();

      context.setNow(startedAt);
      const slow = await ssoAttempt(subject);
      context.setNow(new Date(startedAt.getTime() + 3 * 60_000));
      const expired = await exchange(slow.code as string, slow.verifier);
      expect(expired.status).toBe(400);
      expect(expired.body.code).toBe('oidc_code_invalid');
    } finally {
      context.setNow(undefined);
    }
  });

  it('keeps a second provider account with the victim’s e-mail out once the victim is linked (nOAuth)', async () => {
    const victim = await ssoPerson({ email: 'victim.oidc@corp.example' });
    const own = providerAccount({ email: 'victim.oidc@corp.example', email_verified: true });
    const first = await ssoAttempt(own);
    expect((await exchange(first.code as string, first.verifier)).body.next).toBe('done');

    const attacker = providerAccount({ email: 'VICTIM.oidc@corp.example', email_verified: true });
    const attempt = await ssoAttempt(attacker);
    expect(attempt.error).toBe('oidc_already_linked');
    expect(attempt.code).toBeNull();
    const [refused] = (await failures(victim.id)).filter(
      (row) => (row.details as { reason: string }).reason === 'oidc_already_linked',
    );
    expect(refused?.details).toMatchObject({
      providerAccount: { issuer: idp.issuer, subject: attacker },
    });
    const links = await context.services.pool.query(
      'select subject from oidc_identity where user_id = $1',
      [victim.id],
    );
    expect(links.rows).toEqual([{ subject: own }]);
  });

  it('never matches an unverified e-mail', async () => {
    const person = await ssoPerson({ email: 'erin.oidc@corp.example' });
    for (const verified of [false, 'true', undefined]) {
      const subject = providerAccount({
        email: 'erin.oidc@corp.example',
        ...(verified === undefined ? {} : { email_verified: verified }),
      });
      const attempt = await ssoAttempt(subject);
      expect(attempt.error).toBe('oidc_no_match');
    }
    const reasons = (await failures()).map((row) => (row.details as { reason: string }).reason);
    expect(
      reasons.filter((reason) => reason === 'oidc_claim_unverified').length,
    ).toBeGreaterThanOrEqual(3);
    const links = await context.services.pool.query(
      'select 1 from oidc_identity where user_id = $1',
      [person.id],
    );
    expect(links.rowCount).toBe(0);
  });

  it('creates nobody for a provider account the directory does not have', async () => {
    const before = await context.services.pool.query('select count(*)::int as n from app_user');
    const subject = providerAccount({ email: 'stranger@corp.example', email_verified: true });
    const attempt = await ssoAttempt(subject);
    expect(attempt.error).toBe('oidc_no_match');
    const after = await context.services.pool.query('select count(*)::int as n from app_user');
    expect(after.rows[0].n).toBe(before.rows[0].n);
    const [refused] = (await failures()).filter(
      (row) =>
        (row.details as { providerAccount?: { subject: string } }).providerAccount?.subject ===
        subject,
    );
    expect(refused?.details).toMatchObject({ reason: 'oidc_no_match' });
  });

  it('refuses a deactivated person, linked or not', async () => {
    const person = await ssoPerson({ email: 'frank.oidc@corp.example' });
    const subject = providerAccount({ email: 'frank.oidc@corp.example', email_verified: true });
    const first = await ssoAttempt(subject);
    expect((await exchange(first.code as string, first.verifier)).body.next).toBe('done');
    await context.services.pool.query(`update app_user set status = 'deactivated' where id = $1`, [
      person.id,
    ]);
    const linked = await ssoAttempt(subject);
    expect(linked.error).toBe('oidc_not_allowed');
    const reasons = (await failures(person.id)).map(
      (row) => (row.details as { reason: string }).reason,
    );
    expect(reasons).toContain('status_deactivated');

    await ssoPerson({ email: 'gina.oidc@corp.example', status: 'deactivated' });
    const other = providerAccount({ email: 'gina.oidc@corp.example', email_verified: true });
    expect((await ssoAttempt(other)).error).toBe('oidc_no_match');
  });

  it('refuses a person whose login method is password, and forgets the link on a switch', async () => {
    await createPerson(context.services, { email: 'hank.oidc@corp.example' });
    const subject = providerAccount({ email: 'hank.oidc@corp.example', email_verified: true });
    expect((await ssoAttempt(subject)).error).toBe('oidc_no_match');

    const person = await ssoPerson({ email: 'ivy.oidc@corp.example' });
    const own = providerAccount({ email: 'ivy.oidc@corp.example', email_verified: true });
    const first = await ssoAttempt(own);
    const issued = await exchange(first.code as string, first.verifier);
    const { api } = await signedIn(context, 'admin');
    const switched = await api.put(`/api/v1/users/${person.id}/login-method`, {
      loginMethod: 'password',
    });
    expect(switched.status).toBe(200);
    expect((await introspect(issued.body.session?.token as string)).active).toBe(false);
    expect((await ssoAttempt(own)).error).toBe('oidc_no_match');
    const [event] = await auditEvents(context, 'user.login_method_changed', person.id);
    expect(event?.details).toMatchObject({ oidcUnlinked: true });
    // A password login of an `oidc` person is refused too, even with a password set behind it.
    await context.services.pool.query(
      `update app_user set login_method = 'oidc', password_hash = 'x' where id = $1`,
      [person.id],
    );
    const password = await new ApiClient(context.baseUrl).post<Problem>('/api/v1/auth/login', {
      username: person.username,
      password: 'whatever-password',
      device: PHONE,
    });
    expect(password.status).toBe(401);
  });

  it('refuses a person switched away from oidc between the callback and the exchange', async () => {
    const person = await ssoPerson({ email: 'jack.oidc@corp.example' });
    const subject = providerAccount({ email: 'jack.oidc@corp.example', email_verified: true });
    const attempt = await ssoAttempt(subject);
    await context.services.pool.query(`update app_user set status = 'suspended' where id = $1`, [
      person.id,
    ]);
    const refused = await exchange(attempt.code as string, attempt.verifier);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('oidc_not_allowed');
  });
});

describe('matching by employee number', () => {
  /** An active `oidc` person of the byEmployee service with an employee number from HR. */
  async function employee(employeeNumber: string) {
    const person = await createPerson(byEmployee.services, {});
    await byEmployee.services.pool.query(
      `update app_user set login_method = 'oidc', employee_number = $2 where id = $1`,
      [person.id, employeeNumber],
    );
    return person;
  }

  it('links once by the employee number, then signs in by (iss, sub) alone', async () => {
    const person = await employee('E-1001');
    const subject = providerAccount({ employee_id: 'E-1001' });
    const first = await ssoAttempt(subject, byEmployee);
    expect(first.error).toBeNull();
    const done = await exchange(first.code as string, first.verifier, byEmployee);
    expect(done.body.next).toBe('done');
    const token = done.body.session?.token as string;
    expect((await introspect(token, byEmployee)).sub).toBe(person.id);
    const [linked] = await auditEvents(byEmployee, 'auth.oidc_linked', person.id);
    expect(linked?.details).toEqual({ issuer: idp.issuer, subject, matchedBy: 'employeeNumber' });

    // HR renumbers the account at the provider: the pair still signs the same person in.
    idp.accounts.set(subject, { employee_id: 'E-7777' });
    const again = await ssoAttempt(subject, byEmployee);
    const second = await exchange(again.code as string, again.verifier, byEmployee);
    expect((await introspect(second.body.session?.token as string, byEmployee)).sub).toBe(
      person.id,
    );
    expect(await auditEvents(byEmployee, 'auth.oidc_linked', person.id)).toHaveLength(1);
  });

  it('refuses a provider account whose employee number is not the person’s', async () => {
    const person = await employee('E-2002');
    const other = providerAccount({ employee_id: 'E-2003', email: 'x@corp.example' });
    const attempt = await ssoAttempt(other, byEmployee);
    expect(attempt.code).toBeNull();
    expect(attempt.error).toBe('oidc_no_match');
    const none = providerAccount({ email: 'y@corp.example', email_verified: true });
    expect((await ssoAttempt(none, byEmployee)).error).toBe('oidc_no_match');
    const reasons = (await auditEvents(byEmployee, 'auth.login_failed')).map(
      (row) => (row.details as { reason: string }).reason,
    );
    expect(reasons).toEqual(expect.arrayContaining(['oidc_no_match', 'oidc_claim_missing']));
    const links = await byEmployee.services.pool.query(
      'select 1 from oidc_identity where user_id = $1',
      [person.id],
    );
    expect(links.rowCount).toBe(0);
  });
});

describe('rate limits of the SSO endpoints', () => {
  it('limits starts and failed exchanges per client IP', async () => {
    const api = new ApiClient(limited.baseUrl);
    const start = () =>
      api.post<Problem>('/api/v1/auth/oidc/start', {
        device: PHONE,
        clientChallenge: appVerifier().clientChallenge,
      });
    for (let i = 0; i < 3; i += 1) expect((await start()).status).toBe(200);
    const refused = await start();
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('too_many_attempts');
    expect(refused.headers.get('retry-after')).toBeTruthy();

    await limited.services.pool.query('delete from rate_limit');
    const bogus = () =>
      exchange(randomBytes(32).toString('base64url'), appVerifier().verifier, limited);
    for (let i = 0; i < 3; i += 1) expect((await bogus()).body.code).toBe('oidc_code_invalid');
    const blocked = await bogus();
    expect(blocked.status).toBe(429);
    const rows = await auditEvents(limited, 'auth.login_failed');
    expect(rows.map((row) => (row.details as { reason: string }).reason)).toContain('rate_limited');
  });
});
