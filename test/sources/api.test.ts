import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainRuns } from '../../server/sources/runs.ts';
import { startSyncScheduler } from '../../server/sources/scheduler.ts';
import type { RunView } from '../../server/sources/schemas.ts';
import { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { SCHEDULER_JOB_MS, SCHEDULER_TEST_MS, waitUntil } from '../support/timeouts.ts';
import { type MemoryDirectory, sourcePerson } from './memoryDirectory.ts';
import { defineSource, memoryDirectories, sync } from './support.ts';

let context: TestContext;
let superadmin: ApiClient;
let directories: Map<string, MemoryDirectory>;
let sourceId: string;
let runId: string;

const CONFIG_SOURCE = {
  id: 'corp-config',
  kind: 'active-directory',
  url: 'ldaps://dc1.corp.example.test',
  bindDn: 'CN=svc,DC=corp',
  bindPasswordEnv: 'DIRECTORY_BIND_PASSWORD_CORP_AD_PASSWORD',
  baseDn: 'DC=corp',
};

beforeAll(async () => {
  context = await startTestContext({
    jobs: { enabled: false },
    directorySources: [CONFIG_SOURCE],
    directorySync: { sources: { 'corp-config': { schedule: { incremental: '*/10 * * * *' } } } },
  });
  directories = memoryDirectories(context.services);
  ({ api: superadmin } = await signedIn(context, 'superadmin'));
  const source = await defineSource(superadmin, directories);
  sourceId = source.id;
  source.directory.put(sourcePerson(), sourcePerson());
  runId = (await sync(superadmin, sourceId)).id;
});

afterAll(async () => {
  await drainRuns(context.services);
  await context.close();
});

/** Each route: no session → 401; a role without the right → 403 and a denied audit event; the right role → success. */
const routes: {
  name: string;
  method: string;
  path: () => string;
  body?: () => unknown;
  denied: 'staff' | 'admin' | 'auditor';
  allowed: 'superadmin' | 'admin' | 'auditor';
  status: number;
  action: string;
}[] = [
  {
    name: 'list sources',
    method: 'GET',
    path: () => '/api/v1/directory-sources',
    denied: 'staff',
    allowed: 'auditor',
    status: 200,
    action: 'directory_source.listed',
  },
  {
    name: 'get a source',
    method: 'GET',
    path: () => `/api/v1/directory-sources/${sourceId}`,
    denied: 'staff',
    allowed: 'admin',
    status: 200,
    action: 'directory_source.viewed',
  },
  {
    name: 'create a source',
    method: 'POST',
    path: () => '/api/v1/directory-sources',
    body: () => ({
      id: `made${Date.now().toString(36)}`,
      name: 'Made',
      connection: {
        kind: 'ldap',
        url: 'ldaps://ldap.example.test',
        bindDn: 'cn=svc',
        bindPasswordEnv: 'DIRECTORY_BIND_PASSWORD_X_PW',
        baseDn: 'dc=example',
      },
    }),
    denied: 'admin',
    allowed: 'superadmin',
    status: 201,
    action: 'directory_source.created',
  },
  {
    name: 'change a source',
    method: 'PATCH',
    path: () => `/api/v1/directory-sources/${sourceId}`,
    body: () => ({ name: 'Renamed' }),
    denied: 'admin',
    allowed: 'superadmin',
    status: 200,
    action: 'directory_source.updated',
  },
  {
    name: 'run a sync',
    method: 'POST',
    path: () => `/api/v1/directory-sources/${sourceId}/sync?wait=true`,
    body: () => ({ mode: 'dry-run' }),
    denied: 'auditor',
    allowed: 'admin',
    status: 202,
    action: 'sync_run.requested',
  },
  {
    name: 'list runs',
    method: 'GET',
    path: () => `/api/v1/sync-runs?sourceId=${sourceId}`,
    denied: 'staff',
    allowed: 'auditor',
    status: 200,
    action: 'sync_run.listed',
  },
  {
    name: 'get a run',
    method: 'GET',
    path: () => `/api/v1/sync-runs/${runId}`,
    denied: 'staff',
    allowed: 'auditor',
    status: 200,
    action: 'sync_run.viewed',
  },
  {
    name: 'read a plan',
    method: 'GET',
    path: () => `/api/v1/sync-runs/${runId}/plan?action=create`,
    denied: 'staff',
    allowed: 'auditor',
    status: 200,
    action: 'sync_run.viewed',
  },
];

describe.each(routes)('$name', (route) => {
  it('401 without a session', async () => {
    const response = await new ApiClient(context.baseUrl).request(route.method, route.path(), {
      body: route.body?.(),
    });
    expect(response.status).toBe(401);
  });

  it(`403 for ${route.denied}, audited as denied`, async () => {
    const { user, api } = await signedIn(context, route.denied);
    const response = await api.request(route.method, route.path(), { body: route.body?.() });
    expect(response.status).toBe(403);
    const { rows } = await context.services.pool.query(
      'select outcome from audit_event where actor_id = $1 and action = $2',
      [user.id, route.action],
    );
    expect(rows).toEqual([{ outcome: 'denied' }]);
  });

  it(`${route.status} for ${route.allowed}`, async () => {
    // The one superadmin: a second one would put source changes under dual control (202).
    const api =
      route.allowed === 'superadmin' ? superadmin : (await signedIn(context, route.allowed)).api;
    const response = await api.request(route.method, route.path(), { body: route.body?.() });
    expect(response.status, response.text).toBe(route.status);
  });
});

describe('sources', () => {
  it('lists config and API sources; config ones are read-only; no password anywhere', async () => {
    const list = await superadmin.request<{
      data: { id: string; origin: string; enabled: boolean; schedule: { incremental: string } }[];
    }>('GET', '/api/v1/directory-sources');
    const config = list.body.data.find((s) => s.id === 'corp-config');
    expect(config).toMatchObject({
      origin: 'config',
      enabled: true,
      schedule: { incremental: '*/10 * * * *' },
    });
    expect(list.body.data.find((s) => s.id === sourceId)?.origin).toBe('api');
    expect(list.text).not.toMatch(/password"\s*:/i);
    const patch = await superadmin.request<{ code: string }>(
      'PATCH',
      '/api/v1/directory-sources/corp-config',
      {
        body: { name: 'x' },
      },
    );
    expect(patch.status).toBe(409);
    expect(patch.body.code).toBe('source_defined_in_config');
    const create = await superadmin.request<{ code: string }>('POST', '/api/v1/directory-sources', {
      body: { id: 'corp-config', name: 'x', connection: { ...CONFIG_SOURCE, id: undefined } },
    });
    expect(create.status).toBe(409);
  });

  it('validates the connection like config sources (plain LDAP only when allowed, no password field)', async () => {
    const plain = await superadmin.request<{ code: string }>('POST', '/api/v1/directory-sources', {
      body: {
        id: 'plain1',
        name: 'Plain',
        connection: {
          kind: 'ldap',
          url: 'ldap://ldap.example.test',
          bindDn: 'cn=a',
          bindPasswordEnv: 'DIRECTORY_BIND_PASSWORD_A',
          baseDn: 'dc=a',
        },
      },
    });
    expect(plain.status).toBe(400);
    const secret = await superadmin.request<{ code: string }>('POST', '/api/v1/directory-sources', {
      body: {
        id: 'secret1',
        name: 'Secret',
        connection: {
          kind: 'ldap',
          url: 'ldaps://l.example.test',
          bindDn: 'cn=a',
          bindPasswordEnv: 'DIRECTORY_BIND_PASSWORD_A',
          baseDn: 'dc=a',
          bindPassword: 'hunter2',
        },
      },
    });
    expect(secret.status).toBe(400);
    expect(secret.body.code).toBe('unknown_field');
  });

  it('records the cursor and continues incremental reads from it', async () => {
    const { id, directory } = await defineSource(superadmin, directories);
    directory.put(sourcePerson(), sourcePerson());
    const first = await sync(superadmin, id, 'incremental');
    expect(first.readMode).toBe('full');
    expect(first.cursorAfter).toEqual({ invocationId: 'inv-1', highestCommittedUsn: '2' });
    directory.put(sourcePerson());
    const second = await sync(superadmin, id, 'incremental');
    expect(second.readMode).toBe('incremental');
    expect(second.cursorBefore).toEqual(first.cursorAfter);
    expect(second.counts).toMatchObject({ read: 1, create: 1 });
    directory.invocationId = 'inv-2';
    const third = await sync(superadmin, id, 'incremental');
    expect(third.readMode).toBe('full');
    expect(third.counts.read).toBe(3);
  });

  it('schedules enabled sources with pg-boss and runs their jobs', {
    timeout: SCHEDULER_TEST_MS,
  }, async () => {
    const scheduler = await startSyncScheduler(context.services);
    try {
      const names = (await scheduler.boss.getSchedules()).map((s) => `${s.name} ${s.cron}`);
      expect(names).toContain(`directory-sync-incremental-${sourceId} */5 * * * *`);
      expect(names).toContain(`directory-sync-full-${sourceId} 30 2 * * *`);
      expect(names).toContain('directory-sync-incremental-corp-config */10 * * * *');
      const before = await superadmin.request<{ total: number }>(
        'GET',
        `/api/v1/sync-runs?sourceId=${sourceId}`,
      );
      await scheduler.boss.send(`directory-sync-incremental-${sourceId}`, {
        sourceId,
        mode: 'incremental',
      });
      let runs: RunView[] = [];
      await waitUntil('the scheduled sync job to run', SCHEDULER_JOB_MS, async () => {
        const list = await superadmin.request<{ data: RunView[]; total: number }>(
          'GET',
          `/api/v1/sync-runs?sourceId=${sourceId}`,
        );
        runs = list.body.data;
        return list.body.total > before.body.total && runs[0]?.status === 'succeeded';
      });
      expect(runs[0]).toMatchObject({
        requestedBy: 'scheduler',
        mode: 'incremental',
        status: 'succeeded',
      });
    } finally {
      await scheduler.stop();
    }
  });
});
