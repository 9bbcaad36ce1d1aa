import { Attribute, Change } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChangeWatch, startChangeWatch } from '../../server/sources/changeWatch.ts';
import { createAccountProbe } from '../../server/sources/ldap/accountProbe.ts';
import { findSource } from '../../server/sources/registry.ts';
import { drainRuns, lastCursor } from '../../server/sources/runs.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { type SambaDc, sambaAvailable, startSambaDc } from '../support/samba.ts';
import {
  addGroupWithMembers,
  addOu,
  addPeople,
  changeGroupMembers,
  guidFromLdb,
} from '../support/sambaPeople.ts';
import { addSambaSource, peopleOf, sync } from './support.ts';
import {
  expectCutByWatch,
  lookedTwice,
  personStatus,
  probeAtCursor,
  probed,
  untilStatus,
} from './watchSupport.ts';

/**
 * A source whose user filter requires an access group («Доступ к мессенджеру»), the usual way an
 * AD-centred company grants an application: removing someone from the group takes them out.
 * AD changes the group, not the person (memberOf is a back link), so an incremental run that
 * only searches the people changed since its cursor would never see them go: a change of the
 * group makes the run enumerate the ids in scope, and the change watch cut those no longer in
 * the group's member values.
 */

const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_TEST_ACCESS_GROUP';
const PLAIN_PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_TEST_ACCESS_GROUP_PLAIN';
const SOURCE = 'ad-access-group';

describe.skipIf(!sambaAvailable)('a user filter that requires an access group (Samba AD)', () => {
  let dc: SambaDc;
  let context: TestContext;
  let api: ApiClient;
  let dns: string[];
  let group: string;
  const statusOf = (login: string) => personStatus(context, SOURCE, login);

  beforeAll(async () => {
    dc = await startSambaDc();
    process.env[PASSWORD_ENV] = dc.adminPassword;
    const staff = await addOu(dc, 'Staff');
    dns = await addPeople(dc, [
      { name: 'ivanov', parent: staff, givenName: 'Иван', sn: 'Иванов' },
      { name: 'petrova', parent: staff, givenName: 'Мария', sn: 'Петрова' },
      { name: 'sidorov', parent: staff, givenName: 'Олег', sn: 'Сидоров' },
      { name: 'gostev', parent: staff, givenName: 'Гость', sn: 'Гостев' },
      { name: 'novikov', parent: staff, givenName: 'Пётр', sn: 'Новиков' },
      { name: 'uvolen', parent: staff, givenName: 'Давно', sn: 'Уволен', disabled: true },
    ]);
    // A disabled account in the group all along: never created, recorded as such.
    group = await addGroupWithMembers(dc, 'Доступ к мессенджеру', [
      ...dns.slice(0, 3),
      dns[5] ?? '',
    ]);
    context = await startTestContext({ jobs: { enabled: false } });
    ({ api } = await signedIn(context, 'superadmin'));
    await addSambaSource(api, dc, {
      id: SOURCE,
      name: 'AD, access group',
      passwordEnv: PASSWORD_ENV,
      baseDn: staff,
      connection: {
        userFilter: `(&(objectCategory=person)(objectClass=user)(memberOf=${group}))`,
      },
      thresholds: { minShareOfManaged: 0.5, maxDeactivationShare: 0.5, maxDeactivations: 50 },
    });
    const first = await sync(api, SOURCE, 'full');
    expect(first.status, first.error ?? '').toBe('succeeded');
    expect(first.counts).toMatchObject({ create: 3 });
  });

  afterAll(async () => {
    if (context) {
      await drainRuns(context.services);
      await context.close();
    }
    await dc?.close();
  });

  it('an incremental run deactivates someone removed from the access group', async () => {
    // No group changed: the usual search of what changed since the cursor.
    await dc.setAttributes('ivanov', { title: 'Инженер' });
    const quiet = await sync(api, SOURCE, 'incremental');
    expect(quiet.counts).toMatchObject({ update: 1, deactivate: 0 });
    expect(quiet.details.deletionDetection).toMatchObject({ method: 'tombstones' });
    await changeGroupMembers(dc, group, 'delete', [dns[1] ?? '']);
    const run = await sync(api, SOURCE, 'incremental');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.counts).toMatchObject({ deactivate: 1 });
    expect(run.details.deletionDetection).toMatchObject({
      method: 'enumeration',
      message: expect.stringMatching(/a group the user filter names changed/),
    });
    expect(await statusOf('petrova')).toBe('deactivated');
    expect(await statusOf('ivanov')).toBe('active');
  });

  it('the probe tells a change of the access group from other changes', async () => {
    const { probe, cursor } = await probeAtCursor(context, SOURCE);
    try {
      await dc.setAttributes('ivanov', { title: 'Старший инженер' });
      expect((await probed(probe.changedSince(cursor, new Date()))).filterGroupChanged).toBe(false);
      await changeGroupMembers(dc, group, 'add', [dns[3] ?? '']);
      const asked = probe.changedSince(cursor, new Date());
      const found = await probed(asked);
      expect(found.filterGroupChanged).toBe(true);
      // The filter requires the group directly: on the first look its member values say who is
      // in it now (the disabled account too: the watch's run reads it, the plan leaves it out).
      const people = await peopleOf(context.services, SOURCE);
      const idOf = (login: string) => people.find((p) => p.username === login)?.external_id;
      expect(found.filterMembers).toEqual(
        new Set([
          idOf('ivanov'),
          idOf('sidorov'),
          await guidFromLdb(dc, 'gostev'),
          await guidFromLdb(dc, 'uvolen'),
        ]),
      );
      expect(found.filterChanges).toBeNull();
      (await asked).seen();
      // Then, by DirSync, only who was removed and who added since the look acted on.
      await changeGroupMembers(dc, group, 'add', [dns[4] ?? '']);
      await changeGroupMembers(dc, group, 'delete', [dns[3] ?? '']);
      const next = await probed(probe.changedSince(cursor, new Date()));
      expect(next).toMatchObject({ filterGroupChanged: true, filterMembers: null });
      expect(next.filterChanges).toEqual({
        left: [await guidFromLdb(dc, 'gostev')],
        joined: [await guidFromLdb(dc, 'novikov')],
      });
      // Found again until acted on.
      expect((await probed(probe.changedSince(cursor, new Date()))).filterChanges).toEqual(
        next.filterChanges,
      );
    } finally {
      await probe.close();
    }
    await changeGroupMembers(dc, group, 'delete', [dns[4] ?? '']);
    const run = await sync(api, SOURCE, 'incremental');
    expect(run.status, run.error ?? '').toBe('succeeded');
  });

  it('an incremental run creates someone added to the access group, and brings back someone re-added', async () => {
    // Their entries did not change (memberOf is a back link): only the group did.
    await changeGroupMembers(dc, group, 'add', [dns[4] ?? '', dns[1] ?? '']);
    const run = await sync(api, SOURCE, 'incremental');
    expect(run.status, run.error ?? '').toBe('succeeded');
    // Read again by id: the newcomer and the one deactivated for leaving, not the members the
    // service already knows (ivanov, sidorov) nor the disabled account it never created.
    expect(run.counts).toMatchObject({ newInScope: 2, create: 1, reactivate: 1, deactivate: 0 });
    expect(await statusOf('novikov')).toBe('active');
    expect(await statusOf('petrova')).toBe('active');
    expect(await statusOf('uvolen')).toBeUndefined();
    // The group changed again, nobody joined: the ids are enumerated, nobody is read again.
    await dc.asAdmin((client) =>
      client.modify(
        group,
        new Change({
          operation: 'replace',
          modification: new Attribute({ type: 'description', values: ['Кому открыт мессенджер'] }),
        }),
      ),
    );
    const quiet = await sync(api, SOURCE, 'incremental');
    expect(quiet.details.deletionDetection).toMatchObject({ method: 'enumeration' });
    expect(quiet.counts).toMatchObject({ read: 0, idsEnumerated: 5 });
    expect(quiet.counts).not.toHaveProperty('newInScope');
  });

  it('the change watch cuts someone removed from the access group, with nobody running a sync', async () => {
    await expectCutByWatch(context, {
      sourceId: SOURCE,
      login: 'sidorov',
      bystander: 'ivanov',
      // The group's member values name who left: a run of that person alone.
      targeted: 'gone',
      whileWatching: async (watch) => {
        await lookedTwice(watch);
        await changeGroupMembers(dc, group, 'delete', [dns[2] ?? '']);
        return null;
      },
    });
  });

  it('the change watch lets in someone added to the access group, with nobody running a sync', async () => {
    expect(await statusOf('gostev')).toBeUndefined();
    let watch: ChangeWatch | null = startChangeWatch(context.services, { intervalMs: 200 });
    try {
      await lookedTwice(watch);
      await changeGroupMembers(dc, group, 'add', [dns[3] ?? '']);
      await untilStatus(context, SOURCE, 'gostev', 'active');
      await watch.stop();
      watch = null;
    } finally {
      await watch?.stop();
    }
    await drainRuns(context.services);
    const { rows } = await context.services.pool.query(
      `select requested_by, status, details, counts, cursor_before, cursor_after from sync_run
        where source_id = $1 order by started_at desc limit 1`,
      [SOURCE],
    );
    // A run of that person alone (not the disabled member the service never created), the
    // cursor left for the next ordinary run.
    expect(rows[0]).toMatchObject({
      requested_by: 'watch',
      status: 'succeeded',
      details: { watchTargets: 1 },
      counts: { read: 1, create: 1, deactivate: 0 },
    });
    expect(rows[0]?.cursor_after).toEqual(rows[0]?.cursor_before);
    expect(await statusOf('ivanov')).toBe('active');
  });

  it('the change watch reads only what changed in the access group after its first look', async () => {
    // Two changes, one watch: its first look at the changed group reads the whole member list
    // (here, maybe already in its first passes: the group changed since the cursor, which the
    // watch's runs leave); the second change at the latest is read by DirSync, only the member
    // removed, and cut by a run of that person alone.
    await expectCutByWatch(context, {
      sourceId: SOURCE,
      login: 'gostev',
      bystander: 'ivanov',
      targeted: 'gone',
      whileWatching: async (watch) => {
        await lookedTwice(watch);
        await changeGroupMembers(dc, group, 'delete', [dns[4] ?? '']);
        await untilStatus(context, SOURCE, 'novikov', 'deactivated');
        await drainRuns(context.services);
        await lookedTwice(watch);
        await changeGroupMembers(dc, group, 'delete', [dns[3] ?? '']);
        return null;
      },
    });
  });

  it('the change watch lets back in, after its first look, someone added again', async () => {
    const watch = startChangeWatch(context.services, { intervalMs: 200 });
    try {
      await lookedTwice(watch);
      // Two changes, one watch: the second at the latest read by DirSync (see above).
      for (const [login, dn] of [
        ['novikov', dns[4]],
        ['gostev', dns[3]],
      ] as const) {
        await changeGroupMembers(dc, group, 'add', [dn ?? '']);
        await untilStatus(context, SOURCE, login, 'active');
        await drainRuns(context.services);
        await lookedTwice(watch);
      }
    } finally {
      await watch.stop();
    }
    const { rows } = await context.services.pool.query(
      `select requested_by, details, counts from sync_run
        where source_id = $1 order by started_at desc limit 1`,
      [SOURCE],
    );
    expect(rows[0]).toMatchObject({
      requested_by: 'watch',
      details: { watchTargets: 1 },
      counts: { read: 1, reactivate: 1 },
    });
  });

  it('reads the changes by DirSync as a plain account, with no replication right', async () => {
    const password = 'Plain-Watch-2026!x';
    const plainDn = await dc.addUser('svc-watch', password, {
      givenName: 'Служба',
      sn: 'Слежения',
    });
    process.env[PLAIN_PASSWORD_ENV] = password;
    const source = await findSource(context.services, SOURCE);
    const cursor = await lastCursor(context.services.pool, SOURCE);
    if (!source.connection || !cursor) throw new Error(`${SOURCE}: no connection or cursor`);
    const probe = createAccountProbe({
      ...source.connection,
      bindDn: plainDn,
      bindPasswordEnv: PLAIN_PASSWORD_ENV,
      storedBindPassword: undefined,
    });
    try {
      // The group changed since the cursor: the first look reads every member, the next only
      // what changed.
      const first = probe.changedSince(cursor, new Date());
      expect((await first).filterMembers).not.toBeNull();
      (await first).seen();
      await changeGroupMembers(dc, group, 'delete', [dns[4] ?? '']);
      expect((await probed(probe.changedSince(cursor, new Date()))).filterChanges).toEqual({
        left: [await guidFromLdb(dc, 'novikov')],
        joined: [],
      });
    } finally {
      await probe.close();
    }
  });
});
