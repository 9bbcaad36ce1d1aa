import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../server/authz/actor.ts';
import { startChangeWatch } from '../../server/sources/changeWatch.ts';
import { findSource, readerFor } from '../../server/sources/registry.ts';
import { drainRuns, startRun } from '../../server/sources/runs.ts';
import { targetedReader } from '../../server/sources/targetedReader.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { type SambaDc, sambaAvailable, startSambaDc } from '../support/samba.ts';
import { addOu, addPeople, deleteEntry, setDisabled, setExpiry } from '../support/sambaPeople.ts';
import { WATCH_RUN_MS, waitUntil } from '../support/timeouts.ts';
import { addSambaSource, peopleOf, sync } from './support.ts';
import {
  type CutByWatch,
  expectCutByWatch,
  lookedTwice,
  NOTHING_FOUND,
  probeAtCursor,
  probed,
} from './watchSupport.ts';

/**
 * The change watch against a real Samba AD DC: an account disabled or deleted in AD, or whose
 * expiry passes, is cut by a run the watch starts, with no scheduled run and nobody pressing
 * "sync".
 */

const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_TEST_WATCH_AD_PASSWORD';
const SOURCE = 'watched-ad';

describe.skipIf(!sambaAvailable)('the change watch against Samba AD', () => {
  let dc: SambaDc;
  let context: TestContext;
  let api: ApiClient;
  let dns: string[];
  let outsiderDn: string;
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
      { name: 'kuznetsova', parent: staff, givenName: 'Анна', sn: 'Кузнецова' },
      { name: 'smirnov', parent: staff, givenName: 'Павел', sn: 'Смирнов' },
      { name: 'orlova', parent: staff, givenName: 'Вера', sn: 'Орлова' },
      { name: 'volkov', parent: staff, givenName: 'Пётр', sn: 'Волков' },
      { name: 'egorov', parent: staff, givenName: 'Егор', sn: 'Егоров' },
      { name: 'zaitsev', parent: staff, givenName: 'Денис', sn: 'Зайцев' },
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

  it('the probe tells an account out since the cursor, and the expiries ahead, from any other change', async () => {
    const { probe, cursor } = await probeAtCursor(context, SOURCE);
    const idOf = async (login: string) =>
      (await peopleOf(context.services, SOURCE)).find((p) => p.username === login)?.external_id;
    const inAnHour = new Date(Date.now() + 3_600_000);
    const found = () => probed(probe.changedSince(cursor, new Date()));
    try {
      expect(await found()).toEqual(NOTHING_FOUND);
      expect(await probe.earliestExpiry(new Date())).toBeNull();
      // A change that is not a disable: no run for it.
      await dc.setAttributes('ivanov', { title: 'Главный бухгалтер' });
      expect(await found()).toEqual(NOTHING_FOUND);
      await deleteEntry(dc, outsiderDn);
      expect(await found()).toEqual(NOTHING_FOUND);
      // An expiry ahead: no run yet, but the watch learns when to start one.
      await setExpiry(dc, dns[3] ?? '', inAnHour);
      expect(await found()).toEqual({ out: [], deleted: [], nextExpiry: inAnHour });
      expect(await probe.earliestExpiry(new Date())).toEqual(inAnHour);
      expect(await probe.earliestExpiry(inAnHour)).toBeNull();
      // An expiry already passed is out now, as a disable is.
      await setExpiry(dc, dns[4] ?? '', new Date(Date.now() - 60_000));
      expect((await found()).out).toEqual([await idOf('smirnov')]);
      await setExpiry(dc, dns[4] ?? '', null);
      expect((await found()).out).toEqual([]);
      await setDisabled(dc, dns[1] ?? '', true);
      const petrova = probe.changedSince(cursor, new Date());
      expect(await probed(petrova)).toEqual({
        out: [await idOf('petrova')],
        deleted: [],
        nextExpiry: inAnHour,
      });
      // Settled (the watch found her out here already): no search until AD changes again.
      (await petrova).settle();
      expect(await found()).toEqual(NOTHING_FOUND);
      await dc.setAttributes('ivanov', { title: 'Бухгалтер' });
      expect((await found()).out).toEqual([await idOf('petrova')]);
      // Disabled accounts are out already: their expiry is nothing to wake for.
      await setDisabled(dc, dns[3] ?? '', true);
      expect(await probe.earliestExpiry(new Date())).toBeNull();
      await setDisabled(dc, dns[3] ?? '', false);
      await setExpiry(dc, dns[3] ?? '', null);
    } finally {
      await probe.close();
    }
    // The next run reads them all; the cursor then stands after them.
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
    await expectCutByWatch(context, {
      sourceId: SOURCE,
      login: 'sidorov',
      bystander: 'ivanov',
      targeted: 'entry',
      whileWatching: async () => {
        await setDisabled(dc, dns[2] ?? '', true);
        return null;
      },
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
    await cutByWatch('volkov', 'tombstone', async (watch) => {
      await lookedTwice(watch);
      await deleteEntry(dc, dns[6] ?? '');
      return null;
    });
  });

  it('deactivates, in a run for people seen deleted, only those whose tombstones it reads itself', async () => {
    // The probe's word is not enough: smirnov is in AD (as if restored from the Recycle Bin
    // since), zaitsev's tombstone is there.
    const idOf = async (login: string) =>
      (await peopleOf(context.services, SOURCE)).find((p) => p.username === login)?.external_id ??
      '';
    const deleted = [await idOf('zaitsev'), await idOf('smirnov')];
    await deleteEntry(dc, dns[8] ?? '');
    const source = await findSource(context.services, SOURCE);
    const reader = targetedReader(await readerFor(context.services, source), { out: [], deleted });
    const started = await startRun(
      context.services,
      source,
      'incremental',
      systemActor('watch'),
      reader,
    );
    await started.done;
    const { rows } = await context.services.pool.query(
      'select status, counts, details from sync_run where id = $1',
      [started.runId],
    );
    expect(rows[0]).toMatchObject({
      status: 'succeeded',
      counts: { read: 0, deactivate: 1 },
      details: { deletionDetection: { permitted: true, method: 'tombstones' } },
    });
    expect(await statusOf('zaitsev')).toBe('deactivated');
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
      await waitUntil('the watch cut egorov once the DC was back', WATCH_RUN_MS, async () => {
        return (await statusOf('egorov')) === 'deactivated';
      });
    } finally {
      await watch.stop();
      await drainRuns(context.services);
    }
    expect(await statusOf('ivanov')).toBe('active');
  });
});
