import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BulkJobView } from '../../server/identity/bulkJobs/schemas.ts';
import type { ServiceProcess } from '../core/serviceProcess.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { BULK_JOB_MS, BULK_TEST_MS, waitUntil } from '../support/timeouts.ts';
import {
  expectAuditIntact,
  killHard,
  scratchDir,
  serviceEnv,
  signedInOn,
  startService,
  writeServiceConfig,
} from './support.ts';

/**
 * Issue 16: a bulk job survives a service restart. A real service process runs a deactivation of
 * 5,000 people (chunks of 500) and is killed with SIGKILL in the middle; the next process, at its
 * start, takes the job over and goes on from the last committed chunk: the job ends done with
 * every person deactivated exactly once (one audit event each), and the audit chain is intact.
 */

const PEOPLE = 5_000;

describe('kill -9 during a bulk job', () => {
  let context: TestContext;
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let env: Record<string, string>;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    context = await startTestContext({ jobs: { enabled: false } });
    scratch = await scratchDir();
    env = serviceEnv(context, await writeServiceConfig(scratch.path, null));
  });

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await context?.close();
    await scratch?.remove();
  });

  it('resumes after the last committed chunk in the next process, nobody twice', {
    timeout: BULK_TEST_MS,
  }, async () => {
    const pool = context.services.pool;
    const org = randomUUID();
    await pool.query(
      `insert into organization (id, name, kind) values ($1, 'Филиал', 'department')`,
      [org],
    );
    await pool.query(
      `insert into app_user (id, username, family_name, given_name, display_name, organization_id,
                             status, source)
       select gen_random_uuid(), 'kill' || i, 'Сбоев' || i, 'Пётр', 'Пётр Сбоев' || i, $1,
              'active', 'manual'
         from generate_series(1, $2::int) as i`,
      [org, PEOPLE],
    );
    const first = await startService(env, services);
    const admin = await signedInOn(context, first.baseUrl, 'admin');
    const started = await admin.post<BulkJobView>('/api/v1/bulk-jobs', {
      verb: 'deactivate',
      filter: { organizationId: org },
      reason: 'Сбой посреди задания',
    });
    expect(started.status, started.text).toBe(202);
    const id = started.body.id;
    const progress = async () => {
      const { rows } = await pool.query<{ status: string; processed: number }>(
        'select status, processed from bulk_job where id = $1',
        [id],
      );
      return rows[0] ?? { status: 'missing', processed: 0 };
    };
    await waitUntil('the job to be under way', BULK_JOB_MS, async () => {
      const seen = await progress();
      if (seen.status !== 'running')
        throw new Error(`the job ended (${seen.status}) before the kill`);
      return seen.processed >= 1_000;
    });
    await killHard(first);
    const atKill = await progress();
    expect(atKill.status).toBe('running');
    expect(atKill.processed).toBeLessThan(PEOPLE);
    // The killed process held the job for two minutes more; the clock passing is stood in for
    // by moving its lease back, which is all a later start looks at.
    await pool.query(
      `update bulk_job set locked_until = now() - interval '1 second' where id = $1`,
      [id],
    );

    await startService(env, services);
    await waitUntil(
      'the job to end',
      BULK_JOB_MS,
      async () => (await progress()).status !== 'running',
    );
    const { rows } = await pool.query<
      Pick<BulkJobView, 'status' | 'total' | 'processed' | 'ok' | 'skipped' | 'failed'>
    >('select status, total, processed, ok, skipped, failed from bulk_job where id = $1', [id]);
    expect(rows[0]).toEqual({
      status: 'done',
      total: PEOPLE,
      processed: PEOPLE,
      ok: PEOPLE,
      skipped: 0,
      failed: 0,
    });
    const counted = await pool.query<{ events: number; people: number; deactivated: number }>(
      `select (select count(*)::int from audit_event
                where action = 'user.deactivated' and details->>'jobId' = $1) as events,
              (select count(distinct target_id)::int from audit_event
                where action = 'user.deactivated' and details->>'jobId' = $1) as people,
              (select count(*)::int from app_user
                where organization_id = $2 and status = 'deactivated') as deactivated`,
      [id, org],
    );
    expect(counted.rows[0]).toEqual({ events: PEOPLE, people: PEOPLE, deactivated: PEOPLE });
    await expectAuditIntact(context.services);
  });
});
