import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../server/identity/backofficeSession.ts';
import { freePort } from '../../server/shared/freePort.ts';
import { ApiClient } from '../support/api.ts';
import { createPerson, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { SERVICE_PROCESS_TEST_MS } from '../support/timeouts.ts';
import { coreKey, createDeviceSession } from './deviceSessions.ts';
import { type ServiceProcess, startServiceProcess } from './serviceProcess.ts';

const TRIALS = 100;
const key = coreKey('core-two-processes');
let context: TestContext;
const processes: ServiceProcess[] = [];
/** The second process serves the core on a port of its own too (core.listen, a worker thread). */
let secondCoreUrl = '';

beforeAll(async () => {
  context = await startTestContext();
  const env = {
    ...context.databaseEnv,
    SECRET_KEY: context.services.config.secretKey ?? '',
    CORE_API_KEYS: `${key.name}:${key.sha256}`,
  };
  const corePort = await freePort();
  secondCoreUrl = `http://127.0.0.1:${corePort}`;
  const started = await Promise.allSettled([
    startServiceProcess(env),
    startServiceProcess({ ...env, CORE_PORT: String(corePort), CORE_HOST: '127.0.0.1' }),
  ]);
  for (const result of started) if (result.status === 'fulfilled') processes.push(result.value);
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
});

afterAll(async () => {
  // Stopped by pid even when a test failed.
  await Promise.all(processes.map((p) => p.stop()));
  await context.close();
});

describe('revocation across two service processes (and the core port of the second)', () => {
  it(`holds at once on the other process (${TRIALS} trials)`, {
    timeout: SERVICE_PROCESS_TEST_MS,
  }, async () => {
    const [first, second] = processes;
    if (!first || !second) throw new Error('both processes must run');
    const { api } = await signedIn(context, 'admin');
    const admin = new ApiClient(first.baseUrl);
    admin.setCookie(SESSION_COOKIE, api.cookie(SESSION_COOKIE) ?? '');
    admin.csrfToken = api.csrfToken;
    const introspect = async (token: string, baseUrl = second.baseUrl) => {
      const response = await new ApiClient(baseUrl).request<{ active: boolean }>(
        'POST',
        '/api/v1/core/introspect',
        { body: { token }, headers: { authorization: `Bearer ${key.key}` } },
      );
      expect(response.status).toBe(200);
      return response.body.active;
    };
    const person = await createPerson(context.services);
    let stale = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const session = await createDeviceSession(context.services, person.id);
      expect(await introspect(session.token)).toBe(true);
      expect(await introspect(session.token, secondCoreUrl)).toBe(true);
      const revoke = await admin.post(`/api/v1/users/${person.id}/sessions/${session.id}/revoke`, {
        reason: 'lost phone',
      });
      expect(revoke.status).toBe(204);
      if (await introspect(session.token)) stale += 1;
      if (await introspect(session.token, secondCoreUrl)) stale += 1;
    }
    expect(stale).toBe(0);
  });
});
