import argon2 from 'argon2';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DeviceSession, RecoveryCode, TotpFactor } from '../../server/identity/entities.ts';
import { totpCode } from '../../server/identity/totp.ts';
import { ApiClient } from '../support/api.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import {
  auditEvents,
  auditText,
  backofficePerson,
  codeFor,
  GOOD_PASSWORD,
  secretOf,
} from './loginFlow.ts';
import {
  deviceClient,
  messengerLogIn,
  PHONE,
  type Problem,
  startMessenger,
  verifyMessenger,
} from './messengerFlow.ts';

let context: TestContext;
beforeAll(async () => {
  context = await startTestContext();
});
afterEach(() => context.setNow(undefined));
afterAll(async () => {
  await context.close();
});

/** Moves the service clock `steps` TOTP periods ahead of real time (fresh, unused codes). */
const nextPeriods = (steps: number) => context.setNow(new Date(Date.now() + steps * 30_000));

describe('messenger login', () => {
  it('signs a plain person in at once when no second factor is required', async () => {
    const person = await backofficePerson(context, null);
    const start = await startMessenger(context, person.username as string);
    expect(start.status).toBe(200);
    expect(start.body.next).toBe('done');
    expect(start.body.challenge).toBeUndefined();
    const session = start.body.session;
    expect(session?.token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const row = await context.services.orm.em
      .fork()
      .findOneOrFail(DeviceSession, { id: session?.sessionId });
    expect(row.userId).toBe(person.id);
    expect(row.deviceName).toBe(PHONE.name);
    expect(row.platform).toBe(PHONE.platform);
    expect(row.ip).toBe('127.0.0.1');
    expect(row.userAgent).toBeTruthy();
    expect(row.tokenHash.toString('base64url')).not.toBe(session?.token);
    const days = (row.expiresAt.getTime() - row.createdAt.getTime()) / 86_400_000;
    expect(Math.round(days)).toBe(90);

    const me = await deviceClient(context, session?.token as string).get<{ data: unknown[] }>(
      '/api/v1/auth/sessions',
    );
    expect(me.status).toBe(200);
    expect(me.body.data).toHaveLength(1);

    const [succeeded] = await auditEvents(context, 'auth.login_succeeded', person.id);
    expect(succeeded?.details).toEqual({
      channel: 'messenger',
      step: 'password',
      sessionId: session?.sessionId,
      device: PHONE,
    });
    const [created] = await auditEvents(context, 'session.created', person.id);
    expect(created?.details).toMatchObject({ sessionId: session?.sessionId, device: PHONE });
    const text = await auditText(context);
    expect(text).not.toContain(GOOD_PASSWORD);
    expect(text).not.toContain(session?.token);
  });

  it('makes a back-office person enroll TOTP, then asks for codes and refuses replays', async () => {
    const person = await backofficePerson(context, 'staff');
    const start = await startMessenger(context, person.username as string);
    expect(start.body.next).toBe('totp_enroll');
    expect(start.body.session).toBeUndefined();
    expect(start.body.qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    const secret = secretOf(start.body.otpauthUri as string);
    const done = await verifyMessenger(context, {
      challenge: start.body.challenge as string,
      code: await codeFor(context, secret),
    });
    expect(done.status).toBe(200);
    expect(done.body.recoveryCodes).toHaveLength(10);
    for (const code of done.body.recoveryCodes ?? [])
      expect(code).toMatch(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);
    expect(new Set(done.body.recoveryCodes).size).toBe(10);
    const em = context.services.orm.em.fork();
    expect(await em.count(RecoveryCode, { userId: person.id })).toBe(10);
    const factor = await em.findOneOrFail(TotpFactor, { userId: person.id });
    expect(await auditEvents(context, 'auth.totp_enrolled', person.id)).toHaveLength(1);

    // Enrolled: the next login asks for a code, and the code just used is a replay.
    const usedCode = await totpCode(secret, new Date(factor.lastTimeStep * 30_000));
    const again = await startMessenger(context, person.username as string);
    expect(again.body).toEqual({ next: 'totp', challenge: expect.any(String) });
    const replayed = await verifyMessenger(context, {
      challenge: again.body.challenge as string,
      code: usedCode,
    });
    expect(replayed.status).toBe(401);
    expect((replayed.body as unknown as Problem).code).toBe('invalid_code');
    const failures = await auditEvents(context, 'auth.login_failed', person.id);
    expect(failures.at(-1)?.details).toEqual({
      channel: 'messenger',
      step: 'totp',
      reason: 'replayed_totp',
      device: PHONE,
    });
    context.setNow(new Date((factor.lastTimeStep + 1) * 30_000 + 1_000));
    const ok = await verifyMessenger(context, {
      challenge: again.body.challenge as string,
      code: await codeFor(context, secret),
    });
    expect(ok.status).toBe(200);
    expect(ok.body.recoveryCodes).toBeUndefined();
    expect(await auditText(context)).not.toContain(done.body.recoveryCodes?.[0] as string);
  });

  it('accepts a recovery code once', async () => {
    const person = await backofficePerson(context, 'admin');
    const { recoveryCodes, secret } = await messengerLogIn(context, person.username as string);
    const code = recoveryCodes?.[3] as string;
    const first = await startMessenger(context, person.username as string);
    const used = await verifyMessenger(context, {
      challenge: first.body.challenge as string,
      recoveryCode: code.toUpperCase(),
    });
    expect(used.status).toBe(200);
    expect(used.body.token).toBeTruthy();
    const [event] = await auditEvents(context, 'auth.recovery_code_used', person.id);
    expect(event?.details).toMatchObject({ channel: 'messenger', remaining: 9 });

    const second = await startMessenger(context, person.username as string);
    const reused = await verifyMessenger(context, {
      challenge: second.body.challenge as string,
      recoveryCode: code,
    });
    expect(reused.status).toBe(401);
    expect((reused.body as unknown as Problem).code).toBe('invalid_code');
    const failures = await auditEvents(context, 'auth.login_failed', person.id);
    expect(failures.at(-1)?.details).toMatchObject({ reason: 'wrong_recovery_code' });
    // The factor itself still works on that challenge.
    nextPeriods(1);
    const ok = await verifyMessenger(context, {
      challenge: second.body.challenge as string,
      code: await codeFor(context, secret as string),
    });
    expect(ok.status).toBe(200);
    expect(await auditText(context)).not.toContain(code);
  });

  it('refuses pending and deactivated people with the same answer as a wrong password', async () => {
    const pending = await backofficePerson(context, null, { status: 'pending' });
    const deactivated = await backofficePerson(context, null, { status: 'deactivated' });
    const wrong = await backofficePerson(context, null);
    const cases: [string, string, string][] = [
      [pending.username as string, GOOD_PASSWORD, 'status_pending'],
      [deactivated.username as string, GOOD_PASSWORD, 'status_deactivated'],
      [wrong.username as string, 'not the password at all', 'wrong_password'],
      ['nobody-at-all', GOOD_PASSWORD, 'unknown_user'],
    ];
    for (const [username, password, reason] of cases) {
      const response = await startMessenger(context, username, password);
      expect(response.status, username).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const { code, title, detail } = response.body as unknown as Problem & Record<string, string>;
      expect({ code, title, detail }).toEqual({
        code: 'invalid_credentials',
        title: 'Unauthorized',
        detail: 'Wrong username or password',
      });
      const events = (await auditEvents(context, 'auth.login_failed')).filter(
        (event) => event.target_label === username,
      );
      expect(events.at(-1)?.details).toEqual({
        channel: 'messenger',
        step: 'password',
        reason,
        device: PHONE,
      });
    }
    expect(await auditText(context)).not.toContain('not the password at all');
  });

  it('runs the same password check for an unknown user as for a wrong password', async () => {
    const person = await backofficePerson(context, null);
    // What each refusal costs, counted rather than timed: the argon2id verifications it runs and
    // their parameters. (How alike the two look from outside, in milliseconds, is a benchmark
    // figure: `npm run bench -- identity --only login`.)
    const verify = vi.spyOn(argon2, 'verify');
    const work = async (username: string) => {
      verify.mockClear();
      const refused = await startMessenger(context, username, 'a wrong password here');
      expect(refused.status, username).toBe(401);
      return verify.mock.calls.map(([hash]) => hash.replace(/\$[^$]*\$[^$]*$/, ''));
    };
    try {
      await work('warm-up-nobody'); // the dummy hash is made on first use
      const unknown = await work('nobody-at-all');
      const wrong = await work(person.username as string);
      expect(unknown).toEqual(['$argon2id$v=19$m=19456,p=1,t=2']);
      expect(wrong).toEqual(unknown);
    } finally {
      verify.mockRestore();
    }
  });

  it('rejects malformed bodies with 4xx problems', async () => {
    const api = new ApiClient(context.baseUrl);
    const noDevice = await api.post<Problem>('/api/v1/auth/login', {
      username: 'a',
      password: 'b',
    });
    expect(noDevice.status).toBe(400);
    const extra = await api.post<Problem>('/api/v1/auth/login', {
      username: 'a',
      password: 'b',
      device: { ...PHONE, jailbroken: true },
    });
    expect(extra.body.code).toBe('unknown_field');
    const both = await api.post<Problem>('/api/v1/auth/login/verify', {
      challenge: 'x',
      code: '123456',
      recoveryCode: 'abcd-efgh-jkmn',
    });
    expect(both.status).toBe(400);
    const neither = await api.post<Problem>('/api/v1/auth/login/verify', { challenge: 'x' });
    expect(neither.status).toBe(400);
    const badCode = await api.post<Problem>('/api/v1/auth/login/verify', {
      challenge: 'x',
      code: '12ab56',
    });
    expect(badCode.status).toBe(400);
    const forged = await api.post<Problem>('/api/v1/auth/login/verify', {
      challenge: 'forged',
      code: '123456',
    });
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe('login_challenge_invalid');
    const huge = await api.post<Problem>('/api/v1/auth/login', {
      username: 'a',
      password: 'p'.repeat(5000),
      device: PHONE,
    });
    expect(huge.status).toBe(400);
  });

  it('does not accept a back-office challenge, nor the reverse', async () => {
    const person = await backofficePerson(context, 'staff');
    const start = await startMessenger(context, person.username as string);
    const secret = secretOf(start.body.otpauthUri as string);
    const api = new ApiClient(context.baseUrl);
    api.setCookie('fb_login', start.body.challenge as string);
    const crossed = await api.post<Problem>('/api/v1/session/totp', {
      code: await codeFor(context, secret),
    });
    expect(crossed.status).toBe(401);
    expect(crossed.body.code).toBe('login_challenge_invalid');
  });

  it('documents the messenger routes in OpenAPI', async () => {
    const doc = await new ApiClient(context.baseUrl).get<{ paths: Record<string, unknown> }>(
      '/api/v1/openapi.json',
    );
    for (const path of [
      '/api/v1/auth/login',
      '/api/v1/auth/login/verify',
      '/api/v1/auth/logout',
      '/api/v1/auth/sessions',
      '/api/v1/auth/sessions/{id}',
      '/api/v1/auth/2fa/enroll',
      '/api/v1/auth/2fa/confirm',
      '/api/v1/auth/recovery-codes',
    ])
      expect(Object.keys(doc.body.paths)).toContain(path);
  });
});

describe('second factor from a signed-in device', () => {
  it('enrolls, confirms with recovery codes, regenerates them, and is then asked at login', async () => {
    const person = await backofficePerson(context, null);
    const { token } = await messengerLogIn(context, person.username as string);
    const device = deviceClient(context, token);
    // A stolen token alone is not enough: the password is asked again.
    const noPassword = await device.post<Problem>('/api/v1/auth/2fa/enroll');
    expect(noPassword.status).toBe(400);
    const wrongPassword = await device.post<Problem>('/api/v1/auth/2fa/enroll', {
      password: 'not-the-password',
    });
    expect(wrongPassword.status).toBe(422);
    expect(wrongPassword.body.code).toBe('password_incorrect');
    const offer = await device.post<{ otpauthUri: string; qrCode: string }>(
      '/api/v1/auth/2fa/enroll',
      { password: GOOD_PASSWORD },
    );
    expect(offer.status).toBe(200);
    const secret = secretOf(offer.body.otpauthUri);
    const wrong = await device.post<Problem>('/api/v1/auth/2fa/confirm', { code: '000000' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.code).toBe('invalid_code');
    const confirmed = await device.post<{ recoveryCodes: string[] }>('/api/v1/auth/2fa/confirm', {
      code: await codeFor(context, secret),
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    const [enrolled] = await auditEvents(context, 'auth.totp_enrolled', person.id);
    expect(enrolled?.details).toMatchObject({ via: 'messenger_settings', device: PHONE });
    const twice = await device.post<Problem>('/api/v1/auth/2fa/enroll', {
      password: GOOD_PASSWORD,
    });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('second_factor_exists');

    // Regenerating needs a fresh code; the old codes stop working.
    const replay = await device.post<Problem>('/api/v1/auth/recovery-codes', {
      code: await codeFor(context, secret),
    });
    expect(replay.status).toBe(422);
    nextPeriods(1);
    const renewed = await device.post<{ recoveryCodes: string[] }>('/api/v1/auth/recovery-codes', {
      code: await codeFor(context, secret),
    });
    expect(renewed.status).toBe(200);
    expect(renewed.body.recoveryCodes).toHaveLength(10);
    expect(renewed.body.recoveryCodes).not.toContain(confirmed.body.recoveryCodes[0]);
    expect(await auditEvents(context, 'auth.recovery_codes_regenerated', person.id)).toHaveLength(
      2,
    );

    // Having chosen a factor, the person is always asked for it.
    const start = await startMessenger(context, person.username as string);
    expect(start.body.next).toBe('totp');
    const old = await verifyMessenger(context, {
      challenge: start.body.challenge as string,
      recoveryCode: confirmed.body.recoveryCodes[0] as string,
    });
    expect(old.status).toBe(401);
    const fresh = await verifyMessenger(context, {
      challenge: start.body.challenge as string,
      recoveryCode: renewed.body.recoveryCodes[0] as string,
    });
    expect(fresh.status).toBe(200);
    const text = await auditText(context);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(renewed.body.recoveryCodes[1] as string);
  });

  it('refuses recovery codes without a factor and a confirm without an enrollment', async () => {
    const person = await backofficePerson(context, null);
    const { token } = await messengerLogIn(context, person.username as string);
    const device = deviceClient(context, token);
    const none = await device.post<Problem>('/api/v1/auth/recovery-codes', { code: '123456' });
    expect(none.status).toBe(409);
    expect(none.body.code).toBe('no_second_factor');
    const confirm = await device.post<Problem>('/api/v1/auth/2fa/confirm', { code: '123456' });
    expect(confirm.status).toBe(422);
    expect(confirm.body.code).toBe('enrollment_not_started');
  });
});

describe('device sessions', () => {
  it('logs out: the token stops working', async () => {
    const person = await backofficePerson(context, null);
    const { token, sessionId } = await messengerLogIn(context, person.username as string);
    const device = deviceClient(context, token);
    const out = await device.post('/api/v1/auth/logout');
    expect(out.status).toBe(204);
    const after = await device.get<Problem>('/api/v1/auth/sessions');
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('device_session_invalid');
    const [event] = await auditEvents(context, 'auth.logout', person.id);
    expect(event?.details).toEqual({ channel: 'messenger', sessionId, device: PHONE });
  });

  it('lists my sessions on two devices and revokes one of them', async () => {
    const person = await backofficePerson(context, null);
    const phone = await messengerLogIn(context, person.username as string);
    const laptop = await messengerLogIn(context, person.username as string, {
      device: { name: 'MacBook', platform: 'macos' },
    });
    const other = await backofficePerson(context, null);
    const stranger = await messengerLogIn(context, other.username as string);

    const fromPhone = deviceClient(context, phone.token);
    const list = await fromPhone.get<{
      data: { id: string; deviceName: string; platform: string; current: boolean }[];
    }>('/api/v1/auth/sessions');
    expect(list.status).toBe(200);
    expect(list.body.data.map((s) => [s.id, s.deviceName, s.current]).sort()).toEqual(
      [
        [phone.sessionId, PHONE.name, true],
        [laptop.sessionId, 'MacBook', false],
      ].sort(),
    );

    const foreign = await fromPhone.delete<Problem>(`/api/v1/auth/sessions/${stranger.sessionId}`);
    expect(foreign.status).toBe(404);
    const revoked = await fromPhone.delete(`/api/v1/auth/sessions/${laptop.sessionId}`);
    expect(revoked.status).toBe(204);
    const again = await fromPhone.delete<Problem>(`/api/v1/auth/sessions/${laptop.sessionId}`);
    expect(again.status).toBe(404);
    const dead = await deviceClient(context, laptop.token).get<Problem>('/api/v1/auth/sessions');
    expect(dead.status).toBe(401);
    expect((await deviceClient(context, stranger.token).get('/api/v1/auth/sessions')).status).toBe(
      200,
    );
    const left = await fromPhone.get<{ data: { id: string }[] }>('/api/v1/auth/sessions');
    expect(left.body.data.map((s) => s.id)).toEqual([phone.sessionId]);
    const [event] = await auditEvents(context, 'session.revoked', person.id);
    expect(event?.details).toMatchObject({
      sessionId: laptop.sessionId,
      device: { name: 'MacBook', platform: 'macos' },
    });
    const bad = await fromPhone.delete<Problem>('/api/v1/auth/sessions/not-a-uuid');
    expect(bad.status).toBe(400);
  });

  it('refuses missing, malformed, expired and idle tokens, and people no longer active', async () => {
    const anonymous = new ApiClient(context.baseUrl);
    const none = await anonymous.get<Problem>('/api/v1/auth/sessions');
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('device_session_invalid');
    const malformed = await anonymous.request<Problem>('GET', '/api/v1/auth/sessions', {
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
    });
    expect(malformed.status).toBe(401);
    expect((await deviceClient(context, 'x'.repeat(43)).get('/api/v1/auth/sessions')).status).toBe(
      401,
    );

    const person = await backofficePerson(context, null);
    const { token, sessionId } = await messengerLogIn(context, person.username as string);
    const device = deviceClient(context, token);
    const em = context.services.orm.em.fork();
    const created = await em.findOneOrFail(DeviceSession, { id: sessionId });

    // Used within the idle limit: still good, and last_seen_at moves.
    context.setNow(new Date(created.createdAt.getTime() + 29 * 86_400_000));
    expect((await device.get('/api/v1/auth/sessions')).status).toBe(200);
    const seen = await em.fork().findOneOrFail(DeviceSession, { id: sessionId });
    expect(seen.lastSeenAt.getTime()).toBe(created.createdAt.getTime() + 29 * 86_400_000);
    // More than 30 days unused: idle.
    context.setNow(new Date(seen.lastSeenAt.getTime() + 31 * 86_400_000));
    expect((await device.get<Problem>('/api/v1/auth/sessions')).body.code).toBe(
      'device_session_invalid',
    );

    // However active, a session ends at its absolute expiry.
    context.setNow(undefined);
    const busy = await messengerLogIn(context, person.username as string);
    const busyClient = deviceClient(context, busy.token);
    const start = Date.now();
    for (let day = 25; day < 90; day += 25) {
      context.setNow(new Date(start + day * 86_400_000));
      expect((await busyClient.get('/api/v1/auth/sessions')).status).toBe(200);
    }
    context.setNow(new Date(start + 90 * 86_400_000 + 60_000));
    expect((await busyClient.get('/api/v1/auth/sessions')).status).toBe(401);
    context.setNow(undefined);

    // A deactivated person's token no longer works.
    const leaver = await backofficePerson(context, null);
    const leaving = await messengerLogIn(context, leaver.username as string);
    await em.execute("update app_user set status = 'deactivated' where id = ?", [leaver.id]);
    expect((await deviceClient(context, leaving.token).get('/api/v1/auth/sessions')).status).toBe(
      401,
    );
  });
});
