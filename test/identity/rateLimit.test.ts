import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/api.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { auditEvents, backofficePerson, GOOD_PASSWORD, logIn } from './loginFlow.ts';

let context: TestContext;
beforeAll(async () => {
  context = await startTestContext({
    rateLimit: { loginFailuresPerAccount: 3, loginFailuresPerIp: 20, windowSeconds: 600 },
  });
});
afterAll(async () => {
  await context.close();
});

interface Problem {
  code: string;
  retryAfterSeconds?: number;
}

describe('login rate limits', () => {
  it('limits failures per account, even for the right password, with Retry-After', async () => {
    const person = await backofficePerson(context, 'admin');
    const api = new ApiClient(context.baseUrl);
    for (let i = 0; i < 3; i++) {
      const wrong = await api.post<Problem>('/api/v1/session', {
        username: person.username,
        password: `wrong password ${i}`,
      });
      expect(wrong.status).toBe(401);
    }
    const limited = await api.post<Problem>('/api/v1/session', {
      username: person.username,
      password: GOOD_PASSWORD,
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect(limited.body.code).toBe('too_many_attempts');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    const events = (await auditEvents(context, 'auth.login_failed')).filter(
      (event) => event.target_label === person.username,
    );
    expect(events.map((event) => event.details?.reason)).toEqual([
      'wrong_password',
      'wrong_password',
      'wrong_password',
      'rate_limited',
    ]);
    // The counter lives in PostgreSQL, shared by every process on the database.
    const rows = await context.services.orm.em
      .fork()
      .execute<{ points: number }[]>('select points from rate_limit where key = ?', [
        `login-account:${person.username}`,
      ]);
    expect(rows[0]?.points).toBe(4);
  });

  it('does not count successful logins, and forgives failures after one', async () => {
    const person = await backofficePerson(context, 'staff');
    const api = new ApiClient(context.baseUrl);
    await api.post('/api/v1/session', { username: person.username, password: 'nope nope nope' });
    await api.post('/api/v1/session', { username: person.username, password: 'nope nope nope' });
    const { secret } = await logIn(context, person.username as string);
    for (let i = 0; i < 2; i++) {
      const wrong = await api.post('/api/v1/session', {
        username: person.username,
        password: 'nope nope nope',
      });
      expect(wrong.status).toBe(401);
    }
    // One period later, so the new code is not a replay of the first login's.
    context.setNow(new Date(Date.now() + 30_000));
    try {
      const again = await logIn(context, person.username as string, GOOD_PASSWORD, secret);
      expect(again.me.status).toBe(200);
    } finally {
      context.setNow(undefined);
    }
  });

  it('limits failures per client IP across accounts, unknown ones included', async () => {
    const api = new ApiClient(context.baseUrl);
    const statuses: number[] = [];
    for (let i = 0; i < 24; i++) {
      const response = await api.post('/api/v1/session', {
        username: `ghost${i}`,
        password: 'whatever it is',
      });
      statuses.push(response.status);
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(20);
  });
});
