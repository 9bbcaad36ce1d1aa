import { Attribute, Change } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directorySourceSchema, withBaseDns } from '../../server/shared/config/directorySources.ts';
import { createDirectoryReader } from '../../server/sources/ldap/reader.ts';
import { drainRuns } from '../../server/sources/runs.ts';
import type { ConnectionTestView, SourceView } from '../../server/sources/schemas.ts';
import type { SourcePerson } from '../../server/sources/types.ts';
import { type Problem, startMessenger } from '../identity/messengerFlow.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { type OpenLdap, personLdif, slapdAvailable, startOpenLdap } from '../support/openldap.ts';
import { DIRECTORY_REQUEST_MS } from '../support/timeouts.ts';
import { peopleOf, planOf, sync } from './support.ts';

/**
 * A source with two base DNs against OpenLDAP (issue 13, docs/directory-sync.md "Base DNs"):
 * people of both are synced, a mapped group under the second base gives its members of the first
 * an organization, a person moved from one base to the other stays active, a person moved to an
 * OU outside both is deactivated by the next incremental run, and the connection test names a
 * missing base DN.
 */

const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_TEST_BASE_DNS_OPENLDAP';
const SOURCE = 'ldap-two-bases';
const MOSCOW = ['anna', 'boris', 'vera'];
const EKB = ['gleb', 'dina', 'egor'];

const ou = (name: string) => [
  new Attribute({ type: 'objectClass', values: ['organizationalUnit'] }),
  new Attribute({ type: 'ou', values: [name] }),
];
const person = (uid: string) => [
  new Attribute({ type: 'objectClass', values: ['inetOrgPerson'] }),
  new Attribute({ type: 'uid', values: [uid] }),
  new Attribute({ type: 'cn', values: [uid] }),
  new Attribute({ type: 'sn', values: [uid] }),
];

describe.skipIf(!slapdAvailable)('a source with two base DNs against OpenLDAP', () => {
  let ldap: OpenLdap;
  let context: TestContext;
  let api: ApiClient;
  let moscow: string;
  let ekb: string;
  let other: string;
  let leavers: string;
  let group: string;
  const dn = (uid: string, base: string) => `uid=${uid},${base}`;
  const connection = (baseDns: string[]) => ({
    kind: 'ldap',
    url: ldap.url,
    allowPlain: true,
    bindDn: ldap.rootDn,
    bindPasswordEnv: PASSWORD_ENV,
    baseDns,
    timeoutMs: DIRECTORY_REQUEST_MS,
  });
  const byUsername = async () =>
    new Map((await peopleOf(context.services, SOURCE)).map((p) => [p.username, p]));

  beforeAll(async () => {
    // Moscow's people are the harness's ou=people.
    ldap = await startOpenLdap({
      ldif: MOSCOW.map((uid) => personLdif({ uid, sn: uid })).join('\n'),
    });
    moscow = ldap.peopleDn;
    ekb = `ou=Yekaterinburg,${ldap.baseDn}`;
    other = `ou=Contractors,${ldap.baseDn}`;
    leavers = `ou=Уволенные,${ldap.baseDn}`;
    group = `cn=ekb-team,${ekb}`;
    await ldap.asRoot(async (client) => {
      for (const [base, name] of [
        [ekb, 'Yekaterinburg'],
        [other, 'Contractors'],
        [leavers, 'Уволенные'],
      ] as const)
        await client.add(base, ou(name));
      for (const uid of EKB) await client.add(dn(uid, ekb), person(uid));
      await client.add(dn('zoya', other), person('zoya'));
      // A mapped group under the second base with a member of each base.
      await client.add(group, [
        new Attribute({ type: 'objectClass', values: ['groupOfNames'] }),
        new Attribute({ type: 'cn', values: ['ekb-team'] }),
        new Attribute({ type: 'member', values: [dn('gleb', ekb), dn('anna', moscow)] }),
      ]);
    });
    process.env[PASSWORD_ENV] = ldap.rootPassword;
    context = await startTestContext({ jobs: { enabled: false } });
    ({ api } = await signedIn(context, 'superadmin'));
    const created = await api.request<SourceView>('POST', '/api/v1/directory-sources', {
      body: {
        id: SOURCE,
        name: 'Two cities',
        connection: {
          ...connection([moscow, ekb]),
          groupMappings: [{ group, organization: 'Екатеринбург' }],
        },
        thresholds: { minShareOfManaged: 0.5, maxDeactivationShare: 0.5, maxDeactivations: 50 },
      },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.connection.baseDns).toEqual([moscow, ekb]);
    expect(created.body.connection).not.toHaveProperty('baseDn');
  });

  afterAll(async () => {
    if (context) {
      await drainRuns(context.services);
      await context.close();
    }
    await ldap?.close();
  });

  it('a full run syncs the people of both base DNs, and nobody outside them', async () => {
    const full = await sync(api, SOURCE, 'full');
    expect(full.status, full.error ?? '').toBe('succeeded');
    expect(full.counts).toMatchObject({ create: MOSCOW.length + EKB.length });
    const people = await byUsername();
    expect([...people.keys()].sort()).toEqual([...MOSCOW, ...EKB].sort());
    // The group lies under the second base; its member from the first base gets the organization.
    expect(people.get('anna')?.organization).toBe('Екатеринбург');
    expect(people.get('gleb')?.organization).toBe('Екатеринбург');
    expect(people.get('boris')?.organization).toBeNull();
  });

  it('moved between the bases: still active; moved outside both: deactivated; moved in: created', async () => {
    await ldap.asRoot(async (client) => {
      await client.modifyDN(dn('boris', moscow), dn('boris', ekb));
      await client.modifyDN(dn('vera', moscow), dn('vera', leavers));
      await client.modifyDN(dn('zoya', other), dn('zoya', ekb));
    });
    const before = await byUsername();
    const run = await sync(api, SOURCE, 'incremental');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.readMode).toBe('incremental');
    expect(run.counts).toMatchObject({ deactivate: 1, create: 1 });
    const plan = await planOf(api, run.id);
    expect(plan.filter((line) => line.action === 'deactivate').map((line) => line.label)).toEqual([
      'vera',
    ]);
    const after = await byUsername();
    expect(after.get('boris')).toMatchObject({
      status: 'active',
      id: before.get('boris')?.id,
      external_id: before.get('boris')?.external_id,
    });
    expect(after.get('vera')?.status).toBe('deactivated');
    expect(after.get('zoya')?.status).toBe('active');
    for (const uid of ['anna', 'gleb', 'dina', 'egor'])
      expect(after.get(uid)?.status).toBe('active');
    // Nothing left: the next incremental run finds nobody gone.
    const again = await sync(api, SOURCE, 'incremental');
    expect(again.counts.deactivate ?? 0).toBe(0);
  });

  it('a change of a mapped group under the second base reaches an incremental run', async () => {
    await ldap.asRoot((client) =>
      client.modify(
        group,
        new Change({
          operation: 'add',
          modification: new Attribute({ type: 'member', values: [dn('dina', ekb)] }),
        }),
      ),
    );
    const run = await sync(api, SOURCE, 'incremental');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect((await byUsername()).get('dina')?.organization).toBe('Екатеринбург');
  });

  it('overlapping base DNs (possible only without the schema) read each entry once', async () => {
    const parsed = directorySourceSchema.parse({ ...connection([moscow]), id: 'overlap' });
    const source = withBaseDns(parsed, [ldap.baseDn, ekb]);
    const read = await createDirectoryReader(source, { now: () => new Date() }).read({
      mode: 'full',
    });
    const people: SourcePerson[] = [];
    for await (const page of read.pages) people.push(...page);
    const names = people.map((p) => p.username).sort();
    expect(names).toEqual(['anna', 'boris', 'dina', 'egor', 'gleb', 'vera', 'zoya']);
  });

  it('the connection test checks each base DN and names the missing one', async () => {
    const good = await api.request<ConnectionTestView>(
      'POST',
      `/api/v1/directory-sources/${SOURCE}/test`,
      {
        body: {},
      },
    );
    expect(good.status, good.text).toBe(200);
    const steps = good.body.steps;
    expect(steps.find((step) => step.step === 'base_dn')).toMatchObject({
      code: 'base_dns_found',
      params: { count: 2, baseDns: `${moscow}; ${ekb}` },
    });
    expect(steps.find((step) => step.step === 'filter')).toMatchObject({ code: 'filter_matched' });

    const missing = `ou=Novosibirsk,${ldap.baseDn}`;
    const created = await api.request('POST', '/api/v1/directory-sources', {
      body: { id: 'ldap-missing-base', name: 'missing', connection: connection([moscow, missing]) },
    });
    expect(created.status, created.text).toBe(201);
    const bad = await api.request<ConnectionTestView>(
      'POST',
      '/api/v1/directory-sources/ldap-missing-base/test',
      {
        body: {},
      },
    );
    expect(bad.status, bad.text).toBe(200);
    expect(bad.body.ok).toBe(false);
    const step = bad.body.steps.find((s) => s.step === 'base_dn');
    expect(step).toMatchObject({ code: 'base_dn_not_found', params: { baseDn: missing } });
  });

  it('login searches every base DN: a person of the second signs in; a login found twice does not', async () => {
    const password = 'Пароль-Egor-2026!';
    const change = (value: string) =>
      new Change({
        operation: 'replace',
        modification: new Attribute({ type: 'userPassword', values: [value] }),
      });
    await ldap.asRoot(async (client) => {
      await client.modify(dn('egor', ekb), change(password));
    });
    const { rows } = await context.services.pool.query(
      "select login_method from app_user where username = 'egor' and source_id = $1",
      [SOURCE],
    );
    expect(rows).toEqual([{ login_method: 'ldap' }]);
    const ok = await startMessenger(context, 'egor', password);
    expect(ok.status, ok.text).toBe(200);
    expect((await startMessenger(context, 'egor', `${password}x`)).status).toBe(401);

    // The same login under the first base as well: ambiguous, so nobody signs in with it.
    await ldap.asRoot(async (client) => {
      await client.add(dn('egor', moscow), person('egor'));
      await client.modify(dn('egor', moscow), change(password));
    });
    const twice = await startMessenger(context, 'egor', password);
    expect(twice.status).toBe(401);
    expect((twice.body as unknown as Problem).code).toBe('invalid_credentials');
  });
});
