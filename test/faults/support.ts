import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { expect } from 'vitest';
import { verifyAuditChain } from '../../server/audit/verify.ts';
import type { Role } from '../../server/authz/roles.ts';
import { SESSION_COOKIE } from '../../server/identity/backofficeSession.ts';
import type { Services } from '../../server/shared/services.ts';
import type { Receiver } from '../core/outboxReceiver.ts';
import { type ServiceProcess, startServiceProcess } from '../core/serviceProcess.ts';
import { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import type { TestContext } from '../support/harness.ts';
import { HTTP_ANSWER_MS, OUTBOX_BACKLOG_MS, waitUntil } from '../support/timeouts.ts';

/**
 * Shared parts of the fault-injection suite (issue 12, scope item 5): real service processes
 * killed with SIGKILL, a webhook receiver that records every delivery attempt, and the checks
 * every scenario ends with (no core event lost, none out of order per person, audit chain intact).
 */

/** The webhook connector every fault scenario delivers to. */
export const HOOK = 'hook';
const SECRET_ENV = 'FAULT_HOOK_SECRET';
const SECRET = `whsec_${Buffer.from('fault injection suite secret, 32 bytes').toString('base64')}`;

/**
 * Delivery settings of the service processes: retries keep going through any outage, with short
 * backoff so a recovery is not waited for; a claim of a killed process expires after 5 s (the
 * receiver answers in milliseconds, far under it).
 */
export const FAULT_DELIVERY = {
  pollIntervalMs: 200,
  lockSeconds: 5,
  baseDelayMs: 50,
  maxDelayMs: 1_000,
  maxAttempts: 100_000,
  concurrency: 8,
};

/** A folder of its own for a scenario's configuration files; removed by `remove()`. */
export async function scratchDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'frisbee-faults-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/**
 * Writes the configuration of the scenario's service processes (JSON is YAML): the webhook
 * connector to `receiver` (unless `connectors` replaces it), the fault delivery settings, no
 * scheduler, no reconciliation, and `extra` merged at the top level.
 */
export async function writeServiceConfig(
  dir: string,
  receiver: Receiver | null,
  extra: Record<string, unknown> = {},
  connectors?: unknown[],
): Promise<string> {
  const path = join(dir, `service-${Date.now().toString(36)}.yaml`);
  const hook = receiver
    ? [
        {
          kind: 'webhook',
          name: HOOK,
          url: receiver.url,
          secrets: [SECRET_ENV],
          timeoutMs: HTTP_ANSWER_MS,
        },
      ]
    : [];
  await writeFile(
    path,
    JSON.stringify({
      jobs: { enabled: false },
      core: {
        connectors: connectors ?? hook,
        delivery: FAULT_DELIVERY,
        reconcile: { enabled: false },
      },
      ...extra,
    }),
  );
  return path;
}

/** The environment of a service process on the test's database with `configFile`. */
export function serviceEnv(
  context: TestContext,
  configFile: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ...context.databaseEnv,
    SECRET_KEY: context.services.config.secretKey ?? '',
    // The audit checkpoints (and their key) of this test's database, not ./data's.
    DATA_DIR: context.services.config.dataDir,
    CONFIG_FILE: configFile,
    [SECRET_ENV]: SECRET,
    ...extra,
  };
}

/** The fault itself: SIGKILL to the service's pid (no shutdown code runs), then its exit. */
export async function killHard(service: ServiceProcess): Promise<void> {
  process.kill(service.pid, 'SIGKILL');
  await service.stop(0);
}

/** Starts a service process and keeps it in `started` (for afterAll to stop by pid). */
export async function startService(
  env: Record<string, string>,
  started: ServiceProcess[],
): Promise<ServiceProcess> {
  const service = await startServiceProcess(env);
  started.push(service);
  return service;
}

/** A client of the service process `baseUrl`, signed in (through the test's app) with `role`. */
export async function signedInOn(
  context: TestContext,
  baseUrl: string,
  role: Role,
): Promise<ApiClient> {
  const { api } = await signedIn(context, role);
  const client = new ApiClient(baseUrl);
  client.setCookie(SESSION_COOKIE, api.cookie(SESSION_COOKIE) ?? '');
  client.csrfToken = api.csrfToken;
  return client;
}

/** Outbox rows of the hook connector not delivered yet. */
export async function undelivered(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    'select count(*)::int as n from outbox_event where connector = $1 and delivered_at is null',
    [HOOK],
  );
  return rows[0]?.n ?? 0;
}

/** Waits until every event of the hook connector is recorded as delivered. */
export function drained(pool: pg.Pool, timeoutMs = OUTBOX_BACKLOG_MS): Promise<void> {
  return waitUntil(
    'every core event delivered',
    timeoutMs,
    async () => (await undelivered(pool)) === 0,
  );
}

/** What the receiver saw, checked against the outbox. */
export interface DeliveryFigures {
  /** Outbox events of the hook connector checked. */
  events: number;
  /** Events recorded as delivered that the receiver never acknowledged, or not delivered at all. */
  lost: number;
  /** Deliveries that came after a later event of the same key had already come. */
  reordered: number;
  /** Deliveries of an event seen before (at least once: allowed, counted for the record). */
  repeated: number;
}

const outboxIdOf = (webhookId: string) => BigInt(webhookId.replace(/^evt_/, ''));
const keyOfBody = (body: string) => (JSON.parse(body) as { data: { key: string } }).data.key;

/**
 * Checks the receiver against the database, after {@link drained}: every event of the hook
 * connector was acknowledged by the receiver (2xx) and is recorded delivered (none lost); per
 * key, delivery attempts came in outbox id order (a repeat of the same event is allowed, an
 * earlier event after a later one is a reordering).
 */
export async function deliveryFigures(pool: pg.Pool, receiver: Receiver): Promise<DeliveryFigures> {
  const { rows } = await pool.query<{ id: string; delivered: boolean }>(
    `select id::text, delivered_at is not null and dead_at is null and skipped_at is null as delivered
       from outbox_event where connector = $1 order by id`,
    [HOOK],
  );
  const acknowledged = new Set(
    receiver.received.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.id),
  );
  const lost = rows.filter((row) => !row.delivered || !acknowledged.has(`evt_${row.id}`)).length;
  const latest = new Map<string, bigint>();
  const seen = new Set<string>();
  let reordered = 0;
  let repeated = 0;
  for (const request of receiver.received) {
    const id = outboxIdOf(request.id);
    const key = keyOfBody(request.body);
    const before = latest.get(key);
    if (before !== undefined && id < before) reordered += 1;
    if (before === undefined || id > before) latest.set(key, id);
    if (seen.has(request.id)) repeated += 1;
    seen.add(request.id);
  }
  return { events: rows.length, lost, reordered, repeated };
}

/**
 * People whose last acknowledged event does not say what the database says (the core's final
 * state differs): deactivated people whose last event is not `person.deactivated`, active people
 * whose last is. Only people with at least one event of the hook connector are compared.
 */
export async function finalStateMismatches(pool: pg.Pool, receiver: Receiver): Promise<string[]> {
  const last = new Map<string, string>();
  for (const request of receiver.received) {
    if (request.status < 200 || request.status >= 300) continue;
    const body = JSON.parse(request.body) as { type: string; data: { key: string } };
    if (body.type.startsWith('person.')) last.set(body.data.key, body.type);
  }
  const { rows } = await pool.query<{ id: string; status: string }>(
    'select id::text, status from app_user where id = any($1::uuid[])',
    [[...last.keys()]],
  );
  return rows
    .filter((row) => {
      const type = last.get(row.id);
      const cut = type === 'person.deactivated' || type === 'person.suspended';
      return (row.status === 'deactivated' || row.status === 'suspended') !== cut;
    })
    .map((row) => `${row.id} is ${row.status}, the core last heard ${last.get(row.id)}`);
}

/** The audit chain verifies end to end (the service processes wrote into it too). */
export async function expectAuditIntact(services: Services): Promise<number> {
  const result = await verifyAuditChain(services.pool, { legacyKey: null });
  expect(result.firstProblem).toBeNull();
  expect(result.ok).toBe(true);
  return result.checked;
}

/** One scenario's figures, printed as one line and checked: nothing lost, nothing reordered. */
export interface FaultFigure {
  scenario: string;
  faults: number;
  events: number;
  lost: number;
  reordered: number;
  note?: string;
}

/** Prints `FAULTS <scenario>: faults injected …` (collected into docs/benchmarks.md). */
export function report(figure: FaultFigure): void {
  console.log(
    `FAULTS ${figure.scenario}: faults injected ${figure.faults}, events checked ${figure.events}, lost ${figure.lost}, reordered ${figure.reordered}${figure.note ? ` (${figure.note})` : ''}`,
  );
}

/** A run's status, straight from the database. */
export async function runStatus(pool: pg.Pool, runId: string): Promise<string | null> {
  const { rows } = await pool.query<{ status: string }>(
    'select status from sync_run where id = $1',
    [runId],
  );
  return rows[0]?.status ?? null;
}

/** A run's plan items that change someone: how many, and how many are applied. */
export async function applyProgress(
  pool: pg.Pool,
  runId: string,
): Promise<{ total: number; applied: number }> {
  const { rows } = await pool.query<{ total: number; applied: number }>(
    `select count(*)::int as total, count(sync_item_outcome(p))::int as applied from sync_plan_item p
      where run_id = $1 and action in ('create', 'update', 'deactivate', 'suspend', 'reactivate')`,
    [runId],
  );
  return { total: rows[0]?.total ?? 0, applied: rows[0]?.applied ?? 0 };
}
