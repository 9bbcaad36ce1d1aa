import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directorySourceSchema } from '../../server/shared/config/directorySources.ts';
import { probeDeletionDetection } from '../../server/sources/ldap/absence.ts';
import { drainRuns } from '../../server/sources/runs.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { type SambaDc, sambaAvailable, startSambaDc } from '../support/samba.ts';
import {
  addOu,
  addPeople,
  deleteEntry,
  grantDeletedObjects,
  renamePerson,
} from '../support/sambaPeople.ts';
import { DIRECTORY_REQUEST_MS } from '../support/timeouts.ts';
import { peopleOf, planOf, sync } from './support.ts';

/**
 * Deletions and moves out of the base DN reach INCREMENTAL runs against Samba AD (issue 13),
 * read by a service account that is NOT an administrator: tombstones (Show Deleted control,
 * `CN=Deleted Objects`) once the account is granted list and read on that container, and
 * entries changed since the cursor outside the base DN. Without the grant AD answers zero
 * tombstones and no error: the probe and the run say "deletion detection not permitted".
 */

const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_TEST_DELETIONS_SAMBA';
const SERVICE_PASSWORD = 'Svc-Deletions-Passw0rd!';
const SOURCE = 'samba-deletions';
const PEOPLE = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9'];

describe.skipIf(!sambaAvailable)('incremental deletions against Samba AD', () => {
  let dc: SambaDc;
  let context: TestContext;
  let api: ApiClient;
  let dns: string[];
  let leavers: string;
  let serviceDn: string;
  const statusOf = async () =>
    new Map((await peopleOf(context.services, SOURCE)).map((p) => [p.username, p.status]));
  const probe = () =>
    probeDeletionDetection(
      directorySourceSchema.parse({
        kind: 'active-directory',
        id: SOURCE,
        url: dc.url,
        allowPlain: true,
        bindDn: serviceDn,
        bindPasswordEnv: PASSWORD_ENV,
        baseDn: `OU=Staff,${dc.baseDn}`,
        timeoutMs: DIRECTORY_REQUEST_MS,
      }),
    );

  beforeAll(async () => {
    dc = await startSambaDc();
    const staff = await addOu(dc, 'Staff');
    leavers = await addOu(dc, 'Уволенные');
    dns = await addPeople(
      dc,
      PEOPLE.map((name) => ({ name, parent: staff, givenName: 'Имя', sn: `Фамилия ${name}` })),
    );
    // An ordinary domain user: no administrator rights, no replication rights.
    await dc.tool('user', 'add', 'svc-sync', SERVICE_PASSWORD);
    serviceDn = await dc.dnOf('svc-sync');
    process.env[PASSWORD_ENV] = SERVICE_PASSWORD;
    context = await startTestContext({ jobs: { enabled: false } });
    ({ api } = await signedIn(context, 'superadmin'));
    const created = await api.request('POST', '/api/v1/directory-sources', {
      body: {
        id: SOURCE,
        name: 'Samba AD (deletions)',
        connection: {
          kind: 'active-directory',
          url: dc.url,
          allowPlain: true,
          bindDn: serviceDn,
          bindPasswordEnv: PASSWORD_ENV,
          baseDn: staff,
          timeoutMs: DIRECTORY_REQUEST_MS,
        },
        thresholds: { minShareOfManaged: 0.5, maxDeactivationShare: 0.5, maxDeactivations: 3 },
      },
    });
    expect(created.status, created.text).toBe(201);
  });

  afterAll(async () => {
    if (context) {
      await drainRuns(context.services);
      await context.close();
    }
    await dc?.close();
  });

  const dn = (name: string) => dns[PEOPLE.indexOf(name)] ?? '';

  it('without the grant: the probe and the run say deletion detection is not permitted; moves are still seen', async () => {
    const full = await sync(api, SOURCE, 'full');
    expect(full.status, full.error ?? '').toBe('succeeded');
    expect(full.counts).toMatchObject({ create: PEOPLE.length });
    expect(await probe()).toMatchObject({
      permitted: false,
      method: 'tombstones',
      message: expect.stringMatching(/^deletion detection not permitted/),
    });
    await deleteEntry(dc, dn('p0'));
    await renamePerson(dc, dn('p1'), { parent: leavers });
    const run = await sync(api, SOURCE, 'incremental');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.readMode).toBe('incremental');
    expect(run.details).toMatchObject({
      deletionDetection: { permitted: false, method: 'tombstones' },
    });
    expect(run.counts).toMatchObject({ deactivate: 1 });
    const plan = await planOf(api, run.id);
    expect(plan.find((line) => line.action === 'deactivate')).toMatchObject({
      label: 'p1',
      reason: expect.stringMatching(/^moved out of the base DN \(now CN=p1,OU=Уволенные,/),
    });
    const status = await statusOf();
    expect(status.get('p1')).toBe('deactivated');
    // The deletion is missed (said so in the run): left to the full run.
    expect(status.get('p0')).toBe('active');
  });

  it('with the documented grant: a deleted person and one moved to «Уволенные» are deactivated, nobody else', async () => {
    await grantDeletedObjects(dc, 'svc-sync');
    expect(await probe()).toMatchObject({ permitted: true, method: 'tombstones' });
    await deleteEntry(dc, dn('p2'));
    await renamePerson(dc, dn('p3'), { parent: leavers });
    const run = await sync(api, SOURCE, 'incremental');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.details).toMatchObject({ deletionDetection: { permitted: true } });
    expect(run.counts).toMatchObject({ deactivate: 2 });
    const plan = await planOf(api, run.id);
    const reasons = new Map(
      plan.filter((l) => l.action === 'deactivate').map((l) => [l.label, l.reason] as const),
    );
    expect(reasons.get('p2')).toMatch(/^deleted in the directory \(was in OU=Staff,DC=corp/);
    expect(reasons.get('p3')).toMatch(/^moved out of the base DN \(now CN=p3,OU=Уволенные,/);
    const status = await statusOf();
    expect(status.get('p2')).toBe('deactivated');
    expect(status.get('p3')).toBe('deactivated');
    for (const name of ['p0', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9'])
      expect(status.get(name)).toBe('active');
    // The deletion missed without the grant goes with the next full run.
    const full = await sync(api, SOURCE, 'full');
    expect(full.counts).toMatchObject({ deactivate: 1 });
    expect((await statusOf()).get('p0')).toBe('deactivated');
  });

  it('a mass deletion waits for an approval, as in a full run', async () => {
    // 6 managed, at most 3 deactivations without an approval.
    for (const name of ['p4', 'p5', 'p6', 'p7']) await deleteEntry(dc, dn(name));
    const run = await sync(api, SOURCE, 'incremental');
    expect(run.status, run.error ?? '').toBe('awaiting_approval');
    expect(run.counts).toMatchObject({ deactivate: 4 });
    expect(run.safety).toMatch(/4 deactivations exceed the limit of 3/);
    const status = await statusOf();
    for (const name of ['p4', 'p5', 'p6', 'p7', 'p8', 'p9'])
      expect(status.get(name)).toBe('active');
  });
});
