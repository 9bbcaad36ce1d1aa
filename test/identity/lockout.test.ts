import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordFailedAttempt } from '../../server/identity/lockout.ts';
import { ApiClient } from '../support/api.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { auditEvents, backofficePerson, codeFor, GOOD_PASSWORD } from './loginFlow.ts';
import { messengerLogIn, type Problem, startMessenger, verifyMessenger } from './messengerFlow.ts';

let context: TestContext;
beforeAll(async () => {
  // Rate limits out of the way: this file is about the lockout alone.
  context = await startTestContext({
    rateLimit: { loginFailuresPerAccount: 1000, loginFailuresPerIp: 10000, windowSeconds: 600 },
  });
});
afterEach(() => context.setNow(undefined));
afterAll(async () => {
  await context.close();
});

let clock = Date.now();
/** Moves the service clock forward by `seconds` (from the last time set). */
function advance(seconds: number): void {
  clock += seconds * 1000;
  context.setNow(new Date(clock));
}

async function lockoutRow(account: string) {
  const rows = await context.services.orm.em
    .fork()
    .execute<{ failures: number; locked_until: Date | null }[]>(
      'select failures, locked_until from account_lockout where account = ?',
      [account],
    );
  return rows[0] ?? null;
}

describe('exponential lockout', () => {
  it('locks after five failures, doubles, and resets on success (messenger)', async () => {
    clock = Date.now();
    advance(0);
    const person = await backofficePerson(context, null);
    const username = person.username as string;
    for (let i = 0; i < 5; i++) {
      const wrong = await startMessenger(context, username, `wrong password ${i}`);
      expect(wrong.status).toBe(401);
    }
    // Locked: even the right password is not looked at.
    const locked = await startMessenger(context, username);
    expect(locked.status).toBe(429);
    expect((locked.body as unknown as Problem).code).toBe('account_locked');
    expect(locked.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(locked.headers.get('retry-after'))).toBe(60);
    const failures = (await auditEvents(context, 'auth.login_failed')).filter(
      (event) => event.target_label === username,
    );
    expect(failures.map((event) => event.details?.reason)).toEqual([
      ...Array(5).fill('wrong_password'),
      'locked',
    ]);

    advance(30);
    expect(Number((await startMessenger(context, username)).headers.get('retry-after'))).toBe(30);
    // After the lock, one more failure locks again, for twice as long.
    advance(31);
    expect((await startMessenger(context, username, 'still wrong')).status).toBe(401);
    const doubled = await startMessenger(context, username);
    expect(doubled.status).toBe(429);
    expect(Number(doubled.headers.get('retry-after'))).toBe(120);
    advance(121);
    expect((await startMessenger(context, username, 'wrong again')).status).toBe(401);
    expect(Number((await startMessenger(context, username)).headers.get('retry-after'))).toBe(240);

    // A completed login forgives everything.
    advance(241);
    const ok = await startMessenger(context, username);
    expect(ok.status).toBe(200);
    expect(ok.body.next).toBe('done');
    expect(await lockoutRow(username)).toBeNull();
    for (let i = 0; i < 4; i++)
      expect((await startMessenger(context, username, 'nope nope')).status).toBe(401);
    expect((await startMessenger(context, username)).status).toBe(200);
  });

  it('applies to the back-office login too, and is shared with the messenger', async () => {
    const person = await backofficePerson(context, 'admin');
    const username = person.username as string;
    const api = new ApiClient(context.baseUrl);
    for (let i = 0; i < 3; i++)
      expect((await api.post('/api/v1/session', { username, password: `bad ${i}` })).status).toBe(
        401,
      );
    for (let i = 0; i < 2; i++)
      expect((await startMessenger(context, username, `bad messenger ${i}`)).status).toBe(401);
    const locked = await api.post<Problem>('/api/v1/session', {
      username,
      password: GOOD_PASSWORD,
    });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('account_locked');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    const events = await auditEvents(context, 'auth.login_failed', undefined);
    expect(events.filter((e) => e.target_label === username).at(-1)?.details).toEqual({
      channel: 'backoffice',
      step: 'password',
      reason: 'locked',
    });
    expect((await startMessenger(context, username)).status).toBe(429);
  });

  it('locks unknown usernames the same way (no hint that they do not exist)', async () => {
    const username = 'nobody-by-this-name';
    for (let i = 0; i < 5; i++)
      expect((await startMessenger(context, username, `guess ${i}`)).status).toBe(401);
    const locked = await startMessenger(context, username);
    expect(locked.status).toBe(429);
    expect((locked.body as unknown as Problem).code).toBe('account_locked');
    // Keyed by the lower-cased username.
    expect((await startMessenger(context, username.toUpperCase())).status).toBe(429);
  });

  it('counts wrong second-factor codes, and refuses codes while locked', async () => {
    const person = await backofficePerson(context, 'staff');
    const username = person.username as string;
    const { secret } = await messengerLogIn(context, username);
    const start = await startMessenger(context, username);
    expect(start.body.next).toBe('totp');
    const challenge = start.body.challenge as string;
    for (let i = 0; i < 4; i++) {
      const wrong = await verifyMessenger(context, { challenge, code: '000000' });
      expect((wrong.body as unknown as Problem).code).toBe('invalid_code');
    }
    // A second challenge (opened before the lock) cannot be used to keep guessing.
    const spare = await startMessenger(context, username);
    const fifth = await verifyMessenger(context, { challenge, code: '000000' });
    expect((fifth.body as unknown as Problem).code).toBe('login_challenge_invalid');
    const refused = await verifyMessenger(context, {
      challenge: spare.body.challenge as string,
      code: await codeFor(context, secret as string, 30),
    });
    expect(refused.status).toBe(429);
    expect((refused.body as unknown as Problem).code).toBe('account_locked');
    expect(refused.headers.get('retry-after')).toBe('60');
    expect((await startMessenger(context, username)).status).toBe(429);
    expect((await lockoutRow(username))?.failures).toBe(5);
  });

  it('caps the lock and counts concurrent failures exactly once each (one atomic upsert)', async () => {
    const account = 'concurrent-target';
    // The service clock stands still: the lock's end is exact, however long the upserts take.
    const at = new Date();
    context.setNow(at);
    await Promise.all(
      Array.from({ length: 20 }, () => recordFailedAttempt(context.services, account)),
    );
    const row = await lockoutRow(account);
    expect(row?.failures).toBe(20);
    // Capped at maxLockSeconds (an hour), counted from the last failure.
    expect(new Date(row?.locked_until as Date).getTime()).toBe(at.getTime() + 3600 * 1000);
  });
});
