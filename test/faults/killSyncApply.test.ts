import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunView } from '../../server/sources/schemas.ts';
import { type Receiver, startReceiver } from '../core/outboxReceiver.ts';
import type { ServiceProcess } from '../core/serviceProcess.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import {
  ldapPersonDn,
  type OpenLdap,
  personLdif,
  slapdAvailable,
  startOpenLdap,
} from '../support/openldap.ts';
import {
  BULK_TEST_MS,
  DIRECTORY_REQUEST_MS,
  OUTBOX_BACKLOG_MS,
  waitUntil,
} from '../support/timeouts.ts';
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
 * Fault (a): the service process is killed with SIGKILL in the middle of a directory sync's
 * apply (OpenLDAP, 3,000 people, 30 batches of 100), twice: during the creates of the first run
 * and during the deactivations of a later one. A restarted process resumes the interrupted apply
 * where it stopped; the run ends succeeded, everyone is applied once, and the core heard every
 * change in order.
 */

const PEOPLE = 3_000;
const LEAVERS = 600;
const BATCH = 100;
const SOURCE = 'faults-ldap';
const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_FAULTS_SYNC_LDAP_PASSWORD';
const uid = (n: number) => `fault${String(n).padStart(5, '0')}`;

describe.skipIf(!slapdAvailable)('kill -9 during a directory sync apply', () => {
  let ldap: OpenLdap;
  let context: TestContext;
  let receiver: Receiver;
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let env: Record<string, string>;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    const people = Array.from({ length: PEOPLE }, (_, n) =>
      personLdif({
        uid: uid(n),
        sn: `Family${n}`,
        givenName: 'Given',
        mail: `${uid(n)}@corp.example`,
      }),
    );
    ldap = await startOpenLdap({ ldif: people.join('\n') });
    context = await startTestContext({ jobs: { enabled: false } });
    receiver = await startReceiver();
    scratch = await scratchDir();
    const config = await writeServiceConfig(scratch.path, receiver, {
      directorySync: { applyBatchSize: BATCH },
    });
    env = serviceEnv(context, config, { [PASSWORD_ENV]: ldap.rootPassword });
    process.env[PASSWORD_ENV] = ldap.rootPassword;
    const { api } = await signedIn(context, 'superadmin');
    const created = await api.request('POST', '/api/v1/directory-sources', {
      body: {
        id: SOURCE,
        name: SOURCE,
        // Any share may go: only the engine's own guarantees protect the people here.
        thresholds: { minShareOfManaged: 0, maxDeactivationShare: 1, maxDeactivations: 1_000_000 },
        connection: {
          kind: 'ldap',
          url: ldap.url,
          allowPlain: true,
          bindDn: ldap.rootDn,
          bindPasswordEnv: PASSWORD_ENV,
          baseDn: ldap.peopleDn,
          timeoutMs: DIRECTORY_REQUEST_MS,
        },
      },
    });
    expect(created.status, created.text).toBe(201);
  });

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await receiver?.close();
    await context?.close();
    await ldap?.close();
    await scratch?.remove();
  });

  /** Starts a full run on `service`, kills it once `atLeast` items are applied, restarts. */
  async function killMidApply(
    api: ApiClient,
    service: ServiceProcess,
    atLeast: number,
  ): Promise<{ runId: string; atKill: { total: number; applied: number } }> {
    const started = await api.request<RunView>('POST', `/api/v1/directory-sources/${SOURCE}/sync`, {
      body: { mode: 'full' },
    });
    expect(started.status, started.text).toBe(202);
    const runId = started.body.id;
    const pool = context.services.pool;
    await waitUntil('the apply to be under way', OUTBOX_BACKLOG_MS, async () => {
      const status = await runStatus(pool, runId);
      if (status !== 'running' && status !== 'applying')
        throw new Error(`the run ended (${status}) before the kill`);
      return status === 'applying' && (await applyProgress(pool, runId)).applied >= atLeast;
    });
    await killHard(service);
    const atKill = await applyProgress(pool, runId);
    // The fault landed mid-apply: part of the plan applied, the rest not, the run still live.
    expect(atKill.applied).toBeGreaterThan(0);
    expect(atKill.applied).toBeLessThan(atKill.total);
    expect(await runStatus(pool, runId)).toBe('applying');
    return { runId, atKill };
  }

  async function finished(runId: string): Promise<string | null> {
    const pool = context.services.pool;
    await waitUntil('the interrupted run to end', OUTBOX_BACKLOG_MS, async () =>
      ['succeeded', 'failed', 'cancelled'].includes((await runStatus(pool, runId)) ?? ''),
    );
    return runStatus(pool, runId);
  }

  it('resumes the apply after a restart: every person applied once, every core event delivered in order', {
    timeout: BULK_TEST_MS,
  }, async () => {
    const pool = context.services.pool;
    const first = await startService(env, services);
    const firstRun = await killMidApply(
      await signedInOn(context, first.baseUrl, 'admin'),
      first,
      3 * BATCH,
    );

    const second = await startService(env, services);
    expect(await finished(firstRun.runId)).toBe('succeeded');
    expect(await applyProgress(pool, firstRun.runId)).toEqual({
      total: PEOPLE,
      applied: PEOPLE,
    });
    const { rows: created } = await pool.query<{ n: number }>(
      `select count(*)::int as n from app_user where source_id = $1 and status = 'active'`,
      [SOURCE],
    );
    expect(created[0]?.n).toBe(PEOPLE);

    // Leavers: removed from the directory, deactivated by the next full run, killed mid-way.
    await ldap.asRoot(async (client) => {
      for (let n = 0; n < LEAVERS; n += 1) await client.del(ldapPersonDn(uid(n)));
    });
    const secondRun = await killMidApply(
      await signedInOn(context, second.baseUrl, 'admin'),
      second,
      2 * BATCH,
    );
    await startService(env, services);
    expect(await finished(secondRun.runId)).toBe('succeeded');
    expect(await applyProgress(pool, secondRun.runId)).toEqual({
      total: LEAVERS,
      applied: LEAVERS,
    });
    const { rows: statuses } = await pool.query<{ status: string; n: number }>(
      `select status, count(*)::int as n from app_user where source_id = $1 group by status order by status`,
      [SOURCE],
    );
    expect(statuses).toEqual([
      { status: 'active', n: PEOPLE - LEAVERS },
      { status: 'deactivated', n: LEAVERS },
    ]);

    await drained(pool);
    const figures = await deliveryFigures(pool, receiver);
    expect(figures.events).toBe(PEOPLE + LEAVERS);
    expect(await finalStateMismatches(pool, receiver)).toEqual([]);
    await expectAuditIntact(context.services);
    report({
      scenario: 'kill -9 during a directory sync apply',
      faults: 2,
      events: figures.events,
      lost: figures.lost,
      reordered: figures.reordered,
      note: `killed at ${firstRun.atKill.applied}/${firstRun.atKill.total} and ${secondRun.atKill.applied}/${secondRun.atKill.total} items applied; ${figures.repeated} repeated deliveries`,
    });
    expect(figures.lost).toBe(0);
    expect(figures.reordered).toBe(0);
  });
});
