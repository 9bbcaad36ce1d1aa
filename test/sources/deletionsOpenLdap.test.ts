import { Attribute } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directorySourceSchema } from '../../server/shared/config/directorySources.ts';
import { probeDeletionDetection } from '../../server/sources/ldap/absence.ts';
import { drainRuns } from '../../server/sources/runs.ts';
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
import { DIRECTORY_REQUEST_MS } from '../support/timeouts.ts';
import { peopleOf, planOf, sync } from './support.ts';

/**
 * Deletions and moves out of the base DN reach INCREMENTAL runs against OpenLDAP (issue 13):
 * each incremental run enumerates the ids in scope (entryUUID only) and the engine deactivates
 * the people of the source missing from them, under the full run's safety rules. Read by a
 * service account that is not the root DN.
 */

const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_TEST_DELETIONS_OPENLDAP';
const SERVICE_PASSWORD = 'svc-Passw0rd-deletions';
const SOURCE = 'ldap-deletions';
const PEOPLE = ['anna', 'boris', 'vera', 'gleb', 'dina', 'egor', 'zoya', 'ilya'];

describe.skipIf(!slapdAvailable)('incremental deletions against OpenLDAP', () => {
  let ldap: OpenLdap;
  let context: TestContext;
  let api: ApiClient;
  let leavers: string;
  const statusOf = async () =>
    new Map((await peopleOf(context.services, SOURCE)).map((p) => [p.username, p.status]));

  beforeAll(async () => {
    ldap = await startOpenLdap({
      ldif: PEOPLE.map((uid) => personLdif({ uid, sn: uid })).join('\n'),
    });
    leavers = `ou=Уволенные,${ldap.baseDn}`;
    const service = `uid=svc-sync,ou=service,${ldap.baseDn}`;
    await ldap.asRoot(async (client) => {
      await client.add(leavers, [
        new Attribute({ type: 'objectClass', values: ['organizationalUnit'] }),
        new Attribute({ type: 'ou', values: ['Уволенные'] }),
      ]);
      await client.add(`ou=service,${ldap.baseDn}`, [
        new Attribute({ type: 'objectClass', values: ['organizationalUnit'] }),
        new Attribute({ type: 'ou', values: ['service'] }),
      ]);
      // An ordinary entry with a password: the harness's slapd lets any bound user read.
      await client.add(service, [
        new Attribute({ type: 'objectClass', values: ['inetOrgPerson'] }),
        new Attribute({ type: 'uid', values: ['svc-sync'] }),
        new Attribute({ type: 'cn', values: ['svc-sync'] }),
        new Attribute({ type: 'sn', values: ['svc-sync'] }),
        new Attribute({ type: 'userPassword', values: [SERVICE_PASSWORD] }),
      ]);
    });
    process.env[PASSWORD_ENV] = SERVICE_PASSWORD;
    context = await startTestContext({ jobs: { enabled: false } });
    ({ api } = await signedIn(context, 'superadmin'));
    const created = await api.request('POST', '/api/v1/directory-sources', {
      body: {
        id: SOURCE,
        name: SOURCE,
        connection: {
          kind: 'ldap',
          url: ldap.url,
          allowPlain: true,
          bindDn: service,
          bindPasswordEnv: PASSWORD_ENV,
          baseDn: ldap.peopleDn,
          timeoutMs: DIRECTORY_REQUEST_MS,
        },
        thresholds: { minShareOfManaged: 0.5, maxDeactivationShare: 0.5, maxDeactivations: 50 },
      },
    });
    expect(created.status, created.text).toBe(201);
  });

  afterAll(async () => {
    if (context) {
      await drainRuns(context.services);
      await context.close();
    }
    await ldap?.close();
  });

  it('the probe says an id enumeration detects deletions', async () => {
    const detection = await probeDeletionDetection(
      directorySourceSchema.parse({
        kind: 'ldap',
        id: SOURCE,
        url: ldap.url,
        allowPlain: true,
        bindDn: ldap.rootDn,
        bindPasswordEnv: PASSWORD_ENV,
        baseDn: ldap.peopleDn,
      }),
    );
    expect(detection).toMatchObject({ permitted: true, method: 'enumeration' });
  });

  it('a deleted person and one moved to «Уволенные» are deactivated by the next incremental run', async () => {
    const full = await sync(api, SOURCE, 'full');
    expect(full.status, full.error ?? '').toBe('succeeded');
    expect(full.counts).toMatchObject({ create: PEOPLE.length });
    await ldap.asRoot(async (client) => {
      await client.del(ldapPersonDn('anna'));
      await client.modifyDN(ldapPersonDn('boris'), `uid=boris,${leavers}`);
    });
    const run = await sync(api, SOURCE, 'incremental');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.readMode).toBe('incremental');
    expect(run.counts).toMatchObject({ deactivate: 2, idsEnumerated: PEOPLE.length - 2 });
    expect(run.details).toMatchObject({
      deletionDetection: { permitted: true, method: 'enumeration' },
    });
    const plan = await planOf(api, run.id);
    expect(
      plan
        .filter((line) => line.action === 'deactivate')
        .map((line) => [line.label, line.reason])
        .sort(),
    ).toEqual([
      ['anna', 'not found in the source'],
      ['boris', 'not found in the source'],
    ]);
    const status = await statusOf();
    expect(status.get('anna')).toBe('deactivated');
    expect(status.get('boris')).toBe('deactivated');
    for (const uid of PEOPLE.slice(2)) expect(status.get(uid)).toBe('active');
    // Nothing else to do: the next incremental run finds nobody gone.
    const again = await sync(api, SOURCE, 'incremental');
    expect(again.counts.deactivate ?? 0).toBe(0);
  });

  it('a mass disappearance is held back by the full run’s share rule', async () => {
    // 6 managed; 4 deleted leaves 2 ids, fewer than half: nobody is deactivated.
    await ldap.asRoot(async (client) => {
      for (const uid of ['vera', 'gleb', 'dina', 'egor']) await client.del(ldapPersonDn(uid));
    });
    const run = await sync(api, SOURCE, 'incremental');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.counts).toMatchObject({ deactivate: 4, blocked: 4, idsEnumerated: 2 });
    expect(run.safety).toMatch(/returned 2 entries, fewer than 50% of the 6 people/);
    const status = await statusOf();
    for (const uid of ['vera', 'gleb', 'dina', 'egor', 'zoya', 'ilya'])
      expect(status.get(uid)).toBe('active');
  });
});
