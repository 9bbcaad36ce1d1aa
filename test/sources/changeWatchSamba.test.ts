import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChangeWatch } from '../../server/sources/changeWatch.ts';
import { drainRuns } from '../../server/sources/runs.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { type SambaDc, sambaAvailable, startSambaDc } from '../support/samba.ts';
import {
  addOu,
  addPeople,
  deleteEntry,
  renamePerson,
  setDisabled,
  setExpiry,
} from '../support/sambaPeople.ts';
import { addSambaSource, peopleOf, sync } from './support.ts';
import {
  type CutByWatch,
  expectCutByWatch,
  lookedTwice,
  NOTHING_FOUND,
  personStatus,
  probeAtCursor,
  probed,
  runOfPeople,
  untilStatus,
} from './watchSupport.ts';

/**
 * The change watch against a real Samba AD DC: an account disabled or deleted in AD, or whose
 * expiry passes, is cut by a run the watch starts, with no scheduled run and nobody pressing
 * "sync".
 */

const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_TEST_WATCH_AD_PASSWORD';
const SOURCE = 'watched-ad';
// A second source whose user filter leaves disabled accounts out, a common choice, and takes one
// company's people only.
const ENABLED_ONLY = 'watched-ad-enabled-only';

describe.skipIf(!sambaAvailable)('the change watch against Samba AD', () => {
  let dc: SambaDc;
  let context: TestContext;
  let api: ApiClient;
  let dns: string[];
  let outsiderDn: string;
  let staffDn: string;
  // Where AD administrators move those who left: outside the source's base DN.
  let formerDn: string;
  let branchDns: string[];
  const statusOf = (login: string) => personStatus(context, SOURCE, login);
  const cutByWatch = (
    login: string,
    targeted: CutByWatch['targeted'],
    whileWatching: CutByWatch['whileWatching'],
  ) =>
    expectCutByWatch(context, {
      sourceId: SOURCE,
      login,
      bystander: 'ivanov',
      whileWatching,
      targeted,
    });

  beforeAll(async () => {
    dc = await startSambaDc();
    process.env[PASSWORD_ENV] = dc.adminPassword;
    const staff = await addOu(dc, 'Staff');
    staffDn = staff;
    formerDn = await addOu(dc, 'Уволенные');
    dns = await addPeople(dc, [
      { name: 'ivanov', parent: staff, givenName: 'Иван', sn: 'Иванов' },
      { name: 'petrova', parent: staff, givenName: 'Мария', sn: 'Петрова' },
      { name: 'sidorov', parent: staff, givenName: 'Олег', sn: 'Сидоров' },
      { name: 'kuznetsova', parent: staff, givenName: 'Анна', sn: 'Кузнецова' },
      { name: 'smirnov', parent: staff, givenName: 'Павел', sn: 'Смирнов' },
      { name: 'orlova', parent: staff, givenName: 'Вера', sn: 'Орлова' },
      { name: 'volkov', parent: staff, givenName: 'Пётр', sn: 'Волков' },
      { name: 'egorov', parent: staff, givenName: 'Егор', sn: 'Егоров' },
      { name: 'zaitsev', parent: staff, givenName: 'Денис', sn: 'Зайцев' },
      { name: 'belov', parent: staff, givenName: 'Илья', sn: 'Белов' },
      { name: 'lebedev', parent: staff, givenName: 'Роман', sn: 'Лебедев' },
    ]);
    // Outside the source's base DN: its deletion is nothing to the watch.
    const contractors = await addOu(dc, 'Contractors');
    [outsiderDn = ''] = await addPeople(dc, [
      { name: 'outsider', parent: contractors, givenName: 'Гость', sn: 'Внешний' },
    ]);
    context = await startTestContext({ jobs: { enabled: false } });
    ({ api } = await signedIn(context, 'superadmin'));
    await addSambaSource(api, dc, {
      id: SOURCE,
      name: 'Watched AD',
      passwordEnv: PASSWORD_ENV,
      baseDn: staff,
      // Two of a dozen people out in one run is not a mass deactivation here.
      thresholds: { minShareOfManaged: 0.5, maxDeactivationShare: 0.5, maxDeactivations: 50 },
    });
    const first = await sync(api, SOURCE, 'full');
    expect(first.status, first.error ?? '').toBe('succeeded');
    const branch = await addOu(dc, 'Branch');
    branchDns = await addPeople(dc, [
      { name: 'gromov', parent: branch, givenName: 'Глеб', sn: 'Громов', company: 'Ромашка' },
      { name: 'titova', parent: branch, givenName: 'Нина', sn: 'Титова', company: 'Ромашка' },
      { name: 'fomin', parent: branch, givenName: 'Фёдор', sn: 'Фомин', company: 'Ромашка' },
    ]);
    await addSambaSource(api, dc, {
      id: ENABLED_ONLY,
      name: 'Watched AD, enabled accounts only',
      passwordEnv: PASSWORD_ENV,
      baseDn: branch,
      connection: {
        userFilter:
          '(&(objectClass=user)(objectCategory=person)(company=Ромашка)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))',
      },
      thresholds: { minShareOfManaged: 0.5, maxDeactivationShare: 0.5, maxDeactivations: 50 },
    });
    const second = await sync(api, ENABLED_ONLY, 'full');
    expect(second.status, second.error ?? '').toBe('succeeded');
  });

  afterAll(async () => {
    if (context) {
      await drainRuns(context.services);
      await context.close();
    }
    await dc?.close();
  });

  it('the probe tells an account out, deleted or moved out since the cursor, and the expiries ahead, from any other change, and looks at each change once', async () => {
    const { probe, cursor } = await probeAtCursor(context, SOURCE);
    const people = await peopleOf(context.services, SOURCE);
    const idOf = (login: string) => people.find((p) => p.username === login)?.external_id;
    const ours = new Set(people.flatMap((p) => p.external_id ?? []));
    const inAnHour = new Date(Date.now() + 3_600_000);
    const ask = () => probe.changedSince(cursor, new Date());
    const found = () => probed(ask(), ours);
    // An ask whose finds the watch acted on: the next asks look only at later changes.
    const actedOn = async () => {
      const changed = await ask();
      changed.seen();
      return probed(Promise.resolve(changed), ours);
    };
    try {
      expect(await found()).toEqual(NOTHING_FOUND);
      expect(await probe.earliestExpiry(new Date())).toBeNull();
      // A change that is not a disable: no run for it.
      await dc.setAttributes('ivanov', { title: 'Главный бухгалтер' });
      expect(await found()).toEqual(NOTHING_FOUND);
      await deleteEntry(dc, outsiderDn);
      expect(await found()).toEqual(NOTHING_FOUND);
      // An expiry ahead: no run yet, but the watch learns when to start one, once.
      await setExpiry(dc, dns[3] ?? '', inAnHour);
      expect(await actedOn()).toEqual({ ...NOTHING_FOUND, nextExpiry: inAnHour });
      expect(await found()).toEqual(NOTHING_FOUND);
      expect(await probe.earliestExpiry(new Date())).toEqual(inAnHour);
      expect(await probe.earliestExpiry(inAnHour)).toBeNull();
      // An expiry already passed is out now, as a disable is: found until acted on.
      await setExpiry(dc, dns[4] ?? '', new Date(Date.now() - 60_000));
      expect((await found()).out).toEqual([idOf('smirnov')]);
      expect((await actedOn()).out).toEqual([idOf('smirnov')]);
      expect((await found()).out).toEqual([]);
      await setExpiry(dc, dns[4] ?? '', null);
      expect(await actedOn()).toEqual(NOTHING_FOUND);
      await setDisabled(dc, dns[1] ?? '', true);
      expect(await actedOn()).toEqual({ ...NOTHING_FOUND, out: [idOf('petrova')] });
      expect(await found()).toEqual(NOTHING_FOUND);
      // Touched again: looked at again (the watch then finds her out here already).
      await dc.setAttributes('petrova', { title: 'Бухгалтер' });
      expect((await found()).out).toEqual([idOf('petrova')]);
      // Moved out of the base DN, to «Уволенные»: someone the watch asks about.
      const moved = await renamePerson(dc, dns[2] ?? '', { parent: formerDn });
      try {
        expect(await found()).toEqual({
          ...NOTHING_FOUND,
          out: [idOf('petrova')],
          movedOut: [idOf('sidorov')],
        });
      } finally {
        dns[2] = await renamePerson(dc, moved, { parent: staffDn });
      }
      // Disabled accounts are out already: their expiry is nothing to wake for.
      await setDisabled(dc, dns[3] ?? '', true);
      expect(await probe.earliestExpiry(new Date())).toBeNull();
      await setDisabled(dc, dns[3] ?? '', false);
      await setExpiry(dc, dns[3] ?? '', null);
    } finally {
      await probe.close();
    }
    // The next run reads them all (sidorov, moved back, is as he was); the cursor then stands
    // after them.
    const run = await sync(api, SOURCE, 'incremental');
    expect(run.counts).toMatchObject({ update: 1, deactivate: 1 });
    const { probe: again, cursor: after } = await probeAtCursor(context, SOURCE);
    try {
      expect((await again.changedSince(after, new Date())).out).toEqual([]);
    } finally {
      await again.close();
    }
  });

  it('cuts an account disabled in AD without anyone running a sync', async () => {
    await cutByWatch('sidorov', 'entry', async () => {
      await setDisabled(dc, dns[2] ?? '', true);
      return null;
    });
  });

  it('starts no run for an account out here already, however often AD touches it', async () => {
    // sidorov: disabled in AD and deactivated here by the test above.
    expect(await statusOf('sidorov')).toBe('deactivated');
    const runs = async () =>
      Number(
        (
          await context.services.pool.query<{ n: string }>(
            'select count(*) as n from sync_run where source_id = $1',
            [SOURCE],
          )
        ).rows[0]?.n,
      );
    const before = await runs();
    const watch = startChangeWatch(context.services, { intervalMs: 200 });
    try {
      for (const title of ['Кладовщик', 'Старший кладовщик', 'Кладовщик']) {
        await dc.setAttributes('sidorov', { title });
        await lookedTwice(watch);
      }
    } finally {
      await watch.stop();
    }
    expect(await runs()).toBe(before);
  });

  it('cuts an account at its expiry, set in AD before the last run, with nobody running a sync', async () => {
    // Read after the run: the run's own search for expired accounts could not see it coming.
    const expiry = new Date(Date.now() + 8_000);
    await setExpiry(dc, dns[3] ?? '', expiry);
    const run = await sync(api, SOURCE, 'incremental');
    expect(run.status, run.error ?? '').toBe('succeeded');
    await cutByWatch('kuznetsova', null, async () => expiry);
  });

  it('cuts an account at its expiry, set in AD while the watch is on', async () => {
    await cutByWatch('orlova', null, async (watch) => {
      // The watch has read the expiries ahead; it learns this one from the changes since.
      await lookedTwice(watch);
      const expiry = new Date(Date.now() + 4_000);
      await setExpiry(dc, dns[5] ?? '', expiry);
      return expiry;
    });
  });

  it('cuts an account deleted in AD, through its tombstone, with nobody running a sync', async () => {
    await cutByWatch('volkov', 'gone', async (watch) => {
      await lookedTwice(watch);
      await deleteEntry(dc, dns[6] ?? '');
      return null;
    });
  });

  it('cuts an account disabled in AD where the user filter leaves disabled accounts out', async () => {
    // To that source, a disable is "no longer matches the user filter": the run cannot read
    // her by id, and finds her gone.
    await expectCutByWatch(context, {
      sourceId: ENABLED_ONLY,
      login: 'titova',
      bystander: 'gromov',
      targeted: 'gone',
      whileWatching: async () => {
        await setDisabled(dc, branchDns[1] ?? '', true);
        return null;
      },
    });
  });

  it('cuts an account the user filter no longer matches (its company changed in AD), with nobody running a sync', async () => {
    await expectCutByWatch(context, {
      sourceId: ENABLED_ONLY,
      login: 'fomin',
      bystander: 'gromov',
      // The run cannot read him through the filter, and finds his entry under the base DN.
      targeted: 'gone',
      whileWatching: async (watch) => {
        await lookedTwice(watch);
        await dc.setAttributes('fomin', { company: 'Другая компания' });
        return null;
      },
    });
  });

  it('cuts an account moved out of the base DN, to «Уволенные», with nobody running a sync', async () => {
    await cutByWatch('belov', 'gone', async (watch) => {
      await lookedTwice(watch);
      await renamePerson(dc, dns[9] ?? '', { parent: formerDn });
      return null;
    });
  });

  it('deactivates, in a run for people seen gone, only those it finds gone itself', async () => {
    // The probe's word is not enough: smirnov is in AD, in scope (as if restored from the
    // Recycle Bin, or moved back, since); zaitsev's tombstone is there; lebedev is in «Уволенные».
    const people = await peopleOf(context.services, SOURCE);
    const idOf = (login: string) => people.find((p) => p.username === login)?.external_id ?? '';
    await deleteEntry(dc, dns[8] ?? '');
    await renamePerson(dc, dns[10] ?? '', { parent: formerDn });
    const { run, reasons } = await runOfPeople(context, SOURCE, [
      idOf('zaitsev'),
      idOf('smirnov'),
      idOf('lebedev'),
    ]);
    expect(run).toMatchObject({
      status: 'succeeded',
      counts: { read: 1, deactivate: 2 },
      details: { deletionDetection: { permitted: true, method: 'tombstones' } },
    });
    expect(reasons).toEqual(
      new Map([
        [idOf('zaitsev'), expect.stringMatching(/^deleted in the directory \(was in OU=Staff,/)],
        [
          idOf('lebedev'),
          expect.stringMatching(/^moved out of the base DN \(now CN=lebedev,OU=Уволенные,/),
        ],
      ]),
    );
    expect(await statusOf('smirnov')).toBe('active');
  });

  it('outlives the DC going down, and cuts a disable once the DC is back', async () => {
    const watch = startChangeWatch(context.services, { intervalMs: 200, pauseAfterFailureMs: 500 });
    try {
      await lookedTwice(watch);
      await dc.stop();
      try {
        // Its asks fail while the DC is down (each pauses the source); the passes go on.
        await lookedTwice(watch);
        await lookedTwice(watch);
      } finally {
        await dc.start();
      }
      await setDisabled(dc, dns[7] ?? '', true);
      await untilStatus(context, SOURCE, 'egorov', 'deactivated');
    } finally {
      await watch.stop();
      await drainRuns(context.services);
    }
    expect(await statusOf('ivanov')).toBe('active');
  });
});
