import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainRuns } from '../../server/sources/runs.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import {
  addLdapPerson,
  type LdapPerson,
  ldapPersonDn,
  type OpenLdap,
  personLdif,
  slapdAvailable,
  startOpenLdap,
} from '../support/openldap.ts';
import { addOpenLdapSource, type PersonRow, peopleOf, planOf, sync } from './support.ts';

/**
 * Reconnection (issue 13) on generic LDAP, against a real slapd: a person deleted and added
 * again gets a new entryUUID. With the same `employeeNumber` (the generic-LDAP mapping of the
 * employee number) the person is found again — relinked, reactivated, history kept — by full and
 * incremental runs; the same login or mail with another or no number is proposed and links
 * nobody until an admin decides; a decision is applied by the next run that reads the entry.
 * The reconnection SQL is the same as for AD (reconnectSamba.test.ts); what differs here is the
 * reader: entryUUID ids, employeeNumber, and deletions seen by the id enumeration.
 */

const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_TEST_RECONNECT_OPENLDAP';
const SOURCE = 'ldap-reconnect';

/** The people of the first read, with their employee numbers. */
const FIRST: [string, string][] = [
  ['stays', 'E-1'],
  ['rehire', 'E-100'],
  ['nokey', 'E-200'],
  ['nonum', 'E-250'],
  ['later', 'E-500'],
  ['swap', 'E-600'],
  ['swapinc', 'E-700'],
  ['ign', 'E-800'],
  ['linkinc', 'E-900'],
];
/** Still active when their entry is deleted and added again. */
const ACTIVE = ['stays', 'swap', 'swapinc'];

const person = (uid: string, employeeNumber?: string): LdapPerson => ({
  uid,
  givenName: 'Имя',
  sn: `Фамилия ${uid}`,
  mail: `${uid}@corp.example.test`,
  ...(employeeNumber ? { employeeNumber } : {}),
});

describe.skipIf(!slapdAvailable)('reconnection against OpenLDAP', () => {
  let ldap: OpenLdap;
  let context: TestContext;
  let api: ApiClient;
  const people = async () =>
    new Map((await peopleOf(context.services, SOURCE)).map((p) => [p.username ?? '', p] as const));
  const row = async (name: string): Promise<PersonRow> => {
    const found = (await people()).get(name);
    expect(found, name).toBeDefined();
    return found as PersonRow;
  };
  const remove = (uids: string[]) =>
    ldap.asRoot(async (client) => {
      for (const uid of uids) await client.del(ldapPersonDn(uid));
    });
  const add = async (entries: LdapPerson[]) => {
    for (const entry of entries) await addLdapPerson(ldap, entry);
  };
  const decide = (runId: string, seq: number | undefined, decision: string) =>
    api.request('POST', `/api/v1/sync-runs/${runId}/plan/${seq}/decision`, { body: { decision } });
  const seqOf = async (runId: string, label: string) =>
    (
      (await planOf(api, runId)).find((line) => line.label === label) as
        | { seq?: number }
        | undefined
    )?.seq;

  beforeAll(async () => {
    ldap = await startOpenLdap({
      ldif: FIRST.map(([uid, number]) => personLdif(person(uid, number))).join('\n'),
    });
    process.env[PASSWORD_ENV] = ldap.rootPassword;
    context = await startTestContext({ jobs: { enabled: false } });
    ({ api } = await signedIn(context, 'superadmin'));
    const created = await addOpenLdapSource(api, ldap, {
      id: SOURCE,
      name: 'OpenLDAP (reconnection)',
      passwordEnv: PASSWORD_ENV,
      baseDn: ldap.peopleDn,
      // Most of this small directory leaves at once: no approval in these tests.
      thresholds: { minShareOfManaged: 0, maxDeactivationShare: 1, maxDeactivations: 100 },
    });
    expect(created).toMatchObject({ reconnect: 'employeeId' });
    const initial = await sync(api, SOURCE, 'full');
    expect(initial.status, initial.error ?? '').toBe('succeeded');
    expect(initial.counts).toMatchObject({ create: FIRST.length, conflict: 0 });
    // The employee number comes from employeeNumber (the generic-LDAP mapping).
    expect((await row('rehire')).employee_number).toBe('E-100');
    await remove(FIRST.map(([uid]) => uid).filter((uid) => !ACTIVE.includes(uid)));
    const gone = await sync(api, SOURCE, 'full');
    expect(gone.status, gone.error ?? '').toBe('succeeded');
    expect(gone.counts).toMatchObject({ deactivate: FIRST.length - ACTIVE.length });
  });

  afterAll(async () => {
    if (context) {
      await drainRuns(context.services);
      await context.close();
    }
    await ldap?.close();
  });

  it('full run: the same employeeNumber reconnects (same id, reactivated, history kept); login or mail alone is proposed and links nobody', async () => {
    const before = await people();
    await add([
      person('rehire', 'E-100'),
      person('nokey', 'E-201'),
      person('nonum'),
      person('ign', 'E-801'),
      person('linkinc', 'E-901'),
    ]);
    const run = await sync(api, SOURCE, 'full');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.counts).toMatchObject({ reactivate: 1, conflict: 4, create: 0, deactivate: 0 });
    const lines = new Map((await planOf(api, run.id)).map((line) => [line.label, line] as const));

    const old = before.get('rehire') as PersonRow;
    const rehire = await row('rehire');
    expect(rehire).toMatchObject({ id: old.id, status: 'active', employee_number: 'E-100' });
    expect(rehire.external_id).not.toBe(old.external_id);
    expect(lines.get('rehire')).toMatchObject({
      action: 'reactivate',
      userId: old.id,
      externalId: rehire.external_id,
      diff: {
        externalId: { from: old.external_id, to: rehire.external_id },
        status: { from: 'deactivated', to: 'active' },
      },
      reason: expect.stringContaining(
        `reconnected by employee number E-100: the account was re-created (was ${old.external_id})`,
      ),
    });
    // History kept: created, deactivated, relinked, reactivated — all on the same person.
    const { rows: audit } = await context.services.pool.query<{
      action: string;
      diff: { before?: Record<string, unknown>; after?: Record<string, unknown> } | null;
    }>('select action, diff from audit_event where target_id = $1 order by seq', [old.id]);
    expect(audit[0]?.action).toBe('user.created');
    expect(
      audit.find((event) => event.action === 'user.updated' && event.diff?.after?.externalId)?.diff,
    ).toMatchObject({
      before: { externalId: old.external_id },
      after: { externalId: rehire.external_id },
    });
    expect(
      audit.map((e) => e.action).filter((a) => a !== 'user.created' && a !== 'user.updated'),
    ).toHaveLength(2);

    // Another number, or none: a proposal naming the former person; nobody linked or created.
    for (const name of ['nokey', 'nonum', 'ign', 'linkinc']) {
      const former = before.get(name) as PersonRow;
      expect(lines.get(name), name).toMatchObject({
        action: 'conflict',
        userId: null,
        reason: expect.stringMatching(
          new RegExp(
            `^may be the same person as ${name} \\(deactivated \\d{4}-\\d{2}-\\d{2}\\): link, create new or ignore in the console$`,
          ),
        ),
        proposed: { userId: former.id, label: name },
      });
      expect(await row(name)).toMatchObject({
        id: former.id,
        status: 'deactivated',
        external_id: former.external_id,
      });
    }
    expect((await people()).size).toBe(FIRST.length);
  });

  it('decisions: link is applied by the next full run, ignore leaves the entry out', async () => {
    const proposals = await sync(api, SOURCE, 'full');
    expect(proposals.counts).toMatchObject({ reactivate: 0, conflict: 4, create: 0 });
    const nonum = await row('nonum');
    const linked = await decide(proposals.id, await seqOf(proposals.id, 'nonum'), 'link');
    expect(linked.status, linked.text).toBe(200);
    expect(linked.body).toMatchObject({ decision: 'link', userId: nonum.id });
    const ignored = await decide(proposals.id, await seqOf(proposals.id, 'ign'), 'ignore');
    expect(ignored.status, ignored.text).toBe(200);

    const next = await sync(api, SOURCE, 'full');
    expect(next.status, next.error ?? '').toBe('succeeded');
    expect(next.counts).toMatchObject({ reactivate: 1, conflict: 2, create: 0 });
    const lines = new Map((await planOf(api, next.id)).map((line) => [line.label, line] as const));
    expect(lines.get('nonum')).toMatchObject({
      action: 'reactivate',
      userId: nonum.id,
      diff: { externalId: { from: nonum.external_id } },
      reason: expect.stringContaining("reconnected by an admin's decision"),
    });
    expect(lines.get('ign')).toMatchObject({
      action: 'unchanged',
      reason: expect.stringMatching(
        /^ignored by an admin's decision: may be the same person as ign/,
      ),
    });
    const after = await row('nonum');
    expect(after).toMatchObject({ id: nonum.id, status: 'active' });
    expect(after.external_id).not.toBe(nonum.external_id);
    expect((await row('ign')).status).toBe('deactivated');
  });

  it('a link decision is applied by the next incremental run, the entry unchanged since', async () => {
    const proposals = await sync(api, SOURCE, 'full');
    const former = await row('linkinc');
    const linked = await decide(proposals.id, await seqOf(proposals.id, 'linkinc'), 'link');
    expect(linked.status, linked.text).toBe(200);
    // Nothing changed in the directory since the cursor: the run reads the decided entry anyway.
    const run = await sync(api, SOURCE, 'incremental');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.readMode).toBe('incremental');
    expect(run.counts).toMatchObject({ read: 1, reactivate: 1, create: 0, conflict: 0 });
    const line = (await planOf(api, run.id)).find((l) => l.label === 'linkinc');
    expect(line).toMatchObject({
      action: 'reactivate',
      userId: former.id,
      reason: expect.stringContaining("reconnected by an admin's decision"),
    });
    const after = await row('linkinc');
    // The entry's own employeeNumber comes with the link.
    expect(after).toMatchObject({ id: former.id, status: 'active', employee_number: 'E-901' });
    expect(after.external_id).not.toBe(former.external_id);
    // Linked once: the next incremental run has nothing more to do for it.
    const again = await sync(api, SOURCE, 'incremental');
    expect(again.counts).toMatchObject({ reactivate: 0, update: 0, conflict: 0 });
  });

  it('an incremental run reconnects a person the source deactivated', async () => {
    const old = await row('later');
    await add([person('later', 'E-500')]);
    const run = await sync(api, SOURCE, 'incremental');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.readMode).toBe('incremental');
    expect(run.counts).toMatchObject({ reactivate: 1, conflict: 0, create: 0 });
    const later = await row('later');
    expect(later).toMatchObject({ id: old.id, status: 'active' });
    expect(later.external_id).not.toBe(old.external_id);
  });

  it('an active person deleted and added again between two runs is relinked, never deactivated (incremental and full)', async () => {
    const incremental = await row('swapinc');
    await remove(['swapinc']);
    await add([person('swapinc', 'E-700')]);
    // Incremental: the id enumeration no longer has the old entryUUID.
    const inc = await sync(api, SOURCE, 'incremental');
    expect(inc.status, inc.error ?? '').toBe('succeeded');
    expect(inc.readMode).toBe('incremental');
    const incPlan = await planOf(api, inc.id);
    expect(incPlan.find((line) => line.label === 'swapinc')).toMatchObject({
      action: 'update',
      userId: incremental.id,
      diff: { externalId: { from: incremental.external_id } },
    });
    expect(incPlan.filter((l) => l.action === 'deactivate' || l.action === 'conflict')).toEqual([]);

    const full = await row('swap');
    await remove(['swap']);
    await add([person('swap', 'E-600')]);
    const run = await sync(api, SOURCE, 'full');
    expect(run.status, run.error ?? '').toBe('succeeded');
    const plan = await planOf(api, run.id);
    expect(plan.find((line) => line.label === 'swap')).toMatchObject({
      action: 'update',
      userId: full.id,
      diff: { externalId: { from: full.external_id } },
    });
    expect(plan.filter((line) => line.action === 'deactivate')).toEqual([]);
    for (const [name, before] of [
      ['swap', full],
      ['swapinc', incremental],
    ] as const) {
      const after = await row(name);
      expect(after).toMatchObject({ id: before.id, status: 'active' });
      expect(after.external_id).not.toBe(before.external_id);
    }
  });
});
