import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS_SCHEMA } from '../../server/db/roles.ts';
import { SESSION_COOKIE } from '../../server/identity/backofficeSession.ts';
import { EXPIRY_QUEUE } from '../../server/identity/elevation/expiryJob.ts';
import type { ServiceProcess } from '../core/serviceProcess.ts';
import { ApiClient } from '../support/api.ts';
import { createPerson, signedIn, signIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { SCHEDULER_JOB_MS, SERVICE_PROCESS_TEST_MS, waitUntil } from '../support/timeouts.ts';
import {
  expectAuditIntact,
  scratchDir,
  serviceEnv,
  startService,
  writeServiceConfig,
} from './support.ts';

/**
 * Issue 18, "elevation expires on time across a service restart": a time-bound role is in force
 * on a real service process; the process stops, the expiry passes while nothing runs, and two
 * processes start over the same database. The first request has no rights (the clock decides,
 * whatever the job did); the expiry job, started by both, ends and audits the grant exactly once
 * and ends the back-office session that depended only on it.
 */

/**
 * How long the grant lasts from its creation: long enough for one request to a running process
 * (milliseconds when quiet), and a wait the test makes on purpose after the stop, not a
 * measurement.
 */
const GRANT_MS = 15_000;

describe('an elevation across a restart', () => {
  let context: TestContext;
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let env: Record<string, string>;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    context = await startTestContext({ jobs: { enabled: false } });
    scratch = await scratchDir();
    // The processes run the scheduler (pg-boss), and with it the expiry job.
    env = serviceEnv(
      context,
      await writeServiceConfig(scratch.path, null, { jobs: { enabled: true } }),
    );
  });

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await context?.close();
    await scratch?.remove();
  });

  const completedExpiryJobs = async () => {
    const { rows } = await context.services.pool.query<{ n: number }>(
      `select count(*)::int as n from ${JOBS_SCHEMA}.job where name = $1 and state = 'completed'`,
      [EXPIRY_QUEUE],
    );
    return rows[0]?.n ?? 0;
  };

  it('gives no rights after the restart, and is tidied and audited once by two processes', {
    timeout: SERVICE_PROCESS_TEST_MS,
  }, async () => {
    const pool = context.services.pool;
    const first = await startService(env, services);
    const superadmin = await signedIn(context, 'superadmin');
    const helper = await createPerson(context.services);
    const expiresAt = new Date(Date.now() + GRANT_MS);
    const granted = await superadmin.api.post<{ id: string }>(`/api/v1/users/${helper.id}/grants`, {
      role: 'admin',
      expiresAt: expiresAt.toISOString(),
      reason: 'Ночное дежурство',
    });
    expect(granted.status).toBe(201);
    const on = (baseUrl: string, from: ApiClient) => {
      const client = new ApiClient(baseUrl);
      client.setCookie(SESSION_COOKIE, from.cookie(SESSION_COOKIE) ?? '');
      client.csrfToken = from.csrfToken;
      return client;
    };
    const session = await signIn(context, helper);
    const before = await on(first.baseUrl, session).get('/api/v1/me');
    expect(before.status, before.text).toBe(200);

    await first.stop();
    const jobsBefore = await completedExpiryJobs();
    // The expiry passes while no process runs (a wait on purpose).
    await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() - Date.now() + 1000));
    const { rows: open } = await pool.query(
      'select 1 from role_grant where id = $1 and ended_at is null',
      [granted.body.id],
    );
    expect(open).toHaveLength(1);

    const [second, third] = await Promise.all([
      startService(env, services),
      startService(env, services),
    ]);
    if (!second || !third) throw new Error('the service processes did not start');
    const after = await on(second.baseUrl, session).get('/api/v1/me');
    expect(after.status).toBe(401);
    expect((await on(third.baseUrl, session).get('/api/v1/me')).status).toBe(401);

    // Both processes queued a pass at start; wait until both passes are done.
    await waitUntil('both startup passes of the expiry job', SCHEDULER_JOB_MS, async () => {
      return (await completedExpiryJobs()) >= jobsBefore + 2;
    });
    const { rows: events } = await pool.query<{ actor_id: string | null; grant_id: string }>(
      `select actor_id, details->>'grantId' as grant_id from audit_event
        where action = 'user.role_grant_expired' and target_id = $1`,
      [helper.id],
    );
    expect(events).toEqual([{ actor_id: null, grant_id: granted.body.id }]);
    const { rows: grant } = await pool.query<{ end_reason: string | null }>(
      'select end_reason from role_grant where id = $1',
      [granted.body.id],
    );
    expect(grant[0]?.end_reason).toBe('expired');
    const { rows: sessions } = await pool.query<{ revoked: boolean }>(
      'select revoked_at is not null as revoked from backoffice_session where user_id = $1',
      [helper.id],
    );
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.every((row) => row.revoked)).toBe(true);
    await expectAuditIntact(context.services);
  });
});
