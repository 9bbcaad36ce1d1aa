import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readVcard } from '../../server/core/connectors/ejabberd/vcard.ts';
import { registerConnectors } from '../../server/core/connectors/registry.ts';
import type { CoreConnector } from '../../server/core/connectors/types.ts';
import { type DeliverySettings, DeliveryWorker } from '../../server/core/delivery/worker.ts';
import { hashPassword } from '../../server/identity/passwords.ts';
import { GOOD_PASSWORD } from '../identity/loginFlow.ts';
import { messengerLogIn } from '../identity/messengerFlow.ts';
import type { ApiClient } from '../support/api.ts';
import { type Ejabberd, ejabberdAvailable, startEjabberd } from '../support/ejabberd.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { BULK_TEST_MS, OUTBOX_BACKLOG_MS, OUTBOX_DELIVERY_MS } from '../support/timeouts.ts';
import { connectXmpp, type XmppSession } from '../support/xmpp.ts';
import { coreKey } from './deviceSessions.ts';
import { connectorFor } from './ejabberdSetup.ts';
import { waitFor } from './outboxReceiver.ts';
import { type ServiceProcess, startServiceProcess } from './serviceProcess.ts';

const key = coreKey('ejabberd-e2e');
// Retries keep going through a long outage; backoff stays short so the test does not wait.
const SETTINGS: Partial<DeliverySettings> = {
  pollIntervalMs: 200,
  baseDelayMs: 50,
  maxDelayMs: 1000,
  maxAttempts: 10_000,
  lockSeconds: 3,
};

let context: TestContext;
let ejabberd: Ejabberd;
let admin: ApiClient;
let worker: DeliveryWorker | null = null;
const sessions: XmppSession[] = [];
const processes: ServiceProcess[] = [];
/** Successful deliveries, in the order they completed: [key, outbox id]. */
const delivered: [string, bigint][] = [];

/** The real connector, recording each delivery that succeeded. */
function recordingConnector(): CoreConnector {
  const connector = connectorFor(ejabberd);
  return {
    name: 'ejabberd',
    deliver: async (event) => {
      await connector.deliver(event);
      delivered.push([event.key, BigInt(event.id)]);
    },
    reconcile: (directory) => connector.reconcile(directory),
  };
}

async function startWorker(): Promise<void> {
  worker = new DeliveryWorker(context.services, [recordingConnector()], SETTINGS);
  await worker.start();
}

async function pending(): Promise<number> {
  const { rows } = await context.services.pool.query<{ n: number }>(
    'select count(*)::int as n from outbox_event where delivered_at is null',
  );
  return rows[0]?.n ?? 0;
}

async function inFlight(): Promise<number> {
  const { rows } = await context.services.pool.query<{ n: number }>(
    'select count(*)::int as n from outbox_event where delivered_at is null and locked_until > now()',
  );
  return rows[0]?.n ?? 0;
}

async function dead(): Promise<number> {
  const { rows } = await context.services.pool.query<{ n: number }>(
    'select count(*)::int as n from outbox_event where dead_at is not null',
  );
  return rows[0]?.n ?? 0;
}

interface Created {
  id: string;
  username: string;
  version: number;
}

async function createPeople(count: number, prefix: string): Promise<Created[]> {
  const people: Created[] = [];
  for (let i = 0; i < count; i += 8) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(8, count - i) }, async (_, j) => {
        const response = await admin.post<Created>('/api/v1/users', {
          username: `${prefix}${i + j}`,
          familyName: `Family${i + j}`,
          givenName: 'Given',
          email: `${prefix}${i + j}@corp.example`,
          status: 'active',
        });
        if (response.status !== 201 && response.status !== 200) {
          throw new Error(`create: ${response.status} ${response.text}`);
        }
        return response.body;
      }),
    );
    people.push(...batch);
  }
  return people;
}

async function withPassword(userId: string): Promise<void> {
  await context.services.pool.query('update app_user set password_hash = $2 where id = $1', [
    userId,
    await hashPassword(GOOD_PASSWORD),
  ]);
}

const registered = async (username: string) =>
  (await ejabberd.command('check_account', { user: username, host: ejabberd.host })).body === 0;

describe.runIf(ejabberdAvailable)(
  'the messenger against a real ejabberd through the outbox',
  () => {
    beforeAll(async () => {
      context = await startTestContext({
        core: { apiKeys: [{ name: key.name, sha256: key.sha256 }] },
      });
      ejabberd = await startEjabberd({ serviceUrl: context.baseUrl, coreApiKey: key.key });
      await registerConnectors(context.services, [{ name: 'ejabberd', kind: 'ejabberd' }]);
      admin = (await signedIn(context, 'superadmin')).api;
    });
    afterEach(async () => {
      await worker?.stop();
      worker = null;
      // A test that failed while the core was down must not leave it down for the next.
      if (ejabberd.pid === null) await ejabberd.start();
      await Promise.all(sessions.splice(0).map((session) => session.stop()));
    });
    afterAll(async () => {
      // Stopped by pid even when a test failed.
      await Promise.all(processes.map((p) => p.stop()));
      await ejabberd?.close();
      await context?.close();
    });

    it('logs in through the service (password, TOTP) then to ejabberd; deactivation through the outbox cuts the client off for good; a revoked token cannot connect', async () => {
      await startWorker();
      const [plain, other] = await createPeople(2, `e2e${Date.now().toString(36)}p`);
      if (!plain || !other) throw new Error('no people');
      await waitFor(
        async () => (await registered(plain.username)) && (await pending()) === 0,
        OUTBOX_DELIVERY_MS,
      );
      await withPassword(plain.id);
      await withPassword(other.id);

      // A back-office person must use TOTP (policy): enroll and log in through the API.
      const staff = await signedIn(context, 'staff', {
        passwordHash: await hashPassword(GOOD_PASSWORD),
      });
      const staffName = staff.user.username as string;
      const patched = await admin.request('PATCH', `/api/v1/users/${staff.user.id}`, {
        body: { title: 'Operator', version: staff.user.version },
      });
      expect(patched.status).toBe(200);
      await waitFor(
        async () => (await registered(staffName)) && (await pending()) === 0,
        OUTBOX_DELIVERY_MS,
      );
      const staffLogin = await messengerLogIn(context, staffName);
      expect(staffLogin.secret).toBeTruthy();
      sessions.push(await connectXmpp(ejabberd, staffName, staffLogin.token, staffLogin.sessionId));

      const login = await messengerLogIn(context, plain.username);
      const session = await connectXmpp(ejabberd, plain.username, login.token, login.sessionId);
      sessions.push(session);
      expect(session.isOpen()).toBe(true);

      const response = await admin.post(`/api/v1/users/${plain.id}/deactivate`, { reason: 'left' });
      expect(response.status).toBe(200);
      const returned = performance.now();
      // Closed by the outbox delivery (the worker, woken by NOTIFY); how fast is a benchmark
      // figure (`npm run bench -- core`), logged here only.
      const closedAt = await session.closed;
      console.info(`deactivate → XMPP connection closed: ${(closedAt - returned).toFixed(1)} ms`);
      expect(session.isOpen()).toBe(false);
      await expect(
        connectXmpp(ejabberd, plain.username, login.token, login.sessionId),
      ).rejects.toThrow();
      expect(
        (
          await ejabberd.command('user_sessions_info', {
            user: plain.username,
            host: ejabberd.host,
          })
        ).body,
      ).toEqual([]);

      // Another person's device session revoked by an admin: kicked, and its token is dead.
      const otherLogin = await messengerLogIn(context, other.username);
      const otherSession = await connectXmpp(
        ejabberd,
        other.username,
        otherLogin.token,
        otherLogin.sessionId,
      );
      sessions.push(otherSession);
      const revoked = await admin.post(
        `/api/v1/users/${other.id}/sessions/${otherLogin.sessionId}/revoke`,
        { reason: 'Телефон украден' },
      );
      expect(revoked.status).toBeLessThan(300);
      await otherSession.closed;
      await expect(
        connectXmpp(ejabberd, other.username, otherLogin.token, otherLogin.sessionId),
      ).rejects.toThrow();
    });

    it('the core is down while 1,000 changes happen: all arrive once back, in order per person', {
      timeout: BULK_TEST_MS,
    }, async () => {
      await startWorker();
      const people = await createPeople(200, `e2e${Date.now().toString(36)}c`);
      await waitFor(async () => (await pending()) === 0, OUTBOX_BACKLOG_MS);
      await ejabberd.stop();
      const since = delivered.length;

      const start = performance.now();
      for (let round = 1; round <= 5; round += 1) {
        for (let i = 0; i < people.length; i += 20) {
          await Promise.all(
            people.slice(i, i + 20).map(async (person) => {
              const response = await admin.request<Created>('PATCH', `/api/v1/users/${person.id}`, {
                body: {
                  title: `Title ${round}`,
                  phone: `+49301234567${round}`,
                  version: person.version,
                },
              });
              if (response.status !== 200) throw new Error(`${response.status} ${response.text}`);
              person.version = response.body.version;
            }),
          );
        }
      }
      console.info(
        `1,000 changes while the core was down: ${(performance.now() - start).toFixed(0)} ms`,
      );
      expect(await pending()).toBeGreaterThanOrEqual(1000);

      await ejabberd.start();
      await waitFor(async () => (await pending()) === 0, OUTBOX_BACKLOG_MS);
      expect(await dead()).toBe(0);

      // In order per person: each person's ids were delivered in increasing order.
      const byKey = new Map<string, bigint[]>();
      for (const [eventKey, id] of delivered.slice(since)) {
        byKey.set(eventKey, [...(byKey.get(eventKey) ?? []), id]);
      }
      for (const person of people) {
        const ids = byKey.get(person.id) ?? [];
        expect(ids.length).toBe(5);
        expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
      }
      // Each change took effect exactly once, the last one last: the final vCards and one account.
      const users = (await ejabberd.command('registered_users', { host: ejabberd.host }))
        .body as string[];
      for (const person of people) {
        expect(users.filter((user) => user === person.username)).toHaveLength(1);
        const card = await readVcard(connectorFor(ejabberd).api, person.username, ejabberd.host);
        expect(card.title).toBe('Title 5');
        expect(card.phone).toBe('+493012345675');
      }
    });

    it('the service is killed mid-delivery and restarted: nothing is lost', {
      timeout: BULK_TEST_MS,
    }, async () => {
      const config = join(ejabberd.dir, 'service.yaml');
      await writeFile(
        config,
        JSON.stringify({
          core: {
            connectors: [
              {
                kind: 'ejabberd',
                name: 'ejabberd',
                apiUrl: ejabberd.apiUrl,
                host: ejabberd.host,
                organizationName: 'Corp',
              },
            ],
            delivery: { ...SETTINGS, concurrency: 4 },
            reconcile: { enabled: false },
          },
        }),
      );
      const env = {
        ...context.databaseEnv,
        SECRET_KEY: context.services.config.secretKey ?? '',
        DATA_DIR: context.services.config.dataDir,
        CORE_API_KEYS: `${key.name}:${key.sha256}`,
        CONFIG_FILE: config,
      };
      // The changes are committed while no worker runs.
      const people = await createPeople(300, `e2e${Date.now().toString(36)}k`);
      expect(await pending()).toBeGreaterThanOrEqual(300);

      const first = await startServiceProcess(env);
      processes.push(first);
      // Killed while deliveries are claimed and in flight (locked rows, not yet recorded).
      await waitFor(
        async () => (await pending()) < 250 && (await inFlight()) > 0,
        OUTBOX_DELIVERY_MS,
      );
      process.kill(first.pid, 'SIGKILL');
      await first.stop(0);
      const left = await pending();
      console.info(`killed with ${left} of 300 undelivered`);
      expect(left).toBeGreaterThan(0);

      const second = await startServiceProcess(env);
      processes.push(second);
      await waitFor(async () => (await pending()) === 0, OUTBOX_BACKLOG_MS);
      expect(await dead()).toBe(0);
      const connector = connectorFor(ejabberd);
      for (const [index, person] of people.entries()) {
        expect(await registered(person.username)).toBe(true);
        const card = await readVcard(connector.api, person.username, ejabberd.host);
        expect(card).toMatchObject({ family: `Family${index}`, given: 'Given', orgName: 'Corp' });
      }
    });
  },
);
