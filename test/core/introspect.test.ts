import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { ApiClient } from '../support/api.ts';
import { createPerson } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { rawCoreCall } from './coreRequests.ts';
import { coreKey, createDeviceSession } from './deviceSessions.ts';

const oldKey = coreKey('core-old');
const newKey = coreKey('core-new');
let context: TestContext;
let core: ApiClient;

function asCore(key: string, baseUrl = context.baseUrl) {
  return {
    post: <T = unknown>(path: string, body?: unknown) =>
      new ApiClient(baseUrl).request<T>('POST', path, {
        body: body ?? {},
        headers: { authorization: `Bearer ${key}` },
      }),
  };
}

const introspect = (token: unknown, key = newKey.key) =>
  asCore(key).post<Record<string, unknown>>('/api/v1/core/introspect', { token });

async function auditCount(action?: string): Promise<number> {
  const { rows } = await context.services.pool.query<{ n: number }>(
    'select count(*)::int as n from audit_event where $1::text is null or action = $1',
    [action ?? null],
  );
  return rows[0]?.n ?? 0;
}

beforeAll(async () => {
  context = await startTestContext({
    core: { apiKeys: [oldKey, newKey].map(({ name, sha256 }) => ({ name, sha256 })) },
  });
  core = asCore(newKey.key) as unknown as ApiClient;
});
afterAll(async () => {
  await context.close();
});

describe('core API keys', () => {
  it('refuses a missing, malformed or unknown key with 401 core_key_invalid, audited at most once a minute per IP', async () => {
    const before = await auditCount('core.key_rejected');
    const anonymous = new ApiClient(context.baseUrl);
    const missing = await anonymous.post<{ code: string }>('/api/v1/core/introspect', {
      token: 'x',
    });
    expect(missing.status).toBe(401);
    expect(missing.body.code).toBe('core_key_invalid');
    for (const header of [
      'Basic abc',
      `Bearer ${oldKey.key}x`,
      'Bearer ',
      `bearer ${newKey.key}`,
    ]) {
      const response = await anonymous.request<{ code: string }>(
        'POST',
        '/api/v1/core/introspect',
        {
          body: { token: 'x' },
          headers: { authorization: header },
        },
      );
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('core_key_invalid');
    }
    expect((await auditCount('core.key_rejected')) - before).toBe(1);
    const { rows } = await context.services.pool.query<{ text: string }>(
      "select row_to_json(e)::text as text from audit_event e where action = 'core.key_rejected'",
    );
    for (const row of rows) expect(row.text).not.toContain(oldKey.key);
  });

  it('accepts every configured key (rotation: two live at once), and refuses a removed one', async () => {
    const user = await createPerson(context.services);
    const session = await createDeviceSession(context.services, user.id);
    for (const key of [oldKey, newKey]) {
      expect((await introspect(session.token, key.key)).body.active).toBe(true);
    }
    // The old key is removed from the configuration (a restart with the new list).
    const config = {
      ...context.services.config,
      core: { ...context.services.config.core, apiKeys: [newKey] },
    };
    const { listener } = createApp({ ...context.services, config });
    const server: Server = createServer(listener).listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const refused = await asCore(oldKey.key, url).post('/api/v1/core/introspect', {
        token: session.token,
      });
      expect(refused.status).toBe(401);
      const accepted = await asCore(newKey.key, url).post<{ active: boolean }>(
        '/api/v1/core/introspect',
        { token: session.token },
      );
      expect(accepted.body.active).toBe(true);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('reads CORE_API_KEYS as name:sha256,... and refuses bad entries at start', () => {
    const env = { CORE_API_KEYS: `a:${oldKey.sha256}, b:${newKey.sha256.toUpperCase()}` };
    expect(loadConfig(env).core.apiKeys).toEqual([
      { name: 'a', sha256: oldKey.sha256 },
      { name: 'b', sha256: newKey.sha256 },
    ]);
    expect(() => loadConfig({ CORE_API_KEYS: 'a:nothex' })).toThrow(/core\.apiKeys/);
    expect(() => loadConfig({ CORE_API_KEYS: `a:${oldKey.sha256},a:${newKey.sha256}` })).toThrow(
      /unique/,
    );
  });
});

describe('POST /core/introspect', () => {
  it('answers the RFC 7662 claims of a live session, and writes no audit event', async () => {
    const user = await createPerson(context.services, { username: 'ivan.introspected' });
    const session = await createDeviceSession(context.services, user.id);
    const before = await auditCount();
    const response = await introspect(session.token);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      active: true,
      sub: user.id,
      username: 'ivan.introspected',
      sid: session.id,
      token_type: 'device_session',
    });
    expect(typeof response.body.exp).toBe('number');
    expect(typeof response.body.iat).toBe('number');
    expect(Number(response.body.exp)).toBeGreaterThan(Number(response.body.iat));
    expect(await auditCount()).toBe(before);
  });

  it('answers exactly {active:false} for revoked, expired, idle, unknown tokens and people not active', async () => {
    const now = Date.now();
    const active = await createPerson(context.services);
    const deactivated = await createPerson(context.services, { status: 'deactivated' });
    const pending = await createPerson(context.services, { status: 'pending' });
    const tokens = [
      (await createDeviceSession(context.services, active.id, { revokedAt: new Date(now) })).token,
      (await createDeviceSession(context.services, active.id, { expiresAt: new Date(now - 1000) }))
        .token,
      (
        await createDeviceSession(context.services, active.id, {
          // Unused for longer than identity.messengerSession.idleTimeoutDays.
          lastSeenAt: new Date(
            now -
              (context.services.config.identity.messengerSession.idleTimeoutDays + 1) * 86_400_000,
          ),
        })
      ).token,
      (await createDeviceSession(context.services, deactivated.id)).token,
      (await createDeviceSession(context.services, pending.id)).token,
      'no-such-token',
    ];
    for (const token of tokens) {
      const response = await introspect(token);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ active: false });
    }
  });

  it('never answers 500 to garbage: odd tokens are inactive, bad bodies are 4xx problems', async () => {
    // NUL and an unpaired surrogate are refused at the input boundary (issue 12): 400.
    for (const token of ['\u0000', '\uD800']) {
      const response = await introspect(token);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('invalid_text');
    }
    for (const token of ['', ' ', 'ё'.repeat(1000), "' or 1=1 --", 'x'.repeat(1024)]) {
      const response = await introspect(token);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ active: false });
    }
    const client = new ApiClient(context.baseUrl);
    const headers = { authorization: `Bearer ${newKey.key}` };
    const bad = [
      { body: {} },
      { body: { token: 123 } },
      { body: { token: null } },
      { body: { token: ['a'] } },
      { body: { token: 'x'.repeat(1025) } },
      { body: { token: 'x', extra: 1 } },
      { body: [] },
      { raw: '{"token":', headers: { ...headers, 'content-type': 'application/json' } },
      {
        raw: 'token=abc',
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      },
    ];
    for (const options of bad) {
      const response = await client.request('POST', '/api/v1/core/introspect', {
        headers,
        ...options,
      });
      expect(response.status, JSON.stringify(options).slice(0, 80)).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    const empty = await client.request('POST', '/api/v1/core/introspect', { headers });
    expect(empty.status).toBe(400);
  });

  it('records use at most once a minute per session', async () => {
    const user = await createPerson(context.services);
    const old = new Date(Date.now() - 5 * 60_000);
    const session = await createDeviceSession(context.services, user.id, { lastSeenAt: old });
    const lastSeen = async () =>
      (
        await context.services.pool.query<{ at: Date }>(
          'select last_seen_at as at from device_session where id = $1',
          [session.id],
        )
      ).rows[0]?.at.getTime() ?? 0;
    const before = Date.now();
    expect((await introspect(session.token)).body.active).toBe(true);
    const after = Date.now();
    const first = await lastSeen();
    // Moved to the time of that request (not merely "later"), however long it took.
    expect(first).toBeGreaterThanOrEqual(before);
    expect(first).toBeLessThanOrEqual(after);
    expect((await introspect(session.token)).body.active).toBe(true);
    expect(await lastSeen()).toBe(first);
  });
});

describe('POST /core/authenticate', () => {
  it('is ok only for a live token of exactly that username', async () => {
    const user = await createPerson(context.services, { username: 'petr.auth' });
    const other = await createPerson(context.services, { username: 'anna.other' });
    const session = await createDeviceSession(context.services, user.id);
    const authenticate = (username: unknown, token: unknown) =>
      core.post<Record<string, unknown>>('/api/v1/core/authenticate', { username, token });
    expect((await authenticate('petr.auth', session.token)).body).toEqual({
      ok: true,
      sub: user.id,
      sid: session.id,
    });
    expect((await authenticate('Petr.Auth', session.token)).body.ok).toBe(true);
    expect((await authenticate(other.username, session.token)).body).toEqual({ ok: false });
    expect((await authenticate('petr.auth', 'wrong')).body).toEqual({ ok: false });
    expect((await authenticate('', '')).body).toEqual({ ok: false });
    expect((await authenticate(1, session.token)).status).toBe(400);
    expect((await core.post('/api/v1/core/authenticate', { token: session.token })).status).toBe(
      400,
    );
    await context.services.pool.query(
      'update device_session set revoked_at = now() where id = $1',
      [session.id],
    );
    expect((await authenticate('petr.auth', session.token)).body).toEqual({ ok: false });
  });

  it('needs a core key', async () => {
    const response = await new ApiClient(context.baseUrl).post<{ code: string }>(
      '/api/v1/core/authenticate',
      { username: 'a', token: 'b' },
    );
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('core_key_invalid');
  });
});

describe('the introspection fast path (issue 17)', () => {
  const raw = (baseUrl: string, body: string, headers: Record<string, string> = {}) =>
    rawCoreCall(baseUrl, newKey.key, { body, headers });

  it('answers every request exactly as the Koa route does, valid or not', async () => {
    const user = await createPerson(context.services);
    const session = await createDeviceSession(context.services, user.id);
    const { app } = createApp(context.services);
    const koaOnly: Server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => koaOnly.once('listening', resolve));
    const koaUrl = `http://127.0.0.1:${(koaOnly.address() as AddressInfo).port}`;
    const cases: { body: string; headers?: Record<string, string> }[] = [
      { body: JSON.stringify({ token: session.token }) },
      { body: JSON.stringify({ token: session.token, token_type_hint: 'access_token' }) },
      { body: JSON.stringify({ token: 'no-such-token' }) },
      { body: '{"token": ' },
      { body: '42' },
      { body: '"token"' },
      { body: 'null' },
      { body: '[]' },
      { body: '  ' },
      // A `__proto__` key anywhere is refused as Koa's parser refuses it (prototype poisoning).
      { body: '{"token":"x","__proto__":{"admin":true}}' },
      { body: '[{"__proto__":null}]' },
      { body: '{"token":"x","nested":{"\\u005f_proto__":1}}' },
      { body: JSON.stringify({ token: 7 }) },
      { body: JSON.stringify({ token: session.token, extra: true }) },
      { body: JSON.stringify({ token: 'x'.repeat(1025) }) },
      { body: JSON.stringify({ token: 'a\u0000b' }) },
      { body: JSON.stringify({ token: '\ud800' }) },
      { body: JSON.stringify({ token: session.token }), headers: { 'content-type': 'text/plain' } },
      { body: JSON.stringify({ token: session.token }), headers: { authorization: 'Bearer nope' } },
      {
        body: JSON.stringify({ token: session.token }),
        headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'abc-1' },
      },
    ];
    try {
      for (const { body, headers } of cases) {
        const viaKoa = await raw(koaUrl, body, headers);
        const viaService = await raw(context.baseUrl, body, headers);
        expect(viaService, body.slice(0, 60)).toEqual(viaKoa);
      }
      expect((await raw(context.baseUrl, cases[0]?.body ?? '')).body?.active).toBe(true);
    } finally {
      koaOnly.closeAllConnections();
      await new Promise<void>((resolve) => koaOnly.close(() => resolve()));
    }
  });

  it('sees a revocation on the very next call: nothing is cached', async () => {
    const user = await createPerson(context.services);
    const session = await createDeviceSession(context.services, user.id);
    expect((await introspect(session.token)).body.active).toBe(true);
    await context.services.pool.query(
      'update device_session set revoked_at = now() where user_id = $1',
      [user.id],
    );
    expect((await introspect(session.token)).body).toEqual({ active: false });
  });
});
