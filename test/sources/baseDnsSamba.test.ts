import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainRuns } from '../../server/sources/runs.ts';
import type { SourceView } from '../../server/sources/schemas.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { type SambaDc, sambaAvailable, startSambaDc } from '../support/samba.ts';
import { addOu, addPeople, renamePerson } from '../support/sambaPeople.ts';
import { DIRECTORY_REQUEST_MS } from '../support/timeouts.ts';
import { peopleOf, planOf, sync } from './support.ts';

/**
 * A source with two base DNs against Samba AD (issue 13, docs/directory-sync.md "Base DNs"), read
 * by a service account that is not an administrator: people of both OUs are synced, a person
 * moved from one OU to the other stays active, a person moved to «Уволенные» (outside both) is
 * deactivated by the next incremental run.
 */

const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_TEST_BASE_DNS_SAMBA';
const SERVICE_PASSWORD = 'Svc-BaseDns-Passw0rd!';
const SOURCE = 'samba-two-bases';
const MOSCOW = ['m0', 'm1', 'm2', 'm3'];
const EKB = ['e0', 'e1', 'e2'];

describe.skipIf(!sambaAvailable)('a source with two base DNs against Samba AD', () => {
  let dc: SambaDc;
  let context: TestContext;
  let api: ApiClient;
  let moscow: string;
  let ekb: string;
  let leavers: string;
  const dns = new Map<string, string>();
  const byUsername = async () =>
    new Map((await peopleOf(context.services, SOURCE)).map((p) => [p.username, p]));

  beforeAll(async () => {
    dc = await startSambaDc();
    moscow = await addOu(dc, 'Moscow');
    ekb = await addOu(dc, 'Yekaterinburg');
    const outside = await addOu(dc, 'Contractors');
    leavers = await addOu(dc, 'Уволенные');
    const add = async (names: string[], parent: string) => {
      const added = await addPeople(
        dc,
        names.map((name) => ({ name, parent, givenName: 'Имя', sn: `Фамилия ${name}` })),
      );
      for (const [index, name] of names.entries()) dns.set(name, added[index] ?? '');
    };
    await add(MOSCOW, moscow);
    await add(EKB, ekb);
    await add(['c0'], outside);
    // An ordinary domain user: no administrator rights, no replication rights.
    await dc.tool('user', 'add', 'svc-sync', SERVICE_PASSWORD);
    const serviceDn = await dc.dnOf('svc-sync');
    process.env[PASSWORD_ENV] = SERVICE_PASSWORD;
    context = await startTestContext({ jobs: { enabled: false } });
    ({ api } = await signedIn(context, 'superadmin'));
    const created = await api.request<SourceView>('POST', '/api/v1/directory-sources', {
      body: {
        id: SOURCE,
        name: 'Samba AD (two cities)',
        connection: {
          kind: 'active-directory',
          url: dc.url,
          allowPlain: true,
          bindDn: serviceDn,
          bindPasswordEnv: PASSWORD_ENV,
          baseDns: [moscow, ekb],
          timeoutMs: DIRECTORY_REQUEST_MS,
        },
        thresholds: { minShareOfManaged: 0.5, maxDeactivationShare: 0.5, maxDeactivations: 50 },
      },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.connection.baseDns).toEqual([moscow, ekb]);
  });

  afterAll(async () => {
    if (context) {
      await drainRuns(context.services);
      await context.close();
    }
    await dc?.close();
  });

  it('a full run syncs the people of both OUs, and nobody outside them', async () => {
    const full = await sync(api, SOURCE, 'full');
    expect(full.status, full.error ?? '').toBe('succeeded');
    expect(full.counts).toMatchObject({ create: MOSCOW.length + EKB.length });
    expect([...(await byUsername()).keys()].sort()).toEqual([...MOSCOW, ...EKB].sort());
  });

  it('moved from one base DN to the other: still active; moved to «Уволенные»: deactivated', async () => {
    const before = await byUsername();
    await renamePerson(dc, dns.get('m1') ?? '', { parent: ekb });
    await renamePerson(dc, dns.get('e1') ?? '', { parent: moscow });
    await renamePerson(dc, dns.get('m2') ?? '', { parent: leavers });
    const run = await sync(api, SOURCE, 'incremental');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.readMode).toBe('incremental');
    expect(run.counts).toMatchObject({ deactivate: 1 });
    const plan = await planOf(api, run.id);
    const gone = plan.filter((line) => line.action === 'deactivate');
    expect(gone.map((line) => line.label)).toEqual(['m2']);
    expect(gone[0]?.reason).toMatch(/^moved out of the base DNs \(now CN=m2,OU=Уволенные,/);
    const after = await byUsername();
    for (const name of ['m1', 'e1'])
      expect(after.get(name), name).toMatchObject({
        status: 'active',
        id: before.get(name)?.id,
        external_id: before.get(name)?.external_id,
      });
    expect(after.get('m2')?.status).toBe('deactivated');
    for (const name of ['m0', 'm3', 'e0', 'e2']) expect(after.get(name)?.status).toBe('active');
    // A full run agrees: nobody else goes, nobody comes back.
    const full = await sync(api, SOURCE, 'full');
    expect(full.status, full.error ?? '').toBe('succeeded');
    expect(full.counts.deactivate ?? 0).toBe(0);
    expect(full.counts.create ?? 0).toBe(0);
  });
});
