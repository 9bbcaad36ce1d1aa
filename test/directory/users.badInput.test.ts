import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { User } from '../../server/directory/entities.ts';
import type { ApiClient } from '../support/api.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

type Problem = { code: string; type: string; status: number };

let context: TestContext;
let api: ApiClient;
let person: User;
let before: { users: number; events: number; version: number };

beforeAll(async () => {
  context = await startTestContext();
  api = (await signedIn(context, 'superadmin')).api;
  person = await createPerson(context.services, { familyName: 'Неизменный' });
});
afterAll(async () => {
  await context.close();
});

async function snapshot() {
  const em = context.services.orm.em.fork();
  const [row] = await em.execute<{ users: number; events: number; version: number }[]>(
    `select (select count(*)::int from app_user) as users,
            (select count(*)::int from audit_event) as events,
            (select version from app_user where id = ?) as version`,
    [person.id],
  );
  if (!row) throw new Error('no snapshot');
  return row;
}

beforeEach(async () => {
  before = await snapshot();
});

/** Asserts a problem+json 4xx answer and that nothing at all was written. */
async function expectRejected(
  response: Promise<{ status: number; headers: Headers; body: unknown }>,
  status: number,
  code?: string,
) {
  const { status: actual, headers, body } = await response;
  expect(actual).toBe(status);
  expect(headers.get('content-type')).toContain('application/problem+json');
  if (code) expect((body as Problem).code).toBe(code);
  expect(await snapshot()).toEqual(before);
}

const valid = { familyName: 'Корректный', givenName: 'Иван' };

describe('bad input on the people API', () => {
  it('refuses bodies over the size limit with 413', async () => {
    const huge = JSON.stringify({ ...valid, title: 'я'.repeat(600_000) });
    expect(Buffer.byteLength(huge)).toBeGreaterThan(1024 * 1024);
    await expectRejected(
      api.request('POST', '/api/v1/users', {
        raw: huge,
        headers: { 'content-type': 'application/json' },
      }),
      413,
      'payload_too_large',
    );
  });

  it('refuses malformed JSON and non-JSON bodies', async () => {
    const headers = { 'content-type': 'application/json' };
    await expectRejected(
      api.request('POST', '/api/v1/users', { raw: '{"familyName": ', headers }),
      400,
      'malformed_json',
    );
    await expectRejected(api.request('POST', '/api/v1/users', { raw: '[1, 2]', headers }), 400);
    await expectRejected(
      api.request('POST', '/api/v1/users', {
        raw: 'familyName=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      415,
    );
  });

  it('refuses unknown fields in bodies and queries', async () => {
    await expectRejected(
      api.post('/api/v1/users', { ...valid, role: 'admin' }),
      400,
      'unknown_field',
    );
    await expectRejected(
      api.post('/api/v1/users', { ...valid, passwordHash: 'x' }),
      400,
      'unknown_field',
    );
    await expectRejected(
      api.patch(`/api/v1/users/${person.id}`, { source: 'manual', version: before.version }),
      400,
      'unknown_field',
    );
    await expectRejected(api.get('/api/v1/users?sortt=name'), 400, 'unknown_field');
  });

  it('refuses wrong types', async () => {
    const cases: unknown[] = [
      { familyName: 123, givenName: 'Иван' },
      { familyName: ['Иванов'], givenName: 'Иван' },
      { familyName: null, givenName: 'Иван' },
      { givenName: 'Иван' },
      { ...valid, status: 'deactivated' },
      { ...valid, organizationId: 'not-a-uuid' },
      { ...valid, username: 'Has Spaces' },
    ];
    for (const body of cases) await expectRejected(api.post('/api/v1/users', body), 400);
    await expectRejected(
      api.patch(`/api/v1/users/${person.id}`, { familyName: 'Новое', version: '1' }),
      400,
    );
    await expectRejected(api.patch(`/api/v1/users/${person.id}`, { familyName: 'Новое' }), 400);
    await expectRejected(
      api.put(`/api/v1/users/${person.id}/login-method`, { loginMethod: 'sms' }),
      400,
    );
    await expectRejected(api.put(`/api/v1/users/${person.id}/role`, { role: 'root' }), 400);
    await expectRejected(api.post(`/api/v1/users/${person.id}/deactivate`, { reason: 42 }), 400);
    await expectRejected(api.get('/api/v1/users/not-a-uuid'), 400);
    await expectRejected(api.post('/api/v1/users/not-a-uuid/deactivate', { reason: 'x' }), 400);
    for (const query of ['status=gone', 'sort=password', 'order=up', 'spaceId=1', 'limit=abc']) {
      await expectRejected(api.get(`/api/v1/users?${query}`), 400, 'validation_failed');
    }
  });

  it('refuses invalid phones and emails', async () => {
    for (const phone of ['123', 'abc', '+7 916 123 45 67 89 00', '+0 000', '8'.repeat(41), '']) {
      await expectRejected(
        api.post('/api/v1/users', { ...valid, phone }),
        400,
        'validation_failed',
      );
    }
    for (const email of [
      'not-an-email',
      'a@',
      '@b.example',
      'a b@c.example',
      `${'a'.repeat(320)}@x.example`,
    ]) {
      await expectRejected(
        api.post('/api/v1/users', { ...valid, email }),
        400,
        'validation_failed',
      );
    }
    await expectRejected(
      api.patch(`/api/v1/users/${person.id}`, { phone: '12', version: before.version }),
      400,
    );
  });

  it('refuses a huge or negative limit and a negative offset', async () => {
    for (const query of [
      'limit=100000',
      'limit=201',
      'limit=0',
      'limit=-5',
      'offset=-1',
      'limit=1e9',
    ]) {
      await expectRejected(api.get(`/api/v1/users?${query}`), 400, 'validation_failed');
    }
    const max = await api.get<{ data: unknown[] }>('/api/v1/users?limit=200');
    expect(max.status).toBe(200);
  });

  it('refuses control characters and 10,000-character Unicode names', async () => {
    const names = [
      'Иван\u0000ов',
      'Ива\u0007н',
      'Ива\nнов',
      'Ив\u202Eан'.replace('\u202E', '\u0085'),
      'Ё'.repeat(10_000),
      '👩‍💻'.repeat(2_500),
      '   ',
    ];
    for (const familyName of names) {
      // NUL and BEL stop at the input boundary (invalid_text); the rest at the schema.
      const boundary = familyName.includes('\u0000') || familyName.includes('\u0007');
      const code = boundary ? 'invalid_text' : 'validation_failed';
      await expectRejected(api.post('/api/v1/users', { ...valid, familyName }), 400, code);
      await expectRejected(
        api.patch(`/api/v1/users/${person.id}`, { familyName, version: before.version }),
        400,
        code,
      );
    }
    await expectRejected(api.get(`/api/v1/users?q=${encodeURIComponent('ив\u0000ан')}`), 400);
    await expectRejected(api.get(`/api/v1/users?q=${'я'.repeat(201)}`), 400);
    await expectRejected(
      api.post(`/api/v1/users/${person.id}/deactivate`, { reason: 'x\u0000y' }),
      400,
    );
  });

  it('answers SQL- and LDAP-looking searches with 200 and literal results', async () => {
    for (const text of [
      "' OR 1=1 --",
      '*)(uid=*))(|(uid=*',
      '%',
      '_',
      '\\',
      "\\'; select pg_sleep(5); --",
    ]) {
      const response = await api.get<{ data: unknown[]; total: number }>(
        `/api/v1/users?q=${encodeURIComponent(text)}`,
      );
      expect(response.status, text).toBe(200);
      expect(response.body.total, text).toBe(0);
    }
    expect(await snapshot()).toEqual(before);
  });
});
