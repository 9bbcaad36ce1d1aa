import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { userActor } from '../../server/authz/actor.ts';
import { registerConnectors } from '../../server/core/connectors/registry.ts';
import { createWebhookConnector } from '../../server/core/connectors/webhook.ts';
import { resolveDeadDelivery } from '../../server/core/deliveries.ts';
import { type DeliverySettings, DeliveryWorker } from '../../server/core/delivery/worker.ts';
import type { Services } from '../../server/shared/services.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import {
  emitNow,
  numbered,
  type Receiver,
  startReceiver,
  usernameOf,
  waitFor,
} from './outboxReceiver.ts';

const SECRET = `whsec_${Buffer.from('outbox worker test secret 32 bytes!').toString('base64')}`;
const NO_REQUEST = { ip: null, userAgent: null, requestId: null };
const FAST: Partial<DeliverySettings> = { pollIntervalMs: 100, baseDelayMs: 40, maxDelayMs: 400 };

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
const keyOf = (request: { body: string }) =>
  (JSON.parse(request.body) as { data: { key: string } }).data.key;
const deliveredFor = (key: string) =>
  receiver.received.filter((r) => keyOf(r) === key && r.status >= 200 && r.status < 300);

describe('the delivery worker', () => {
  it('is woken by NOTIFY at once and delivers in order per key', async () => {
    await startWorker({ pollIntervalMs: 60_000 });
    const a = `a-${randomUUID()}`;
    const b = `b-${randomUUID()}`;
    const started = Date.now();
    await emitNow(context.services, [numbered(a, 1), numbered(b, 1), numbered(a, 2)]);
    await emitNow(context.services, [numbered(b, 2), numbered(a, 3)]);
    await waitFor(() => deliveredFor(a).length === 3 && deliveredFor(b).length === 2);
    // No poll ran (one minute): the notification woke the worker.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(deliveredFor(a).map(usernameOf)).toEqual([`${a}-1`, `${a}-2`, `${a}-3`]);
    expect(deliveredFor(b).map(usernameOf)).toEqual([`${b}-1`, `${b}-2`]);
    await waitFor(async () => (await rowsOf(a)).every((row) => row.delivered_at !== null));
  });

  it('retries a failing event with growing delays and keeps the key in order meanwhile', async () => {
    const key = `retry-${randomUUID()}`;
    receiver.answer = (request, seen) =>
      usernameOf(request) === `${key}-1` && seen < 3 ? 503 : 204;
    await startWorker({ baseDelayMs: 100, maxDelayMs: 2000 });
    await emitNow(context.services, [numbered(key, 1), numbered(key, 2)]);
    await waitFor(() => deliveredFor(key).length === 2);
    const attempts = receiver.received.filter((r) => usernameOf(r) === `${key}-1`);
    expect(attempts.map((r) => r.status)).toEqual([503, 503, 503, 204]);
    // Backoff with jitter: each wait is at least half of base × 2^(n-1).
    const gaps = attempts.slice(1).map((r, i) => r.at - (attempts[i]?.at ?? 0));
    expect(gaps[0]).toBeGreaterThanOrEqual(45);
    expect(gaps[1]).toBeGreaterThanOrEqual(95);
    expect(gaps[2]).toBeGreaterThanOrEqual(195);
    // Event 2 was never sent before event 1 went through.
    const firstOfTwo = receiver.received.findIndex((r) => usernameOf(r) === `${key}-2`);
    const lastOfOne = receiver.received.findLastIndex((r) => usernameOf(r) === `${key}-1`);
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
    await waitFor(async () => (await rowsOf(stuck))[0]?.dead_at != null);
    const [dead, waiting] = await rowsOf(stuck);
    expect(dead?.attempts).toBe(3);
    expect(dead?.last_error).toMatch(/^HTTP 500/);
    await waitFor(() => deliveredFor(other).length === 1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(waiting?.attempts).toBe(0);
    expect(receiver.received.some((r) => usernameOf(r) === `${stuck}-2`)).toBe(false);
    // An admin retries it once the core is fixed: both go out, in order.
    receiver.answer = () => 204;
    const admin = userActor({ id: randomUUID(), displayName: 'Admin', role: 'admin' }, NO_REQUEST);
    await resolveDeadDelivery(context.services, admin, dead?.id ?? '', 'retry');
    await waitFor(() => deliveredFor(stuck).length === 2);
    expect(deliveredFor(stuck).map(usernameOf)).toEqual([`${stuck}-1`, `${stuck}-2`]);
  });

  it('treats 410 Gone as final: dead after one attempt', async () => {
    const key = `gone-${randomUUID()}`;
    receiver.answer = (request) => (keyOf(request) === key ? 410 : 204);
    await startWorker();
    await emitNow(context.services, [numbered(key, 1)]);
    await waitFor(async () => (await rowsOf(key))[0]?.dead_at != null);
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
    await waitFor(() => deliveredFor(key).length === 1);
    const attempts = receiver.received.filter((r) => keyOf(r) === key);
    expect(attempts).toHaveLength(2);
    expect(attempts[0]?.id).toBe(attempts[1]?.id);
    expect(attempts[0]?.id).toMatch(/^evt_\d+$/);
    expect(applied.size).toBe(1);
  });

  it('two workers on separate connections never deliver an event twice and keep per-key order', async () => {
    const pool = new pg.Pool({ connectionString: context.databaseUrl, max: 4 });
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
      await waitFor(() => keys.every((key) => deliveredFor(key).length >= 15), 20_000);
      const ids = receiver.received.filter((r) => keys.includes(keyOf(r))).map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const key of keys)
        expect(deliveredFor(key).map(usernameOf)).toEqual(
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
    await waitFor(() => receiver.received.some((r) => keyOf(r) === key));
    await first.stop({ abandon: true });
    const [claimed] = await rowsOf(key);
    expect(claimed?.delivered_at).toBeNull();
    await startWorker({ lockSeconds: 1 });
    await waitFor(() => deliveredFor(key).length === 2, 10_000);
    expect(deliveredFor(key).map(usernameOf)).toEqual([`${key}-1`, `${key}-2`]);
    await waitFor(async () => (await rowsOf(key)).every((row) => row.delivered_at !== null));
    expect((await rowsOf(key))[0]?.attempts).toBe(2);
  });

  it('graceful stop waits for the delivery in flight and records it', async () => {
    const key = `graceful-${randomUUID()}`;
    receiver.answer = async (request) => {
      if (keyOf(request) === key) await new Promise((resolve) => setTimeout(resolve, 300));
      return 204;
    };
    const worker = await startWorker();
    await emitNow(context.services, [numbered(key, 1)]);
    await waitFor(() => receiver.received.some((r) => keyOf(r) === key));
    await worker.stop();
    expect((await rowsOf(key))[0]?.delivered_at).not.toBeNull();
  });
});
