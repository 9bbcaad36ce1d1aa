import { Attribute } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChangeWatch } from '../../server/sources/changeWatch.ts';
import { drainRuns } from '../../server/sources/runs.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import {
  ldapPersonDn,
  modifyLdapEntry,
  type OpenLdap,
  personLdif,
  slapdAvailable,
  startOpenLdap,
} from '../support/openldap.ts';
import { WATCH_RUN_MS, waitUntil } from '../support/timeouts.ts';
import { addOpenLdapSource, peopleOf, sync } from './support.ts';
import {
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
 * The change watch against a real OpenLDAP slapd (syncprov: entryCSN cursors): an account
 * locked by its lock attribute is cut by a run the watch starts, with nobody running a sync.
 */

const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_TEST_WATCH_OPENLDAP';
const SOURCE = 'watched-ldap';
const LOCKED = { pwdAccountLockedTime: '000001010000Z' };

describe.skipIf(!slapdAvailable)('the change watch against OpenLDAP', () => {
  let ldap: OpenLdap;
  let context: TestContext;
  let api: ApiClient;
  let formerDn: string;
  const statusOf = (login: string) => personStatus(context, SOURCE, login);

  beforeAll(async () => {
    ldap = await startOpenLdap({
      ldif: [
        'ivanov',
        'petrov',
        'sidorov',
        'kozlov',
        'orlov',
        'belov',
        'zotov',
        'volkov',
        'lebedev',
        'kuznetsov',
        'smirnov',
        'sokolov',
      ]
        .map((uid) => personLdif({ uid, sn: uid }))
        .join('\n'),
    });
    // Where those who left are moved: outside the source's base DN.
    formerDn = `ou=former,${ldap.baseDn}`;
    await ldap.asRoot((client) =>
      client.add(formerDn, [
        new Attribute({ type: 'objectClass', values: ['organizationalUnit'] }),
        new Attribute({ type: 'ou', values: ['former'] }),
      ]),
    );
    process.env[PASSWORD_ENV] = ldap.rootPassword;
    context = await startTestContext({ jobs: { enabled: false } });
    ({ api } = await signedIn(context, 'superadmin'));
    await addOpenLdapSource(api, ldap, {
      id: SOURCE,
      name: 'Watched LDAP',
      passwordEnv: PASSWORD_ENV,
      baseDn: ldap.peopleDn,
      connection: {
        lockAttribute: 'pwdAccountLockedTime',
        // Those whose employeeType says they left are out: an attribute the filter tests.
        userFilter: '(&(objectClass=inetOrgPerson)(!(employeeType=left)))',
      },
      thresholds: { minShareOfManaged: 0.5, maxDeactivationShare: 0.5, maxDeactivations: 50 },
    });
    const first = await sync(api, SOURCE, 'full');
    expect(first.status, first.error ?? '').toBe('succeeded');
    expect(first.counts).toMatchObject({ create: 12 });
  });

  afterAll(async () => {
    if (context) {
      await drainRuns(context.services);
      await context.close();
    }
    await ldap?.close();
  });

  it('the probe tells an entry locked since the cursor from any other change', async () => {
    const { probe, cursor } = await probeAtCursor(context, SOURCE);
    expect(cursor.ldapTracking).toBe('entryCSN');
    try {
      expect(await probed(probe.changedSince(cursor, new Date()))).toEqual(NOTHING_FOUND);
      await modifyLdapEntry(ldap, ldapPersonDn('ivanov'), { title: 'Инженер' });
      expect(await probed(probe.changedSince(cursor, new Date()))).toEqual(NOTHING_FOUND);
      await modifyLdapEntry(ldap, ldapPersonDn('petrov'), LOCKED);
      const petrov = (await peopleOf(context.services, SOURCE)).find(
        (p) => p.username === 'petrov',
      );
      const lock = { ...NOTHING_FOUND, out: [petrov?.external_id] };
      // Found again until the watch has acted on it; then only later changes.
      expect(await probed(probe.changedSince(cursor, new Date()))).toEqual(lock);
      const found = probe.changedSince(cursor, new Date());
      expect(await probed(found)).toEqual(lock);
      (await found).seen();
      expect(await probed(probe.changedSince(cursor, new Date()))).toEqual(NOTHING_FOUND);
      await modifyLdapEntry(ldap, ldapPersonDn('petrov'), { title: 'Бывший инженер' });
      expect(await probed(probe.changedSince(cursor, new Date()))).toEqual(lock);
    } finally {
      await probe.close();
    }
    const run = await sync(api, SOURCE, 'incremental');
    expect(run.counts).toMatchObject({ update: 1, deactivate: 1 });
    // The locked entry was the run's last change: the next cursor's boundary, not a new lock,
    // even once another change moves the suffix's contextCSN past it.
    const { probe: again, cursor: after } = await probeAtCursor(context, SOURCE);
    try {
      expect(await probed(again.changedSince(after, new Date()))).toEqual(NOTHING_FOUND);
      await modifyLdapEntry(ldap, ldapPersonDn('kozlov'), { title: 'Кладовщик' });
      expect(await probed(again.changedSince(after, new Date()))).toEqual(NOTHING_FOUND);
    } finally {
      await again.close();
    }
  });

  it('the probe tells a deletion from changes of entries still there', async () => {
    const { probe, cursor } = await probeAtCursor(context, SOURCE);
    // The new OU is outside the base DN: moved out as far as the probe knows, and nobody's.
    const ours = new Set(
      (await peopleOf(context.services, SOURCE)).flatMap((p) => p.external_id ?? []),
    );
    const asked = () => probed(probe.changedSince(cursor, new Date()), ours);
    try {
      // A change of a person, and an entry with no person in it (an OU), each carry their CSN.
      await modifyLdapEntry(ldap, ldapPersonDn('ivanov'), { title: 'Старший инженер' });
      await ldap.asRoot((client) =>
        client.add(`ou=projects,${ldap.baseDn}`, [
          new Attribute({ type: 'objectClass', values: ['organizationalUnit'] }),
          new Attribute({ type: 'ou', values: ['projects'] }),
        ]),
      );
      expect(await asked()).toEqual(NOTHING_FOUND);
      // A deletion leaves the suffix's contextCSN on a change no entry carries.
      await ldap.asRoot((client) => client.del(ldapPersonDn('volkov')));
      const deletion = { ...NOTHING_FOUND, entryDeleted: true };
      const found = probe.changedSince(cursor, new Date());
      expect(await probed(found, ours)).toEqual(deletion);
      // Found again until the watch has acted on it; then only later changes.
      expect(await asked()).toEqual(deletion);
      (await found).seen();
      expect(await asked()).toEqual(NOTHING_FOUND);
      await modifyLdapEntry(ldap, ldapPersonDn('ivanov'), { title: 'Инженер' });
      expect(await asked()).toEqual(NOTHING_FOUND);
    } finally {
      await probe.close();
    }
    // The ordinary run's enumeration tells whose entry it was.
    const run = await sync(api, SOURCE, 'incremental');
    expect(run.counts).toMatchObject({ deactivate: 1 });
    expect(await statusOf('volkov')).toBe('deactivated');
  });

  it('cuts an entry deleted in the directory without anyone running a sync', async () => {
    await expectCutByWatch(context, {
      sourceId: SOURCE,
      login: 'lebedev',
      bystander: 'kozlov',
      // Whose entry it was, only the enumeration of an ordinary run tells.
      targeted: null,
      whileWatching: async (watch) => {
        await lookedTwice(watch);
        await ldap.asRoot((client) => client.del(ldapPersonDn('lebedev')));
        return null;
      },
    });
  });

  it('keeps its runs for deletions to a share of the time', async () => {
    // Paced as if the last run for a deletion had been a million times longer: the next
    // deletion waits for the schedule.
    const watch = startChangeWatch(context.services, {
      intervalMs: 200,
      deletionIdlePerBusy: 1_000_000,
    });
    try {
      await lookedTwice(watch);
      await ldap.asRoot((client) => client.del(ldapPersonDn('kuznetsov')));
      await untilStatus(context, SOURCE, 'kuznetsov', 'deactivated');
      await drainRuns(context.services);
      await ldap.asRoot((client) => client.del(ldapPersonDn('smirnov')));
      const passes = watch.passes;
      await waitUntil(
        'the watch looked ten times',
        WATCH_RUN_MS,
        () => watch.passes >= passes + 10,
      );
      // Meanwhile, someone locked is cut by a run of their own, as ever.
      await modifyLdapEntry(ldap, ldapPersonDn('sokolov'), LOCKED);
      await untilStatus(context, SOURCE, 'sokolov', 'deactivated');
      await drainRuns(context.services);
    } finally {
      await watch.stop();
    }
    expect(await statusOf('smirnov')).toBe('active');
    expect((await sync(api, SOURCE, 'incremental')).counts).toMatchObject({ deactivate: 1 });
    expect(await statusOf('smirnov')).toBe('deactivated');
  });

  it('cuts an entry locked in the directory without anyone running a sync', async () => {
    await expectCutByWatch(context, {
      sourceId: SOURCE,
      login: 'sidorov',
      bystander: 'kozlov',
      targeted: 'entry',
      whileWatching: async (watch) => {
        await lookedTwice(watch);
        await modifyLdapEntry(ldap, ldapPersonDn('sidorov'), LOCKED);
        return null;
      },
    });
  });

  it('cuts an entry moved out of the base DN without anyone running a sync', async () => {
    await expectCutByWatch(context, {
      sourceId: SOURCE,
      login: 'orlov',
      bystander: 'kozlov',
      // Not read through the base DN: found outside it by its id.
      targeted: 'gone',
      whileWatching: async (watch) => {
        await lookedTwice(watch);
        await ldap.asRoot((client) =>
          client.modifyDN(ldapPersonDn('orlov'), `uid=orlov,${formerDn}`),
        );
        return null;
      },
    });
  });

  it('cuts an entry the user filter no longer matches without anyone running a sync', async () => {
    await expectCutByWatch(context, {
      sourceId: SOURCE,
      login: 'belov',
      bystander: 'kozlov',
      targeted: 'gone',
      whileWatching: async (watch) => {
        await lookedTwice(watch);
        await modifyLdapEntry(ldap, ldapPersonDn('belov'), { employeeType: 'left' });
        return null;
      },
    });
  });

  it('deactivates, in a run for people by id, one found nowhere as deleted, and not one in scope', async () => {
    const people = await peopleOf(context.services, SOURCE);
    const idOf = (login: string) => people.find((p) => p.username === login)?.external_id ?? '';
    await ldap.asRoot((client) => client.del(ldapPersonDn('zotov')));
    const { run, reasons } = await runOfPeople(context, SOURCE, [idOf('zotov'), idOf('ivanov')]);
    expect(run).toMatchObject({ status: 'succeeded', counts: { read: 1, deactivate: 1 } });
    expect(reasons).toEqual(new Map([[idOf('zotov'), 'deleted in the directory']]));
    expect(await statusOf('zotov')).toBe('deactivated');
    expect(await statusOf('ivanov')).toBe('active');
  });
});
