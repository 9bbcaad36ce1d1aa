import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunView } from '../../server/sources/schemas.ts';
import { type Receiver, startReceiver } from '../core/outboxReceiver.ts';
import type { ServiceProcess } from '../core/serviceProcess.ts';
import { upload } from '../hr/importSupport.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { BULK_TEST_MS, OUTBOX_BACKLOG_MS, waitUntil } from '../support/timeouts.ts';
import {
  applyProgress,
  deliveryFigures,
  drained,
  expectAuditIntact,
  finalStateMismatches,
  killHard,
  report,
  runStatus,
  scratchDir,
  serviceEnv,
  signedInOn,
  startService,
  writeServiceConfig,
} from './support.ts';

/**
 * Fault (b): the service process is killed with SIGKILL in the middle of an HR import's apply
 * (2,000 rows, batches of 100). An import is applied entirely or not at all: the restarted
 * process resumes the apply, the import ends succeeded with every row applied exactly once, and
 * the core heard of every new person, in order.
 */

const ROWS = 2_000;
const BATCH = 100;
const number = (n: number) => String(70_000 + n);

function staffFile(): Uint8Array {
  const lines = ['Табельный номер;Логин;Фамилия;Имя;E-mail'];
  for (let n = 0; n < ROWS; n += 1)
    lines.push(`${number(n)};imp${number(n)};Фамилия${n};Имя;imp${number(n)}@corp.example`);
  return new TextEncoder().encode(`${lines.join('\n')}\n`);
}

describe('kill -9 during an HR import apply', () => {
  let context: TestContext;
  let receiver: Receiver;
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let env: Record<string, string>;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    context = await startTestContext({ jobs: { enabled: false } });
    receiver = await startReceiver();
    scratch = await scratchDir();
    const config = await writeServiceConfig(scratch.path, receiver, {
      directorySync: { applyBatchSize: BATCH },
    });
    env = serviceEnv(context, config);
  });

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await receiver?.close();
    await context?.close();
    await scratch?.remove();
  });

  it('is applied entirely after a restart, never half', { timeout: BULK_TEST_MS }, async () => {
    const pool = context.services.pool;
    const first = await startService(env, services);
    const admin = await signedInOn(context, first.baseUrl, 'admin');
    const preview = await upload<RunView>(admin, {
      file: staffFile(),
      fileName: 'staff.csv',
      fields: { scope: 'partial' },
    });
    expect(preview.status, preview.text).toBe(201);
    expect(preview.body.status).toBe('planned');
    expect(preview.body.counts.create).toBe(ROWS);
    const runId = preview.body.id;
    const applying = await admin.post<RunView>(`/api/v1/imports/${runId}/apply`);
    expect(applying.status, applying.text).toBe(202);
    await waitUntil('the import apply to be under way', OUTBOX_BACKLOG_MS, async () => {
      const status = await runStatus(pool, runId);
      if (status !== 'running' && status !== 'applying')
        throw new Error(`the import ended (${status}) before the kill`);
      return status === 'applying' && (await applyProgress(pool, runId)).applied >= 3 * BATCH;
    });
    await killHard(first);
    const atKill = await applyProgress(pool, runId);
    expect(atKill.applied).toBeGreaterThan(0);
    expect(atKill.applied).toBeLessThan(ROWS);

    await startService(env, services);
    await waitUntil('the import to end', OUTBOX_BACKLOG_MS, async () =>
      ['succeeded', 'failed', 'cancelled'].includes((await runStatus(pool, runId)) ?? ''),
    );
    expect(await runStatus(pool, runId)).toBe('succeeded');
    expect(await applyProgress(pool, runId)).toEqual({ total: ROWS, applied: ROWS });
    // Every row of the file, once: no half-applied import, no row applied twice.
    const { rows } = await pool.query<{ people: number; numbers: number }>(
      `select count(*)::int as people, count(distinct employee_number)::int as numbers
         from app_user where employee_number between $1 and $2`,
      [number(0), number(ROWS - 1)],
    );
    expect(rows[0]).toEqual({ people: ROWS, numbers: ROWS });

    await drained(pool);
    const figures = await deliveryFigures(pool, receiver);
    expect(figures.events).toBe(ROWS);
    expect(await finalStateMismatches(pool, receiver)).toEqual([]);
    await expectAuditIntact(context.services);
    report({
      scenario: 'kill -9 during an HR import apply',
      faults: 1,
      events: figures.events,
      lost: figures.lost,
      reordered: figures.reordered,
      note: `killed at ${atKill.applied}/${atKill.total} rows applied; ${figures.repeated} repeated deliveries`,
    });
    expect(figures.lost).toBe(0);
    expect(figures.reordered).toBe(0);
  });
});
