import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainRuns } from '../../server/sources/runs.ts';
import type { RunView } from '../../server/sources/schemas.ts';
import { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import type { TestContext } from '../support/harness.ts';
import { MemoryDirectory, sourcePerson } from './memoryDirectory.ts';
import { closeEngineSuite, defineSource, peopleOf, startEngineSuite, sync } from './support.ts';

/**
 * DELETE /api/v1/directory-sources/:id (issue 13): superadmin only; config sources, enabled
 * sources and sources with a live run are refused with stable codes; a deletion releases the
 * source's people to manual management (status and history kept), cancels runs waiting for an
 * approval, removes the sealed password, and keeps runs and audit readable.
 */

const CONFIG_SOURCE = {
  id: 'corp-config-del',
  kind: 'active-directory',
  url: 'ldaps://dc1.corp.example.test',
  bindDn: 'CN=svc,DC=corp',
  bindPasswordEnv: 'DIRECTORY_BIND_PASSWORD_CORP_DEL',
  baseDn: 'DC=corp',
};
const PASSWORD = 'Stored-bind-Passw0rd-to-forget';

let context: TestContext;
let superadmin: ApiClient;
let directories: Map<string, MemoryDirectory>;

const remove = (id: string) => superadmin.request('DELETE', `/api/v1/directory-sources/${id}`);
const disable = async (id: string) => {
  const response = await superadmin.request('PATCH', `/api/v1/directory-sources/${id}`, {
    body: { enabled: false },
  });
  expect(response.status, response.text).toBe(200);
};
const codeOf = (response: { body: unknown }) => (response.body as { code?: string }).code;

beforeAll(async () => {
  ({
    context,
    directories,
    api: superadmin,
  } = await startEngineSuite({ directorySources: [CONFIG_SOURCE] }));
});

afterAll(() => closeEngineSuite(context));

describe('DELETE /directory-sources/:id', () => {
  it('401 without a session; 403 for admin, staff and auditor, audited as denied', async () => {
    const { id } = await defineSource(superadmin, directories, { enabled: false });
    const anonymous = await new ApiClient(context.baseUrl).request(
      'DELETE',
      `/api/v1/directory-sources/${id}`,
    );
    expect(anonymous.status).toBe(401);
    for (const role of ['admin', 'staff', 'auditor'] as const) {
      const { user, api } = await signedIn(context, role);
      const response = await api.request('DELETE', `/api/v1/directory-sources/${id}`);
      expect(response.status, role).toBe(403);
      const { rows } = await context.services.pool.query(
        `select outcome from audit_event where actor_id = $1 and action = 'directory_source.deleted'`,
        [user.id],
      );
      expect(rows, role).toEqual([{ outcome: 'denied' }]);
    }
    expect((await superadmin.request('GET', `/api/v1/directory-sources/${id}`)).status).toBe(200);
  });

  it('404 for an unknown source; 409 source_defined_in_config for a config source', async () => {
    expect((await remove('no-such-source')).status).toBe(404);
    const config = await remove(CONFIG_SOURCE.id);
    expect(config.status).toBe(409);
    expect(codeOf(config)).toBe('source_defined_in_config');
  });

  it('409 source_enabled while the source is enabled; nobody is released', async () => {
    const { id, directory } = await defineSource(superadmin, directories);
    directory.put(sourcePerson(), sourcePerson());
    expect((await sync(superadmin, id)).status).toBe('succeeded');
    const refused = await remove(id);
    expect(refused.status).toBe(409);
    expect(codeOf(refused)).toBe('source_enabled');
    expect(await peopleOf(context.services, id)).toHaveLength(2);
  });

  it('409 sync_already_running while a run of the source is live', async () => {
    const { id, directory } = await defineSource(superadmin, directories, { enabled: false });
    directory.put(sourcePerson());
    let open = () => {};
    directory.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const started = await superadmin.request<RunView>(
      'POST',
      `/api/v1/directory-sources/${id}/sync`,
      { body: { mode: 'full' } },
    );
    expect(started.status, started.text).toBe(202);
    try {
      const refused = await remove(id);
      expect(refused.status).toBe(409);
      expect(codeOf(refused)).toBe('sync_already_running');
    } finally {
      directory.gate = null;
      open();
      await drainRuns(context.services);
    }
    // The run ended: now it goes.
    expect((await remove(id)).status).toBe(200);
  });

  it('releases the people to manual management, cancels a held run, forgets the password, keeps runs and audit', async () => {
    const id = `del${Date.now().toString(36)}`;
    const created = await superadmin.request('POST', '/api/v1/directory-sources', {
      body: {
        id,
        name: 'AD to delete',
        connection: {
          kind: 'active-directory',
          url: 'ldaps://dc.corp.example.test',
          bindDn: 'CN=svc-sync,CN=Users,DC=corp,DC=example,DC=test',
          baseDn: 'DC=corp,DC=example,DC=test',
        },
        bindPassword: PASSWORD,
        // One deactivation at most without an approval.
        thresholds: { minShareOfManaged: 0, maxDeactivationShare: 1, maxDeactivations: 1 },
      },
    });
    expect(created.status, created.text).toBe(201);
    const directory = new MemoryDirectory();
    directories.set(id, directory);
    const people = [sourcePerson(), sourcePerson(), sourcePerson(), sourcePerson()];
    directory.put(...people);
    const first = await sync(superadmin, id);
    expect(first.counts).toMatchObject({ create: 4 });
    // One leaves (deactivated by the source), then two more: that run waits for an approval.
    directory.remove(people[0]?.externalId ?? '');
    expect((await sync(superadmin, id)).counts).toMatchObject({ deactivate: 1 });
    directory.remove(people[1]?.externalId ?? '', people[2]?.externalId ?? '');
    const held = await sync(superadmin, id);
    expect(held.status).toBe('awaiting_approval');
    const before = await peopleOf(context.services, id);
    expect(before.map((p) => p.status).sort()).toEqual([
      'active',
      'active',
      'active',
      'deactivated',
    ]);
    const { rows: sealed } = await context.services.pool.query<{ sealed: string }>(
      'select bind_password_sealed as sealed from directory_source where id = $1',
      [id],
    );
    expect(sealed[0]?.sealed).toBeTruthy();

    await disable(id);
    const deleted = await remove(id);
    expect(deleted.status, deleted.text).toBe(200);
    expect(deleted.body).toEqual({
      id,
      name: 'AD to delete',
      releasedPeople: 4,
      cancelledRuns: [held.id],
    });

    // The source is gone, with its sealed password and cursor.
    expect((await superadmin.request('GET', `/api/v1/directory-sources/${id}`)).status).toBe(404);
    const { rows: left } = await context.services.pool.query(
      'select 1 from directory_source where id = $1',
      [id],
    );
    expect(left).toEqual([]);

    // The people: same ids and statuses, no source link, editable by hand.
    expect(await peopleOf(context.services, id)).toEqual([]);
    const { rows: after } = await context.services.pool.query<{
      id: string;
      status: string;
      source: string;
      source_id: string | null;
      external_id: string | null;
      login_method: string;
    }>(
      'select id, status, source, source_id, external_id, login_method from app_user where id = any($1) order by id',
      [before.map((p) => p.id)],
    );
    const statusBefore = new Map(before.map((p) => [p.id, p.status]));
    expect(after).toHaveLength(4);
    for (const person of after)
      expect(person).toMatchObject({
        status: statusBefore.get(person.id),
        source: 'manual',
        source_id: null,
        external_id: null,
        login_method: 'ldap',
      });
    const target = after.find((p) => p.status === 'active')?.id ?? '';
    const { api: admin } = await signedIn(context, 'admin');
    const card = await admin.request<{ version: number }>('GET', `/api/v1/users/${target}`);
    const edited = await admin.request('PATCH', `/api/v1/users/${target}`, {
      body: { familyName: 'Изменена вручную', version: card.body.version },
    });
    expect(edited.status, edited.text).toBe(200);

    // The held run is cancelled (nobody it planned to deactivate was); runs stay readable.
    const run = await superadmin.request<RunView>('GET', `/api/v1/sync-runs/${held.id}`);
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({
      status: 'cancelled',
      sourceId: id,
      error: 'the source was deleted',
    });
    const runs = await superadmin.request<{ total: number }>(
      'GET',
      `/api/v1/sync-runs?sourceId=${id}`,
    );
    expect(runs.body.total).toBe(3);
    const plan = await superadmin.request('GET', `/api/v1/sync-runs/${first.id}/plan`);
    expect(plan.status).toBe(200);

    // Audit: the deletion with its counts; one release per person beside their earlier history.
    const { rows: events } = await context.services.pool.query<{
      action: string;
      target_id: string;
      details: Record<string, unknown> | null;
      diff: Record<string, Record<string, unknown>> | null;
      row: string;
    }>(
      `select action, target_id, details, diff, a.*::text as row from audit_event a
        where (target_id = $1 and action = 'directory_source.deleted' and outcome = 'success')
           or (target_id = any($2) and action in ('user.created', 'user.updated'))
        order by seq`,
      [id, before.map((p) => p.id)],
    );
    const deletion = events.find((e) => e.action === 'directory_source.deleted');
    expect(deletion?.details).toMatchObject({
      releasedPeople: 4,
      cancelledRuns: [held.id],
      bindPasswordChange: 'cleared',
    });
    expect(deletion?.diff?.before).toMatchObject({ id, name: 'AD to delete', enabled: false });
    const releases = events.filter(
      (e) => e.action === 'user.updated' && e.details?.sourceId === id && e.diff?.after,
    );
    expect(releases.filter((e) => e.diff?.after?.sourceId === null)).toHaveLength(4);
    expect(releases[0]?.diff).toMatchObject({
      before: { source: 'ad', sourceId: id },
      after: { source: 'manual', sourceId: null, externalId: null },
    });
    expect(events.filter((e) => e.action === 'user.created')).toHaveLength(4);
    for (const event of events) expect(event.row).not.toContain(PASSWORD);
    expect(deletion?.row).not.toContain(sealed[0]?.sealed ?? '');
  });
});
