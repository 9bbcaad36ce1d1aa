import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainRuns } from '../../server/sources/runs.ts';
import type { RunView } from '../../server/sources/schemas.ts';
import type { ApiClient } from '../support/api.ts';
import { createDeviceSession, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { type SambaDc, sambaAvailable, startSambaDc } from '../support/samba.ts';
import { addOu, addPeople, deleteEntry, setDisabled, setExpiry } from '../support/sambaPeople.ts';
import { addSambaSource, type PersonRow, peopleOf, planOf, sync } from './support.ts';

/** The whole engine (real LDAP reader → plan → apply) against a real Samba AD DC. */

const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_TEST_SYNC_AD_PASSWORD';
const SOURCE = 'samba-ad';
const META = 'Отдел (R&D) *север* \\ )(|(cn=*';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

describe.skipIf(!sambaAvailable)('directory sync against Samba AD', () => {
  let dc: SambaDc;
  let context: TestContext;
  let api: ApiClient;
  let dns: string[];
  const byLogin = async () =>
    new Map((await peopleOf(context.services, SOURCE)).map((p) => [p.username, p] as const));

  beforeAll(async () => {
    dc = await startSambaDc();
    process.env[PASSWORD_ENV] = dc.adminPassword;
    const staff = await addOu(dc, 'Staff');
    dns = await addPeople(dc, [
      {
        name: 'ivanov',
        parent: staff,
        givenName: 'Иван',
        sn: 'Иванов',
        mail: 'ivanov@corp.example.test',
        department: 'Бухгалтерия',
        employeeID: 'E-1',
        telephoneNumber: '+7 495 123-45-67',
      },
      {
        name: 'petrova',
        parent: staff,
        givenName: 'Мария',
        sn: 'Петрова',
        department: META,
        title: 'Инженер',
      },
      {
        name: 'sidorov',
        parent: staff,
        givenName: 'Олег',
        sn: 'Сидоров',
        department: 'Бухгалтерия',
      },
      { name: 'kuznetsov', parent: staff, givenName: 'Пётр', sn: 'Кузнецов' },
      { name: 'gone', parent: staff, sn: 'Уволенный', disabled: true },
    ]);
    context = await startTestContext({ jobs: { enabled: false } });
    ({ api } = await signedIn(context, 'superadmin'));
    await addSambaSource(api, dc, {
      id: SOURCE,
      name: 'Samba AD',
      passwordEnv: PASSWORD_ENV,
      baseDn: staff,
    });
  });

  afterAll(async () => {
    if (context) {
      await drainRuns(context.services);
      await context.close();
    }
    await dc?.close();
  });

  it('a full sync creates the enabled people with their attributes and organizations', async () => {
    const run = await sync(api, SOURCE, 'full');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.counts).toMatchObject({ read: 5, create: 4, unchanged: 1 });
    const people = await byLogin();
    expect([...people.keys()].sort()).toEqual(['ivanov', 'kuznetsov', 'petrova', 'sidorov']);
    expect(people.get('ivanov')).toMatchObject({
      family_name: 'Иванов',
      given_name: 'Иван',
      email: 'ivanov@corp.example.test',
      phone: '+74951234567',
      employee_number: 'E-1',
      organization: 'Бухгалтерия',
      status: 'active',
      source: 'ad',
    } satisfies Partial<PersonRow>);
    expect(people.get('petrova')?.organization).toBe(META);
    expect(people.get('ivanov')?.external_id).toMatch(GUID);
  });

  it('an incremental sync picks up a rename and a disabled account, and cuts the sessions', async () => {
    const petrova = (await byLogin()).get('petrova');
    await createDeviceSession(context.services, { id: petrova?.id ?? '' } as Parameters<
      typeof createDeviceSession
    >[1]);
    await dc.setAttributes('ivanov', { sn: 'Иванов-Петров', title: 'Главный бухгалтер' });
    await setDisabled(dc, dns[1] ?? '', true);
    const run = await sync(api, SOURCE, 'incremental');
    expect(run.readMode).toBe('incremental');
    expect(run.counts).toMatchObject({ update: 1, deactivate: 1, sessionsRevoked: 1 });
    const plan = await planOf(api, run.id);
    expect(plan.find((l) => l.action === 'update')?.diff).toMatchObject({
      familyName: { from: 'Иванов', to: 'Иванов-Петров' },
      title: { from: null, to: 'Главный бухгалтер' },
    });
    const people = await byLogin();
    expect(people.get('petrova')?.status).toBe('deactivated');
    expect(people.get('ivanov')?.family_name).toBe('Иванов-Петров');
  });

  it('a deleted person is deactivated by the next incremental run (tombstones), the full run agrees', async () => {
    await deleteEntry(dc, dns[3] ?? '');
    // Bound as Administrator here, who may list CN=Deleted Objects (deletionsSamba.test.ts
    // covers a service account with and without the grant).
    const incremental = await sync(api, SOURCE, 'incremental');
    expect(incremental.counts.deactivate).toBe(1);
    expect((await byLogin()).get('kuznetsov')?.status).toBe('deactivated');
    const full = await sync(api, SOURCE, 'full');
    expect(full.counts.deactivate ?? 0).toBe(0);
  });

  it('a filter that suddenly matches nothing deactivates nobody', async () => {
    const patched = await api.request('PATCH', `/api/v1/directory-sources/${SOURCE}`, {
      body: { connection: { userFilter: '(sAMAccountName=nobody-here-*)' } },
    });
    expect(patched.status, patched.text).toBe(200);
    const run = await sync(api, SOURCE, 'full');
    expect(run.counts.read).toBe(0);
    expect(run.safety).toContain('no entries');
    const active = [...(await byLogin()).values()].filter((p) => p.status === 'active');
    expect(active.map((p) => p.username).sort()).toEqual(['ivanov', 'sidorov']);
    await api.request('PATCH', `/api/v1/directory-sources/${SOURCE}`, {
      body: { connection: { userFilter: '(&(objectCategory=person)(objectClass=user))' } },
    });
  });

  it('a DC that is down fails the run and deactivates nobody', async () => {
    await dc.stop();
    try {
      const run: RunView = await sync(api, SOURCE, 'full');
      expect(run.status).toBe('failed');
      expect(run.error).toContain('read failed');
      const active = [...(await byLogin()).values()].filter((p) => p.status === 'active');
      expect(active).toHaveLength(2);
    } finally {
      await dc.start();
    }
  });

  it('an account that expires between two incremental runs is cut by the second, though AD records no change', async () => {
    // AD's "account expires": the instant passing changes nothing in AD (no uSNChanged), so
    // only a search by accountExpires itself finds the account before the next full read.
    const expiry = new Date(Date.now() + 10 * 60_000);
    await setExpiry(dc, dns[2] ?? '', expiry);
    const before = await sync(api, SOURCE, 'incremental');
    expect(before.status, before.error ?? '').toBe('succeeded');
    const sidorov = (await byLogin()).get('sidorov');
    expect(sidorov?.status).toBe('active');
    const device = await createDeviceSession(context.services, {
      id: sidorov?.id ?? '',
    } as Parameters<typeof createDeviceSession>[1]);
    // A minute past the expiry by the service's clock; AD has seen no change of sidorov since.
    context.setNow(new Date(expiry.getTime() + 60_000));
    try {
      const after = await sync(api, SOURCE, 'incremental');
      expect(after.status, after.error ?? '').toBe('succeeded');
      expect(after.counts).toMatchObject({ deactivate: 1, sessionsRevoked: 1 });
      expect((await byLogin()).get('sidorov')?.status).toBe('deactivated');
      const { rows } = await context.services.pool.query(
        'select revoked_at from device_session where id = $1',
        [device.sessionId],
      );
      expect(rows[0]?.revoked_at).not.toBeNull();
    } finally {
      context.setNow(undefined);
    }
  });
});
