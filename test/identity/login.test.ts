import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { User } from '../../server/directory/entities.ts';
import { CHALLENGE_COOKIE, SESSION_COOKIE } from '../../server/identity/backofficeSession.ts';
import { TotpFactor } from '../../server/identity/entities.ts';
import { totpCode } from '../../server/identity/totp.ts';
import { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import {
  auditEvents,
  auditText,
  backofficePerson,
  codeFor,
  GOOD_PASSWORD,
  logIn,
  type MeBody,
  type PasswordStep,
  secretOf,
} from './loginFlow.ts';

let context: TestContext;
beforeAll(async () => {
  context = await startTestContext();
});
afterAll(async () => {
  await context.close();
});

interface Problem {
  code: string;
  status: number;
  attemptsLeft?: number;
}

describe('back-office login', () => {
  it('enrolls TOTP at first login, opens a session, answers /me, and logs out', async () => {
    const person = await backofficePerson(context, 'admin', { email: 'first.login@corp.example' });
    const api = new ApiClient(context.baseUrl);

    const step = await api.post<PasswordStep>('/api/v1/session', {
      username: person.username,
      password: GOOD_PASSWORD,
    });
    expect(step.status).toBe(200);
    expect(step.body.next).toBe('totp_enroll');
    expect(step.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/.+secret=/);
    expect(step.body.qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    const challengeHeader = step.headers.getSetCookie().join('\n');
    expect(challengeHeader).toMatch(new RegExp(`${CHALLENGE_COOKIE}=.+httponly`, 'i'));
    expect(challengeHeader).toMatch(/samesite=strict/i);
    expect(challengeHeader).toMatch(/path=\/api\/v1\/session/i);

    const secret = secretOf(step.body.otpauthUri as string);
    const done = await api.post<MeBody>('/api/v1/session/totp', {
      code: await codeFor(context, secret),
    });
    expect(done.status).toBe(200);
    const sessionHeader = done.headers.getSetCookie().find((c) => c.startsWith(SESSION_COOKIE));
    expect(sessionHeader).toMatch(/httponly/i);
    expect(sessionHeader).toMatch(/samesite=strict/i);
    expect(sessionHeader).not.toMatch(/secure/i); // http://127.0.0.1 in tests: 'auto' is off
    expect(api.cookie(CHALLENGE_COOKIE)).toBeUndefined();
    expect(done.body.user).toEqual({
      id: person.id,
      username: person.username,
      displayName: person.displayName,
      role: 'admin',
      email: 'first.login@corp.example',
    });
    expect(done.body.role).toBe('admin');
    expect(done.body.rules.length).toBeGreaterThan(0);

    api.csrfToken = done.body.csrfToken;
    const me = await api.get<MeBody>('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual(done.body);

    const em = context.services.orm.em.fork();
    const factor = await em.findOneOrFail(TotpFactor, { userId: person.id });
    expect(factor.secretEncrypted).not.toContain(secret);
    expect(factor.lastTimeStep).toBeGreaterThan(0);
    const reloaded = await em.findOneOrFail(User, { id: person.id });
    expect(reloaded.lastLoginAt).toBeInstanceOf(Date);
    expect(reloaded.version).toBe(person.version);

    expect(await auditEvents(context, 'auth.totp_enrolled', person.id)).toHaveLength(1);
    const succeeded = await auditEvents(context, 'auth.login_succeeded', person.id);
    expect(succeeded).toHaveLength(1);
    expect(succeeded[0]?.actor_id).toBe(person.id);

    const out = await api.delete('/api/v1/session');
    expect(out.status).toBe(204);
    expect(api.cookie(SESSION_COOKIE)).toBeUndefined();
    expect(await auditEvents(context, 'auth.logout', person.id)).toHaveLength(1);
    // The old token no longer works even if replayed.
    const replay = new ApiClient(context.baseUrl);
    replay.setCookie(SESSION_COOKIE, (sessionHeader as string).split(';')[0]?.split('=')[1] ?? '');
    const after = await replay.get<Problem>('/api/v1/me');
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('session_revoked');

    const text = await auditText(context);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(GOOD_PASSWORD);
  });

  it('asks enrolled people for a code only, and refuses a replayed code', async () => {
    const person = await backofficePerson(context, 'staff');
    const first = await logIn(context, person.username as string);
    const factor = await context.services.orm.em
      .fork()
      .findOneOrFail(TotpFactor, { userId: person.id });
    const usedStep = factor.lastTimeStep;
    const usedCode = await totpCode(first.secret, new Date(usedStep * 30_000));

    const api = new ApiClient(context.baseUrl);
    const step = await api.post<PasswordStep>('/api/v1/session', {
      username: person.username,
      password: GOOD_PASSWORD,
    });
    expect(step.body).toEqual({ next: 'totp' });
    const replayed = await api.post<Problem>('/api/v1/session/totp', { code: usedCode });
    expect(replayed.status).toBe(401);
    expect(replayed.body.code).toBe('invalid_code');
    expect(replayed.body.attemptsLeft).toBe(4);
    const failures = await auditEvents(context, 'auth.login_failed', person.id);
    expect(failures.at(-1)?.details).toEqual({
      channel: 'backoffice',
      step: 'totp',
      reason: 'replayed_totp',
    });

    // The next time step's code is accepted.
    context.setNow(new Date((usedStep + 1) * 30_000 + 1_000));
    try {
      const ok = await api.post<MeBody>('/api/v1/session/totp', {
        code: await codeFor(context, first.secret),
      });
      expect(ok.status).toBe(200);
    } finally {
      context.setNow(undefined);
    }
  });

  it('kills the challenge after five wrong codes, which count against the account', async () => {
    const person = await backofficePerson(context, 'auditor');
    const { secret } = await logIn(context, person.username as string);
    const api = new ApiClient(context.baseUrl);
    await api.post('/api/v1/session', { username: person.username, password: GOOD_PASSWORD });
    for (let attempt = 1; attempt <= 4; attempt++) {
      const wrong = await api.post<Problem>('/api/v1/session/totp', { code: '000000' });
      expect(wrong.body.code).toBe('invalid_code');
      expect(wrong.body.attemptsLeft).toBe(5 - attempt);
    }
    const last = await api.post<Problem>('/api/v1/session/totp', { code: '000000' });
    expect(last.status).toBe(401);
    expect(last.body.code).toBe('login_challenge_invalid');
    const dead = await api.post<Problem>('/api/v1/session/totp', {
      code: await codeFor(context, secret, 30),
    });
    expect(dead.body.code).toBe('login_challenge_invalid');
    const failures = await auditEvents(context, 'auth.login_failed', person.id);
    expect(failures.at(-1)?.details).toEqual({
      channel: 'backoffice',
      step: 'totp',
      reason: 'challenge_exhausted',
    });

    // Five failures are the account's budget: even the right password now waits.
    const locked = await api.post<Problem>('/api/v1/session', {
      username: person.username,
      password: GOOD_PASSWORD,
    });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('too_many_attempts');
  });

  it('accepts a code one period ahead (clock skew)', async () => {
    const person = await backofficePerson(context, 'auditor');
    const { secret } = await logIn(context, person.username as string);
    const api = new ApiClient(context.baseUrl);
    await api.post('/api/v1/session', { username: person.username, password: GOOD_PASSWORD });
    const skewed = await api.post('/api/v1/session/totp', {
      code: await codeFor(context, secret, 30),
    });
    expect(skewed.status).toBe(200);
  });

  it('answers every refused password step with the same 401 and audits the reason', async () => {
    const deactivated = await backofficePerson(context, 'admin', { status: 'deactivated' });
    const pending = await backofficePerson(context, 'admin', { status: 'pending' });
    const noRole = await backofficePerson(context, null);
    const wrong = await backofficePerson(context, 'staff');
    const cases: [string, string, string | null][] = [
      [wrong.username as string, 'not the right password', 'wrong_password'],
      ['nobody-here', GOOD_PASSWORD, 'unknown_user'],
      [deactivated.username as string, GOOD_PASSWORD, 'status_deactivated'],
      [pending.username as string, GOOD_PASSWORD, 'status_pending'],
      [noRole.username as string, GOOD_PASSWORD, 'no_role'],
    ];
    for (const [username, password, reason] of cases) {
      const api = new ApiClient(context.baseUrl);
      const response = await api.post<Problem>('/api/v1/session', { username, password });
      expect(response.status, username).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.code).toBe('invalid_credentials');
      expect(api.cookie(CHALLENGE_COOKIE)).toBeUndefined();
      const events = (await auditEvents(context, 'auth.login_failed')).filter(
        (event) => event.target_label === username,
      );
      expect(events.at(-1)?.details).toEqual({ channel: 'backoffice', step: 'password', reason });
      expect(events.at(-1)?.outcome).toBe('failure');
    }
    expect(await auditText(context)).not.toContain('not the right password');
  });

  it('rejects malformed login bodies with 4xx problems', async () => {
    const api = new ApiClient(context.baseUrl);
    const extra = await api.post<Problem>('/api/v1/session', {
      username: 'a',
      password: 'b',
      admin: true,
    });
    expect(extra.status).toBe(400);
    expect(extra.body.code).toBe('unknown_field');
    const wrongType = await api.post<Problem>('/api/v1/session', { username: 1, password: [] });
    expect(wrongType.body.code).toBe('validation_failed');
    const huge = await api.post<Problem>('/api/v1/session', {
      username: 'x',
      password: 'p'.repeat(5000),
    });
    expect(huge.status).toBe(400);
    const noChallenge = await api.post<Problem>('/api/v1/session/totp', { code: '123456' });
    expect(noChallenge.status).toBe(401);
    expect(noChallenge.body.code).toBe('login_challenge_invalid');
    const badCode = await api.post<Problem>('/api/v1/session/totp', { code: '12ab56' });
    expect(badCode.status).toBe(400);
    const forged = new ApiClient(context.baseUrl);
    forged.setCookie(CHALLENGE_COOKIE, 'forged');
    const forgedAnswer = await forged.post<Problem>('/api/v1/session/totp', { code: '123456' });
    expect(forgedAnswer.body.code).toBe('login_challenge_invalid');
  });

  it('refuses the TOTP step of an expired challenge', async () => {
    const person = await backofficePerson(context, 'staff');
    const api = new ApiClient(context.baseUrl);
    const step = await api.post<PasswordStep>('/api/v1/session', {
      username: person.username,
      password: GOOD_PASSWORD,
    });
    const secret = secretOf(step.body.otpauthUri as string);
    context.setNow(new Date(Date.now() + 6 * 60_000));
    try {
      const late = await api.post<Problem>('/api/v1/session/totp', {
        code: await codeFor(context, secret),
      });
      expect(late.status).toBe(401);
      expect(late.body.code).toBe('login_challenge_invalid');
    } finally {
      context.setNow(undefined);
    }
    const failures = await auditEvents(context, 'auth.login_failed', person.id);
    expect(failures.at(-1)?.details).toEqual({
      channel: 'backoffice',
      step: 'totp',
      reason: 'challenge_expired',
    });
  });
});

describe('sessions', () => {
  it('requires a session for /me and logout', async () => {
    const api = new ApiClient(context.baseUrl);
    expect((await api.get<Problem>('/api/v1/me')).status).toBe(401);
    const out = await api.delete<Problem>('/api/v1/session');
    expect(out.status).toBe(401);
    expect(out.body.code).toBe('unauthenticated');
  });

  it('refuses unsafe requests without the CSRF token', async () => {
    const { api } = await signedIn(context, 'admin');
    const token = api.csrfToken;
    api.csrfToken = null;
    const missing = await api.delete<Problem>('/api/v1/session');
    expect(missing.status).toBe(403);
    expect(missing.body.code).toBe('csrf_failed');
    const wrong = await api.request<Problem>('DELETE', '/api/v1/session', {
      headers: { 'x-csrf-token': 'not-the-token' },
    });
    expect(wrong.body.code).toBe('csrf_failed');
    api.csrfToken = token;
    expect((await api.get('/api/v1/me')).status).toBe(200);
    expect((await api.delete('/api/v1/session')).status).toBe(204);
  });

  it('ends sessions after the idle timeout', async () => {
    const person = await backofficePerson(context, 'staff');
    const { api } = await logIn(context, person.username as string);
    const idle = context.services.config.session.idleTimeoutMinutes;
    const base = Date.now();
    context.setNow(new Date(base + (idle - 1) * 60_000));
    try {
      expect((await api.get('/api/v1/me')).status).toBe(200);
      // Activity moved lastSeenAt: another almost-idle period later it still works...
      context.setNow(new Date(base + (2 * idle - 2) * 60_000));
      expect((await api.get('/api/v1/me')).status).toBe(200);
      // ...but not after a full idle period of silence.
      context.setNow(new Date(base + 3 * idle * 60_000));
      const idled = await api.get<Problem>('/api/v1/me');
      expect(idled.status).toBe(401);
      expect(idled.body.code).toBe('session_idle');
    } finally {
      context.setNow(undefined);
    }
  });

  it('ends sessions at the absolute timeout, however active', async () => {
    const person = await backofficePerson(context, 'staff');
    const { api } = await logIn(context, person.username as string);
    const hours = context.services.config.session.absoluteTimeoutHours;
    const start = Date.now();
    const stepMs = 20 * 60_000;
    let t = start;
    try {
      while (t + stepMs < start + hours * 3_600_000) {
        t += stepMs;
        context.setNow(new Date(t));
        expect((await api.get('/api/v1/me')).status).toBe(200);
      }
      context.setNow(new Date(start + hours * 3_600_000 + 60_000));
      const expired = await api.get<Problem>('/api/v1/me');
      expect(expired.status).toBe(401);
      expect(expired.body.code).toBe('session_expired');
    } finally {
      context.setNow(undefined);
    }
  });

  it('documents the identity routes in OpenAPI', async () => {
    const doc = await new ApiClient(context.baseUrl).get<{ paths: Record<string, unknown> }>(
      '/api/v1/openapi.json',
    );
    for (const path of [
      '/api/v1/session',
      '/api/v1/session/totp',
      '/api/v1/me',
      '/api/v1/users/{id}/enrollment-link',
      '/api/v1/enrollment',
    ])
      expect(doc.body.paths[path], path).toBeDefined();
  });
});
