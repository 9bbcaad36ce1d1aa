import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { userActor } from '../../server/authz/actor.ts';
import { registerConnectors } from '../../server/core/connectors/registry.ts';
import { createWebhookConnector } from '../../server/core/connectors/webhook.ts';
import { resolveDeadDelivery } from '../../server/core/deliveries.ts';
import { type DeliverySettings, DeliveryWorker } from '../../server/core/delivery/worker.ts';
import { claimDue } from '../../server/outbox/store.ts';
import type { Services } from '../../server/shared/services.ts';
import { createPerson } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { NEVER_POLL_MS, OUTBOX_DELIVERY_MS } from '../support/timeouts.ts';
import {
  emitNow,
  numbered,
  numberOf,
  type Received,
  type Receiver,
  startReceiver,
  waitFor,
} from './outboxReceiver.ts';

const SECRET = `whsec_${Buffer.from('outbox worker test secret 32 bytes!').toString('base64')}`;
const NO_REQUEST = { ip: null, userAgent: null, requestId: null };
const FAST: Partial<DeliverySettings> = { pollIntervalMs: 100, baseDelayMs: 40, maxDelayMs: 400 };

/** Every retry delay the worker chose (`backoffMs`), in order: the backoff without a stopwatch. */
const backoffs = vi.hoisted(() => [] as { attempts: number; ms: number }[]);
vi.mock('../../server/shared/backoff.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../server/shared/backoff.ts')>();
  return {
    ...original,
    backoffMs: (attempts: number, baseMs: number, maxMs: number) => {
      const ms = original.backoffMs(attempts, baseMs, maxMs);
      backoffs.push({ attempts, ms });
      return ms;
    },
  };
});

let context: TestContext;
let receiver: Receiver;
const workers: DeliveryWorker[] = [];

beforeAll(async () => {
  context = await startTestContext();
  await registerConnectors(context.services, [{ name: 'hook', kind: 'webhook' }]);
  receiver = await startReceiver();
});
afterEach(async () => {
  for (const worker of workers.splice(0)) await worker.stop({ abandon: true });
  receiver.answer = () => 204;
});
afterAll(async () => {
  await receiver.close();
  await context.close();
});

function startWorker(
  settings: Partial<DeliverySettings> = {},
  services: Services = context.services,
) {
  const connector = createWebhookConnector({ name: 'hook', url: receiver.url, secrets: [SECRET] });
  const worker = new DeliveryWorker(services, [connector], { ...FAST, ...settings });
  workers.push(worker);
  return worker.start().then(() => worker);
}

interface OutboxRow {
  id: string;
  key: string;
  attempts: number;
  delivered_at: Date | null;
  dead_at: Date | null;
  last_error: string | null;
}
async function rowsOf(key: string): Promise<OutboxRow[]> {
  const { rows } = await context.services.pool.query<OutboxRow>(
    'select id::text, key, attempts, delivered_at, dead_at, last_error from outbox_event where key = $1 order by outbox_event.id',
    [key],
  );
  return rows;
}
const typeOf = (request: Received) => (JSON.parse(request.body) as { type: string }).type;
const keyOf = (request: { body: string }) =>
  (JSON.parse(request.body) as { data: { key: string } }).data.key;
const deliveredFor = (key: string) =>
  receiver.received.filter((r) => keyOf(r) === key && r.status >= 200 && r.status < 300);

describe('the delivery worker', () => {
  it('is woken by NOTIFY and delivers in order per key', async () => {
    // Its poll never comes within this test: whatever it delivers, NOTIFY woke it for.
    await startWorker({ pollIntervalMs: NEVER_POLL_MS });
    const a = `a-${randomUUID()}`;
    const b = `b-${randomUUID()}`;
    await emitNow(context.services, [numbered(a, 1), numbered(b, 1), numbered(a, 2)]);
    await emitNow(context.services, [numbered(b, 2), numbered(a, 3)]);
    await waitFor(
      () => deliveredFor(a).length === 3 && deliveredFor(b).length === 2,
      OUTBOX_DELIVERY_MS,
    );
    expect(deliveredFor(a).map(numberOf)).toEqual([`${a}-1`, `${a}-2`, `${a}-3`]);
    expect(deliveredFor(b).map(numberOf)).toEqual([`${b}-1`, `${b}-2`]);
    await waitFor(
      async () => (await rowsOf(a)).every((row) => row.delivered_at !== null),
      OUTBOX_DELIVERY_MS,
    );
  });

  it('a cut-off goes out at once while every slot hangs on slower deliveries, ahead of older events', async () => {
    await startWorker({ concurrency: 2, pollIntervalMs: NEVER_POLL_MS });
    // Group changes hang until the test lets them go (a core busy with a large group).
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    receiver.answer = async (request) => {
      if (typeOf(request) === 'space.upserted') await held;
      return 204;
    };
    const backlog = Array.from({ length: 5 }, () => numbered(`slow-${randomUUID()}`, 1));
    const slow = new Set(backlog.map((event) => event.key));
    const slowSeen = () => receiver.received.filter((r) => slow.has(keyOf(r)));
    await emitNow(context.services, backlog);
    // Both of the connector's slots are taken by the backlog, three more of it are due.
    await waitFor(() => slowSeen().length === 2, OUTBOX_DELIVERY_MS);
    const person = await createPerson(context.services);
    await emitNow(context.services, [
      {
        type: 'person.deactivated',
        key: person.id,
        userId: person.id,
        username: person.username as string,
        reason: 'left',
      },
    ]);
    await waitFor(() => deliveredFor(person.id).length === 1, OUTBOX_DELIVERY_MS);
    // It did not wait for a slot, nor queue behind the older events still due.
    expect(slowSeen()).toHaveLength(2);
    release();
    await waitFor(() => backlog.every((e) => deliveredFor(e.key).length === 1), OUTBOX_DELIVERY_MS);
  });

  it('claims due cut-offs before older due events; the cut-off scope claims nothing else', async () => {
    const connector = 'hook';
    const older = numbered(`older-${randomUUID()}`, 1);
    const person = await createPerson(context.services);
    await emitNow(context.services, [older]);
    await emitNow(context.services, [
      {
        type: 'second_factor.reset',
        key: person.id,
        userId: person.id,
        username: person.username as string,
      },
    ]);
    const [first] = await claimDue(context.services.pool, connector, 1, 60);
    expect(first?.event).toMatchObject({ type: 'second_factor.reset', key: person.id });
    expect(await claimDue(context.services.pool, connector, 10, 60, 'cut-offs')).toEqual([]);
    const rest = await claimDue(context.services.pool, connector, 100, 60);
    expect(rest.map((claimed) => claimed.event.key)).toContain(older.key);
  });

  it('retries a failing event with growing delays and keeps the key in order meanwhile', async () => {
    const key = `retry-${randomUUID()}`;
    const lockSeconds = 60;
    /** For each retry of event 1: was it claimed at or after the time its backoff set? */
    const onTime: boolean[] = [];
    receiver.answer = async (request, seen) => {
      if (numberOf(request) !== `${key}-1`) return 204;
      if (seen > 0) {
        // The claim set locked_until = its now() + lockSeconds; the failure before it set
        // next_attempt_at = its now() + the delay. Compared in the database, no stopwatch.
        const { rows } = await context.services.pool.query<{ on_time: boolean }>(
          `select locked_until - make_interval(secs => $2) >= next_attempt_at as on_time
             from outbox_event where key = $1 order by id limit 1`,
          [key, lockSeconds],
        );
        onTime.push(rows[0]?.on_time === true);
      }
      return seen < 3 ? 503 : 204;
    };
    backoffs.length = 0;
    await startWorker({ baseDelayMs: 100, maxDelayMs: 2000, lockSeconds });
    await emitNow(context.services, [numbered(key, 1), numbered(key, 2)]);
    await waitFor(() => deliveredFor(key).length === 2, OUTBOX_DELIVERY_MS);
    const attempts = receiver.received.filter((r) => numberOf(r) === `${key}-1`);
    expect(attempts.map((r) => r.status)).toEqual([503, 503, 503, 204]);
    // Backoff with jitter: after failure n the wait is 50–100 % of base × 2^(n-1), and no retry
    // came before its time.
    expect(backoffs.map((b) => b.attempts)).toEqual([1, 2, 3]);
    for (const { attempts: n, ms } of backoffs) {
      expect(ms).toBeGreaterThanOrEqual(100 * 2 ** (n - 1) * 0.5);
      expect(ms).toBeLessThanOrEqual(100 * 2 ** (n - 1));
    }
    expect(onTime).toEqual([true, true, true]);
    // Event 2 was never sent before event 1 went through.
    const firstOfTwo = receiver.received.findIndex((r) => numberOf(r) === `${key}-2`);
    const lastOfOne = receiver.received.findLastIndex((r) => numberOf(r) === `${key}-1`);
    expect(firstOfTwo).toBeGreaterThan(lastOfOne);
    const rows = await rowsOf(key);
    expect(rows.map((r) => r.attempts)).toEqual([4, 1]);
  });

  it('parks an event as dead after the limit; the key waits, other keys go on', async () => {
    const stuck = `dead-${randomUUID()}`;
    const other = `other-${randomUUID()}`;
    receiver.answer = (request) => (keyOf(request) === stuck ? 500 : 204);
    await startWorker({ maxAttempts: 3 });
    await emitNow(context.services, [numbered(stuck, 1), numbered(stuck, 2), numbered(other, 1)]);
    await waitFor(async () => (await rowsOf(stuck))[0]?.dead_at != null, OUTBOX_DELIVERY_MS);
    const [dead] = await rowsOf(stuck);
    expect(dead?.attempts).toBe(3);
    expect(dead?.last_error).toMatch(/^HTTP 500/);
    await waitFor(() => deliveredFor(other).length === 1, OUTBOX_DELIVERY_MS);
    // Another event of the other key, emitted after event 1 died, goes through. Were the stuck
    // key's event 2 claimable, that claim (ordered by id) would have taken it first or with it.
    await emitNow(context.services, [numbered(other, 2)]);
    await waitFor(
      async () => (await rowsOf(other)).every((row) => row.delivered_at !== null),
      OUTBOX_DELIVERY_MS,
    );
    const [, waiting] = await rowsOf(stuck);
    expect(waiting?.attempts).toBe(0);
    expect(receiver.received.some((r) => numberOf(r) === `${stuck}-2`)).toBe(false);
    // An admin retries it once the core is fixed: both go out, in order.
    receiver.answer = () => 204;
    const admin = userActor({ id: randomUUID(), displayName: 'Admin', role: 'admin' }, NO_REQUEST);
    await resolveDeadDelivery(context.services, admin, dead?.id ?? '', 'retry');
    await waitFor(() => deliveredFor(stuck).length === 2, OUTBOX_DELIVERY_MS);
    expect(deliveredFor(stuck).map(numberOf)).toEqual([`${stuck}-1`, `${stuck}-2`]);
  });

  it('treats 410 Gone as final: dead after one attempt', async () => {
    const key = `gone-${randomUUID()}`;
    receiver.answer = (request) => (keyOf(request) === key ? 410 : 204);
    await startWorker();
    await emitNow(context.services, [numbered(key, 1)]);
    await waitFor(async () => (await rowsOf(key))[0]?.dead_at != null, OUTBOX_DELIVERY_MS);
    expect((await rowsOf(key))[0]?.attempts).toBe(1);
  });

  it('a redelivery after the receiver processed but answered 500 carries the same webhook-id', async () => {
    const key = `dup-${randomUUID()}`;
    const applied = new Set<string>();
    receiver.answer = (request, seen) => {
      if (keyOf(request) !== key) return 204;
      applied.add(request.id); // the receiver's idempotent apply, keyed by webhook-id
      return seen === 0 ? 500 : 204;
    };
    await startWorker();
    await emitNow(context.services, [numbered(key, 1)]);
    await waitFor(() => deliveredFor(key).length === 1, OUTBOX_DELIVERY_MS);
    const attempts = receiver.received.filter((r) => keyOf(r) === key);
    expect(attempts).toHaveLength(2);
    expect(attempts[0]?.id).toBe(attempts[1]?.id);
    expect(attempts[0]?.id).toMatch(/^evt_\d+$/);
    expect(applied.size).toBe(1);
  });

  it('two workers on separate connections never deliver an event twice and keep per-key order', async () => {
    const pool = new pg.Pool({ connectionString: context.runtimeUrl, max: 4 });
    try {
      receiver.answer = async () => {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
        return 204;
      };
      await startWorker({ concurrency: 4 });
      await startWorker({ concurrency: 4 }, { ...context.services, pool });
      const keys = Array.from({ length: 8 }, (_, i) => `pair${i}-${randomUUID()}`);
      const events = keys.flatMap((key) => Array.from({ length: 15 }, (_, n) => numbered(key, n)));
      // Shuffled across several transactions, as concurrent commands would write them.
      for (let i = 0; i < events.length; i += 20)
        await emitNow(context.services, events.slice(i, i + 20));
      await waitFor(() => keys.every((key) => deliveredFor(key).length >= 15), OUTBOX_DELIVERY_MS);
      const ids = receiver.received.filter((r) => keys.includes(keyOf(r))).map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const key of keys)
        expect(deliveredFor(key).map(numberOf)).toEqual(
          Array.from({ length: 15 }, (_, n) => `${key}-${n}`),
        );
    } finally {
      for (const worker of workers.splice(0)) await worker.stop();
      await pool.end();
    }
  });

  it('an event claimed by a worker that died mid-delivery is delivered by another after the lock expires', async () => {
    const key = `crash-${randomUUID()}`;
    receiver.answer = (request, seen) => (keyOf(request) === key && seen === 0 ? 'hang' : 204);
    const first = await startWorker({ lockSeconds: 1 });
    await emitNow(context.services, [numbered(key, 1), numbered(key, 2)]);
    await waitFor(() => receiver.received.some((r) => keyOf(r) === key), OUTBOX_DELIVERY_MS);
    await first.stop({ abandon: true });
    const [claimed] = await rowsOf(key);
    expect(claimed?.delivered_at).toBeNull();
    await startWorker({ lockSeconds: 1 });
    await waitFor(() => deliveredFor(key).length === 2, OUTBOX_DELIVERY_MS);
    expect(deliveredFor(key).map(numberOf)).toEqual([`${key}-1`, `${key}-2`]);
    await waitFor(
      async () => (await rowsOf(key)).every((row) => row.delivered_at !== null),
      OUTBOX_DELIVERY_MS,
    );
    expect((await rowsOf(key))[0]?.attempts).toBe(2);
  });

  it('graceful stop waits for the delivery in flight and records it', async () => {
    const key = `graceful-${randomUUID()}`;
    // The receiver holds the answer until the test lets it go, after stop() was called: the
    // delivery is in flight when the worker is asked to stop, whatever the machine's speed.
    let answer: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      answer = resolve;
    });
    receiver.answer = async (request) => {
      if (keyOf(request) === key) await held;
      return 204;
    };
    const worker = await startWorker();
    await emitNow(context.services, [numbered(key, 1)]);
    await waitFor(() => receiver.received.some((r) => keyOf(r) === key), OUTBOX_DELIVERY_MS);
    const stopping = worker.stop();
    answer();
    await stopping;
    // Recorded by the time stop() resolved: it waited for the delivery, not just for the answer.
    expect((await rowsOf(key))[0]?.delivered_at).not.toBeNull();
  });
});
