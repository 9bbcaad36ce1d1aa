import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { type CorePort, startCorePort } from '../../server/corePort/start.ts';
import { freePort } from '../../server/shared/freePort.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { EXPECT_POLL_MS } from '../support/timeouts.ts';
import { type RawCoreRequest, rawCoreCall } from './coreRequests.ts';
import { coreKey, createDeviceSession } from './deviceSessions.ts';

const key = coreKey('core-port');
let context: TestContext;
let corePort: CorePort;
let coreUrl: string;
/** The Koa application alone, without any fast path: the reference for every answer. */
let koaOnly: Server;
let koaUrl: string;

async function auditEvents(action: string) {
  const { rows } = await context.services.pool.query<{
    ip: string | null;
    user_agent: string | null;
    details: Record<string, unknown>;
  }>('select ip, user_agent, details from audit_event where action = $1 order by seq', [action]);
  return rows;
}

beforeAll(async () => {
  context = await startTestContext({
    core: {
      apiKeys: [{ name: key.name, sha256: key.sha256 }],
      listen: { port: 0, host: '127.0.0.1' },
    },
  });
  const started = await startCorePort(context.services, context.runtimeUrl);
  if (!started) throw new Error('core.listen.port is set, so the port must start');
  corePort = started;
  coreUrl = `http://127.0.0.1:${corePort.port}`;
  koaOnly = createApp(context.services).app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => koaOnly.once('listening', resolve));
  koaUrl = `http://127.0.0.1:${(koaOnly.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await corePort?.stop();
  koaOnly?.closeAllConnections();
  await new Promise<void>((resolve) => (koaOnly ? koaOnly.close(() => resolve()) : resolve()));
  await context?.close();
});

/** Sends `request` to the core's port and to Koa alone, and expects the same answer. */
async function expectSameAnswer(request: RawCoreRequest, usedKey = key.key) {
  const viaKoa = await rawCoreCall(koaUrl, usedKey, request);
  const viaCorePort = await rawCoreCall(coreUrl, usedKey, request);
  expect(viaCorePort, JSON.stringify(request).slice(0, 120)).toEqual(viaKoa);
  return viaCorePort;
}

describe("the messaging core's own port (core.listen)", () => {
  it('answers every request as the main port does, valid or not, on both routes', async () => {
    const person = await createPerson(context.services);
    const { token } = await createDeviceSession(context.services, person.id);
    const { rows } = await context.services.pool.query<{ core_account: string }>(
      'select core_account from app_user where id = $1',
      [person.id],
    );
    const account = rows[0]?.core_account ?? '';
    const json = (value: unknown) => JSON.stringify(value);
    const authenticate = '/api/v1/core/authenticate';
    const cases: RawCoreRequest[] = [
      { body: json({ token }) },
      { body: json({ token, token_type_hint: 'access_token' }) },
      { body: json({ token: 'no-such-token' }) },
      { body: '{"token": ' },
      { body: '42' },
      { body: 'null' },
      { body: '[]' },
      { body: '' },
      { body: '  ' },
      // A `__proto__` key anywhere is refused as Koa's parser refuses it (prototype poisoning).
      { body: '{"token":"x","__proto__":{"admin":true}}' },
      { body: '[{"__proto__":null}]' },
      { body: '{"token":"x","nested":{"\\u005f_proto__":1}}' },
      { body: json({ token: 7 }) },
      { body: json({ token, extra: true }) },
      { body: json({ token: 'x'.repeat(1025) }) },
      { body: json({ token: 'a\u0000b' }) },
      { body: json({ token: '\ud800' }) },
      { body: json({ token }), headers: { 'content-type': 'text/plain' } },
      { body: json({ token }), headers: { authorization: 'Bearer nope' } },
      { body: json({ token }), headers: { authorization: 'Basic abc' } },
      { body: json({ token }), headers: { authorization: '' } },
      // A refused key with a broken body: the body's problem comes first, as on the main port.
      { body: '{"token": ', headers: { authorization: 'Bearer nope' } },
      { body: json({ token: 'a\u0000b' }), headers: { authorization: 'Bearer nope' } },
      { body: json({ token }), headers: { 'x-request-id': 'abc-1' } },
      {
        body: json({ token }),
        headers: { 'content-type': 'application/json; charset=utf-8' },
      },
      { path: '/api/v1/core/introspect?probe=%00', body: json({ token }) },
      { path: '/api/v1/core/introspect?probe=1', body: json({ token }) },
      // Over the fast path's 4 KiB, under the body limit: read by the port's own reader.
      { body: json({ token, padding: 'p'.repeat(6000) }) },
      { body: json({ token: 'q'.repeat(6000) }) },
      // Over the body limit (1 MiB).
      { body: json({ token, padding: 'p'.repeat(1_100_000) }) },
      { method: 'GET' },
      { method: 'DELETE' },
      { method: 'PUT', body: json({ token }) },
      { path: '/api/v1/core/nothing', body: json({ token }) },
      { path: authenticate, body: json({ token, username: account }) },
      { path: authenticate, body: json({ token, username: ` ${account.toUpperCase()} ` }) },
      { path: authenticate, body: json({ token, username: 'someone-else' }) },
      { path: authenticate, body: json({ token }) },
      { path: authenticate, body: json({ token, username: account, extra: 1 }) },
      {
        path: authenticate,
        body: json({ token, username: account }),
        headers: { authorization: 'Bearer nope' },
      },
    ];
    const answers = [];
    for (const request of cases) answers.push(await expectSameAnswer(request));
    expect(answers[0]?.body?.active).toBe(true);
    expect(answers.map((answer) => answer.status)).toContain(413);
    const poisoned = cases.filter((request) => request.body?.includes('_proto__'));
    expect(poisoned).toHaveLength(3);
    for (const request of poisoned)
      expect(answers[cases.indexOf(request)]?.body?.code, request.body).toBe('malformed_json');
    expect(answers.find((_, index) => cases[index]?.path === authenticate)?.body).toEqual({
      ok: true,
      sub: person.id,
      sid: expect.any(String),
    });
  });

  it('answers any JSON body as the main port does (property)', async () => {
    const person = await createPerson(context.services);
    const { token } = await createDeviceSession(context.services, person.id);
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          token: fc.oneof(fc.constant(token), fc.string({ unit: 'binary', maxLength: 40 })),
          token_type_hint: fc.oneof(fc.string(), fc.integer()),
          username: fc.string({ unit: 'binary', maxLength: 20 }),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        body,
        fc.constantFrom('/api/v1/core/introspect', '/api/v1/core/authenticate'),
        fc.constantFrom(key.key, 'wrong'),
        async (value, path, usedKey) => {
          await expectSameAnswer({ path, body: JSON.stringify(value) ?? 'null' }, usedKey);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('is stricter where the core never needs more: JSON in UTF-8, no Content-Encoding, only its routes', async () => {
    const person = await createPerson(context.services);
    const { token } = await createDeviceSession(context.services, person.id);
    const body = JSON.stringify({ token });
    const refusedHeaders: Record<string, string>[] = [
      { 'content-type': 'application/scim+json' },
      { 'content-type': 'application/json; charset=latin1' },
      { 'content-encoding': 'gzip' },
    ];
    for (const headers of refusedHeaders) {
      const answer = await rawCoreCall(coreUrl, key.key, { body, headers });
      expect(answer.status, JSON.stringify(headers)).toBe(415);
      expect(answer.body?.code).toBe('unsupported_media_type');
    }
    const openapi = await rawCoreCall(coreUrl, key.key, {
      method: 'GET',
      path: '/api/v1/openapi.json',
    });
    expect(openapi.status).toBe(404);
    expect(openapi.body?.code).toBe('route_not_found');
    const health = await rawCoreCall(coreUrl, key.key, { method: 'GET', path: '/healthz' });
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('reads a chunked body (no Content-Length), and answers 413 past the limit', async () => {
    const person = await createPerson(context.services);
    const { token } = await createDeviceSession(context.services, person.id);
    const chunked = (parts: string[]) =>
      fetch(`${coreUrl}/api/v1/core/introspect`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key.key}` },
        body: new ReadableStream({
          start(controller) {
            for (const part of parts) controller.enqueue(new TextEncoder().encode(part));
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
    const text = JSON.stringify({ token });
    const small = await chunked([text.slice(0, 5), text.slice(5)]);
    expect(small.status).toBe(200);
    expect(((await small.json()) as { active: boolean }).active).toBe(true);
    // 1.2 MB in 100 kB pieces against the 1 MiB limit.
    const padding = Array.from({ length: 12 }, () => 'p'.repeat(100_000));
    const large = await chunked([`{"token":"${token}","padding":"`, ...padding, '"}']);
    expect(large.status).toBe(413);
    expect(((await large.json()) as { code: string }).code).toBe('payload_too_large');
    // The connection is still good for the next request.
    expect((await chunked([text])).status).toBe(200);
  });

  it('sees a revocation through the main port on its very next call (20 trials)', async () => {
    const { api } = await signedIn(context, 'admin');
    const person = await createPerson(context.services);
    let stale = 0;
    for (let trial = 0; trial < 20; trial++) {
      const session = await createDeviceSession(context.services, person.id);
      const call = () =>
        rawCoreCall(coreUrl, key.key, { body: JSON.stringify({ token: session.token }) });
      expect((await call()).body?.active).toBe(true);
      const revoked = await api.post(`/api/v1/users/${person.id}/sessions/${session.id}/revoke`, {
        reason: 'lost phone',
      });
      expect(revoked.status).toBe(204);
      if ((await call()).body?.active !== false) stale += 1;
    }
    expect(stale).toBe(0);
  });

  it('has refused keys audited by the main thread, once a minute per client IP', async () => {
    const before = (await auditEvents('core.key_rejected')).length;
    // Each from an address of its own (all of 127/8 is loopback), so no earlier refusal counts.
    const refusedFrom = (localAddress: string) =>
      new Promise<{ status: number; code: unknown }>((resolve, reject) => {
        const body = JSON.stringify({ token: 'x' });
        const request = httpRequest(
          `${coreUrl}/api/v1/core/introspect`,
          {
            method: 'POST',
            localAddress,
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
              authorization: 'Bearer not-a-key',
              'user-agent': 'ejabberd-probe/1.0',
            },
          },
          (response) => {
            let text = '';
            response.on('data', (chunk: Buffer) => {
              text += chunk.toString('utf8');
            });
            response.on('end', () =>
              resolve({
                status: response.statusCode ?? 0,
                code: (JSON.parse(text) as { code?: unknown }).code,
              }),
            );
          },
        );
        request.on('error', reject);
        request.end(body);
      });
    for (let attempt = 0; attempt < 3; attempt++)
      expect(await refusedFrom('127.0.0.3')).toEqual({ status: 401, code: 'core_key_invalid' });
    expect(await refusedFrom('127.0.0.4')).toEqual({ status: 401, code: 'core_key_invalid' });
    // The thread's messages arrive in order: once the second address's event is in, the first
    // address's later refusals were counted, not audited.
    await vi.waitFor(
      async () => expect((await auditEvents('core.key_rejected')).length).toBe(before + 2),
      { timeout: EXPECT_POLL_MS },
    );
    const events = (await auditEvents('core.key_rejected')).slice(before);
    expect(events).toEqual([
      expect.objectContaining({
        ip: '127.0.0.3',
        user_agent: 'ejabberd-probe/1.0',
        details: expect.objectContaining({ reason: 'unknown', notAuditedSincePrevious: 0 }),
      }),
      expect.objectContaining({ ip: '127.0.0.4' }),
    ]);
  });

  it('refuses to start on a port already taken, saying which', async () => {
    const taken = createTcpServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    const { config } = context.services;
    try {
      await expect(
        startCorePort(
          {
            ...context.services,
            config: { ...config, core: { ...config.core, listen: { port, host: '127.0.0.1' } } },
          },
          context.runtimeUrl,
        ),
      ).rejects.toThrow(`port 127.0.0.1:${port} could not start`);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('starts a thread that died again, on the same port, and keeps answering', async () => {
    const port = await freePort();
    const { config } = context.services;
    const restarting = await startCorePort(
      {
        ...context.services,
        config: { ...config, core: { ...config.core, listen: { port, host: '127.0.0.1' } } },
      },
      context.runtimeUrl,
    );
    if (!restarting) throw new Error('the port must start');
    try {
      const person = await createPerson(context.services);
      const { token } = await createDeviceSession(context.services, person.id);
      const url = `http://127.0.0.1:${port}`;
      const call = () => rawCoreCall(url, key.key, { body: JSON.stringify({ token }) });
      expect((await call()).body?.active).toBe(true);
      const dead = restarting.thread();
      await dead?.terminate();
      await vi.waitFor(
        async () => {
          expect(restarting.thread()).not.toBeNull();
          expect(restarting.thread()).not.toBe(dead);
          expect((await call()).body?.active).toBe(true);
        },
        { timeout: EXPECT_POLL_MS, interval: 200 },
      );
    } finally {
      await restarting.stop();
    }
  });

  it('reads CORE_PORT and CORE_HOST, and refuses a port that is the main one or out of range', () => {
    expect(loadConfig({ CORE_PORT: '8081', CORE_HOST: '10.0.0.5' }).core.listen).toEqual({
      port: 8081,
      host: '10.0.0.5',
    });
    expect(loadConfig({}).core.listen).toEqual({ port: null, host: null });
    expect(() => loadConfig({ CORE_PORT: '8080', PORT: '8080' })).toThrow(
      /core\.listen\.port: must differ from http\.port/,
    );
    expect(() => loadConfig({ CORE_PORT: '70000' })).toThrow(/core\.listen\.port/);
    expect(() => loadConfig({ CORE_PORT: 'eighty' })).toThrow(/core\.listen\.port/);
  });

  it('is off unless configured, and stops cleanly when asked', async () => {
    const { config } = context.services;
    const off = await startCorePort(
      {
        ...context.services,
        config: { ...config, core: { ...config.core, listen: { port: null, host: null } } },
      },
      context.runtimeUrl,
    );
    expect(off).toBeNull();
    const second = await startCorePort(context.services, context.runtimeUrl);
    if (!second) throw new Error('the port must start');
    const url = `http://127.0.0.1:${second.port}/healthz`;
    expect((await fetch(url)).status).toBe(200);
    await second.stop();
    await expect(fetch(url)).rejects.toThrow();
  });
});
