import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChangeWatch, startChangeWatch } from '../../server/sources/changeWatch.ts';
import { createAccountProbe } from '../../server/sources/ldap/accountProbe.ts';
import { findSource } from '../../server/sources/registry.ts';
import { drainRuns, lastCursor } from '../../server/sources/runs.ts';
import type { ApiClient } from '../support/api.ts';
import { createDeviceSession, signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import {
  ldapPersonDn,
  modifyLdapEntry,
  type OpenLdap,
  personLdif,
  slapdAvailable,
  startOpenLdap,
} from '../support/openldap.ts';
import { DIRECTORY_REQUEST_MS, WATCH_RUN_MS, waitUntil } from '../support/timeouts.ts';
import { peopleOf, sync } from './support.ts';

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
  const statusOf = async (login: string) =>
    (await peopleOf(context.services, SOURCE)).find((p) => p.username === login)?.status;

  beforeAll(async () => {
    ldap = await startOpenLdap({
      ldif: ['ivanov', 'petrov', 'sidorov', 'kozlov']
        .map((uid) => personLdif({ uid, sn: uid }))
        .join('\n'),
    });
    process.env[PASSWORD_ENV] = ldap.rootPassword;
    context = await startTestContext({ jobs: { enabled: false } });
    ({ api } = await signedIn(context, 'superadmin'));
    const created = await api.request('POST', '/api/v1/directory-sources', {
      body: {
        id: SOURCE,
        name: 'Watched LDAP',
        connection: {
          kind: 'ldap',
          url: ldap.url,
          allowPlain: true,
          bindDn: ldap.rootDn,
          bindPasswordEnv: PASSWORD_ENV,
          baseDn: ldap.baseDn,
          lockAttribute: 'pwdAccountLockedTime',
          timeoutMs: DIRECTORY_REQUEST_MS,
        },
      },
    });
    expect(created.status, created.text).toBe(201);
    const first = await sync(api, SOURCE, 'full');
    expect(first.status, first.error ?? '').toBe('succeeded');
    expect(first.counts).toMatchObject({ create: 4 });
  });

  afterAll(async () => {
    if (context) {
      await drainRuns(context.services);
      await context.close();
    }
    await ldap?.close();
  });

  it('the probe tells an entry locked since the cursor from any other change', async () => {
    const source = await findSource(context.services, SOURCE);
    const cursor = await lastCursor(context.services.pool, SOURCE);
    if (!source.connection || !cursor) throw new Error('no connection or cursor');
    expect(cursor.ldapTracking).toBe('entryCSN');
    const nothing = { out: [], nextExpiry: null };
    const seen = async (found: Promise<{ out: string[]; nextExpiry: Date | null }>) => {
      const { out, nextExpiry } = await found;
      return { out, nextExpiry };
    };
    const probe = createAccountProbe(source.connection);
    try {
      expect(await seen(probe.changedSince(cursor, new Date()))).toEqual(nothing);
      await modifyLdapEntry(ldap, ldapPersonDn('ivanov'), { title: 'Инженер' });
      expect(await seen(probe.changedSince(cursor, new Date()))).toEqual(nothing);
      await modifyLdapEntry(ldap, ldapPersonDn('petrov'), LOCKED);
      const petrov = (await peopleOf(context.services, SOURCE)).find(
        (p) => p.username === 'petrov',
      );
      expect(await seen(probe.changedSince(cursor, new Date()))).toEqual({
        out: [petrov?.external_id],
        nextExpiry: null,
      });
    } finally {
      await probe.close();
    }
    const run = await sync(api, SOURCE, 'incremental');
    expect(run.counts).toMatchObject({ update: 1, deactivate: 1 });
    // The locked entry was the run's last change: the next cursor's boundary, not a new lock,
    // even once another change moves the suffix's contextCSN past it.
    const after = await lastCursor(context.services.pool, SOURCE);
    if (!after) throw new Error('no cursor');
    const again = createAccountProbe(source.connection);
    try {
      expect(await seen(again.changedSince(after, new Date()))).toEqual(nothing);
      await modifyLdapEntry(ldap, ldapPersonDn('kozlov'), { title: 'Кладовщик' });
      expect(await seen(again.changedSince(after, new Date()))).toEqual(nothing);
    } finally {
      await again.close();
    }
  });

  it('cuts an entry locked in the directory without anyone running a sync', async () => {
    const sidorov = (await peopleOf(context.services, SOURCE)).find(
      (p) => p.username === 'sidorov',
    );
    expect(sidorov?.status).toBe('active');
    const device = await createDeviceSession(context.services, {
      id: sidorov?.id ?? '',
    } as Parameters<typeof createDeviceSession>[1]);
    let watch: ChangeWatch | null = startChangeWatch(context.services, { intervalMs: 200 });
    try {
      await waitUntil('the watch looked twice', WATCH_RUN_MS, () => (watch?.passes ?? 0) >= 2);
      await modifyLdapEntry(ldap, ldapPersonDn('sidorov'), LOCKED);
      await waitUntil('the watch cut the locked entry', WATCH_RUN_MS, async () => {
        return (await statusOf('sidorov')) === 'deactivated';
      });
      await watch.stop();
      watch = null;
      await drainRuns(context.services);
      const { rows } = await context.services.pool.query(
        `select r.requested_by, r.status,
                (select revoked_at from device_session where id = $2) as revoked_at
           from sync_run r where r.source_id = $1 order by r.started_at desc limit 1`,
        [SOURCE, device.sessionId],
      );
      expect(rows[0]).toMatchObject({ requested_by: 'watch', status: 'succeeded' });
      expect(rows[0]?.revoked_at).not.toBeNull();
      expect(await statusOf('kozlov')).toBe('active');
    } finally {
      await watch?.stop();
    }
  });
});
