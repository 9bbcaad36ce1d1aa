import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChangeWatch, startChangeWatch } from '../../server/sources/changeWatch.ts';
import { createDisabledProbe } from '../../server/sources/ldap/disabledProbe.ts';
import { findSource } from '../../server/sources/registry.ts';
import { drainRuns, lastCursor } from '../../server/sources/runs.ts';
import type { ApiClient } from '../support/api.ts';
import { createDeviceSession, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { type SambaDc, sambaAvailable, startSambaDc } from '../support/samba.ts';
import { addOu, addPeople, setDisabled } from '../support/sambaPeople.ts';
import { WATCH_RUN_MS, waitUntil } from '../support/timeouts.ts';
import { addSambaSource, peopleOf, sync } from './support.ts';

/**
 * The change watch against a real Samba AD DC: an account disabled in AD is cut by a run the
 * watch starts, with no scheduled run and nobody pressing "sync".
 */

const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_TEST_WATCH_AD_PASSWORD';
const SOURCE = 'watched-ad';

describe.skipIf(!sambaAvailable)('the change watch against Samba AD', () => {
  let dc: SambaDc;
  let context: TestContext;
  let api: ApiClient;
  let dns: string[];
  const statusOf = async (login: string) =>
    (await peopleOf(context.services, SOURCE)).find((p) => p.username === login)?.status;

  beforeAll(async () => {
    dc = await startSambaDc();
    process.env[PASSWORD_ENV] = dc.adminPassword;
    const staff = await addOu(dc, 'Staff');
    dns = await addPeople(dc, [
      { name: 'ivanov', parent: staff, givenName: 'Иван', sn: 'Иванов' },
      { name: 'petrova', parent: staff, givenName: 'Мария', sn: 'Петрова' },
      { name: 'sidorov', parent: staff, givenName: 'Олег', sn: 'Сидоров' },
    ]);
    context = await startTestContext({ jobs: { enabled: false } });
    ({ api } = await signedIn(context, 'superadmin'));
    await addSambaSource(api, dc, {
      id: SOURCE,
      name: 'Watched AD',
      passwordEnv: PASSWORD_ENV,
      baseDn: staff,
    });
    const first = await sync(api, SOURCE, 'full');
    expect(first.status, first.error ?? '').toBe('succeeded');
  });

  afterAll(async () => {
    if (context) {
      await drainRuns(context.services);
      await context.close();
    }
    await dc?.close();
  });

  it('the probe tells an account disabled since the cursor from any other change', async () => {
    const source = await findSource(context.services, SOURCE);
    const cursor = await lastCursor(context.services.pool, SOURCE);
    if (!source.connection || !cursor) throw new Error('no connection or cursor');
    const probe = createDisabledProbe(source.connection);
    try {
      expect(await probe.disabledSince(cursor)).toBe(false);
      // A change that is not a disable: no run for it.
      await dc.setAttributes('ivanov', { title: 'Главный бухгалтер' });
      expect(await probe.disabledSince(cursor)).toBe(false);
      await setDisabled(dc, dns[1] ?? '', true);
      expect(await probe.disabledSince(cursor)).toBe(true);
    } finally {
      await probe.close();
    }
    // The next run reads both; the cursor then stands after them.
    const run = await sync(api, SOURCE, 'incremental');
    expect(run.counts).toMatchObject({ update: 1, deactivate: 1 });
    const after = await lastCursor(context.services.pool, SOURCE);
    if (!after) throw new Error('no cursor');
    const again = createDisabledProbe(source.connection);
    try {
      expect(await again.disabledSince(after)).toBe(false);
    } finally {
      await again.close();
    }
  });

  it('cuts an account disabled in AD without anyone running a sync', async () => {
    const sidorov = (await peopleOf(context.services, SOURCE)).find(
      (p) => p.username === 'sidorov',
    );
    const device = await createDeviceSession(context.services, {
      id: sidorov?.id ?? '',
    } as Parameters<typeof createDeviceSession>[1]);
    let watch: ChangeWatch | null = startChangeWatch(context.services, { intervalMs: 200 });
    try {
      await setDisabled(dc, dns[2] ?? '', true);
      await waitUntil('the watch cut the disabled account', WATCH_RUN_MS, async () => {
        return (await statusOf('sidorov')) === 'deactivated';
      });
      await watch.stop();
      watch = null;
      await drainRuns(context.services);
      const { rows } = await context.services.pool.query(
        `select r.mode, r.read_mode, r.requested_by, r.status,
                (select revoked_at from device_session where id = $2) as revoked_at
           from sync_run r where r.source_id = $1 order by r.started_at desc limit 1`,
        [SOURCE, device.sessionId],
      );
      expect(rows[0]).toMatchObject({
        mode: 'incremental',
        read_mode: 'incremental',
        requested_by: 'watch',
        status: 'succeeded',
      });
      expect(rows[0]?.revoked_at).not.toBeNull();
      expect(await statusOf('ivanov')).toBe('active');
    } finally {
      await watch?.stop();
    }
  });
});
