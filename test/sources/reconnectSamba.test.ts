import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainRuns } from '../../server/sources/runs.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { type SambaDc, sambaAvailable, startSambaDc } from '../support/samba.ts';
import { addOu, addPeople, type BulkPerson, deleteEntry } from '../support/sambaPeople.ts';
import { DIRECTORY_REQUEST_MS } from '../support/timeouts.ts';
import { type PersonRow, peopleOf, planOf, sync } from './support.ts';

/**
 * Reconnection (issue 13) against Samba AD: an account deleted and created again (a new
 * objectGUID) with the same sAMAccountName and mail. With the same employeeID the person is
 * found again (relinked, reactivated, history kept); without, the plan proposes the match as a
 * conflict and links nobody; the `never` policy leaves today's conflict; an employee number two
 * former people share links nobody.
 */

const PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_TEST_RECONNECT_SAMBA';
const SOURCE = 'samba-reconnect';

describe.skipIf(!sambaAvailable)('reconnection against Samba AD', () => {
  let dc: SambaDc;
  let context: TestContext;
  let api: ApiClient;
  let staff: string;
  const dnOf = new Map<string, string>();
  /** A run whose plan holds the proposals (decided on by a later test). */
  let proposalRun = '';
  const person = (name: string, employeeID?: string): BulkPerson => ({
    name,
    parent: staff,
    givenName: 'Имя',
    sn: `Фамилия ${name}`,
    mail: `${name}@corp.example.test`,
    ...(employeeID ? { employeeID } : {}),
  });
  const add = async (people: BulkPerson[]) => {
    const dns = await addPeople(dc, people);
    for (const [index, p] of people.entries()) dnOf.set(p.name, dns[index] ?? '');
  };
  const remove = async (names: string[]) => {
    for (const name of names) await deleteEntry(dc, dnOf.get(name) ?? '');
  };
  const people = async () =>
    new Map((await peopleOf(context.services, SOURCE)).map((p) => [p.username ?? '', p] as const));
  const row = async (name: string): Promise<PersonRow> => {
    const found = (await people()).get(name);
    expect(found, name).toBeDefined();
    return found as PersonRow;
  };
  /** The people of the first read; two share employee number E-400 (HR data errors happen). */
  const FIRST: [string, string][] = [
    ['stays', 'E-1'],
    ['rehire', 'E-100'],
    ['nokey', 'E-200'],
    ['policy', 'E-300'],
    ['twin1', 'E-400'],
    ['twin2', 'E-400'],
    ['later', 'E-500'],
    ['swap', 'E-600'],
    ['swapinc', 'E-700'],
    ['ign', 'E-800'],
  ];
  /** Still active when their account is re-created. */
  const ACTIVE = ['stays', 'swap', 'swapinc'];

  beforeAll(async () => {
    dc = await startSambaDc();
    process.env[PASSWORD_ENV] = dc.adminPassword;
    staff = await addOu(dc, 'Staff');
    // Built here: `staff` exists only now.
    await add(FIRST.map(([name, employeeID]) => person(name, employeeID)));
    context = await startTestContext({ jobs: { enabled: false } });
    ({ api } = await signedIn(context, 'superadmin'));
    const created = await api.request('POST', '/api/v1/directory-sources', {
      body: {
        id: SOURCE,
        name: 'Samba AD (reconnection)',
        connection: {
          kind: 'active-directory',
          url: dc.url,
          allowPlain: true,
          bindDn: dc.adminDn,
          bindPasswordEnv: PASSWORD_ENV,
          baseDn: staff,
          timeoutMs: DIRECTORY_REQUEST_MS,
        },
        // Most of this small directory leaves at once: no approval in these tests.
        thresholds: { minShareOfManaged: 0, maxDeactivationShare: 1, maxDeactivations: 100 },
      },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ reconnect: 'employeeId' });
    const initial = await sync(api, SOURCE, 'full');
    expect(initial.status, initial.error ?? '').toBe('succeeded');
    expect(initial.counts).toMatchObject({ create: FIRST.length, conflict: 0 });
    // The others are deleted in AD; the full run deactivates them.
    await remove(FIRST.map(([name]) => name).filter((name) => !ACTIVE.includes(name)));
    const gone = await sync(api, SOURCE, 'full');
    expect(gone.status, gone.error ?? '').toBe('succeeded');
    expect(gone.counts).toMatchObject({ deactivate: FIRST.length - ACTIVE.length });
  });

  afterAll(async () => {
    if (context) {
      await drainRuns(context.services);
      await context.close();
    }
    await dc?.close();
  });

  it('re-created accounts: the same employeeID reconnects; login and mail alone are proposed; a shared number links nobody', async () => {
    const before = await people();
    await add([
      person('rehire', 'E-100'),
      person('nokey', 'E-201'),
      person('twin1', 'E-400'),
      person('ign'),
    ]);
    const run = await sync(api, SOURCE, 'full');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.counts).toMatchObject({ reactivate: 1, conflict: 3, create: 0, deactivate: 0 });
    const plan = await planOf(api, run.id);
    const lines = new Map(plan.map((line) => [line.label, line] as const));

    // (a) the same person: same id, relinked to the new objectGUID, active again, history kept.
    const old = before.get('rehire') as PersonRow;
    const rehire = await row('rehire');
    expect(rehire.id).toBe(old.id);
    expect(rehire.status).toBe('active');
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
    const { rows: audit } = await context.services.pool.query<{
      action: string;
      diff: { before?: Record<string, unknown>; after?: Record<string, unknown> } | null;
    }>('select action, diff from audit_event where target_id = $1 order by seq', [old.id]);
    const actions = audit.map((event) => event.action);
    expect(actions[0]).toBe('user.created');
    const relinked = audit.find(
      (event) => event.action === 'user.updated' && event.diff?.after?.externalId !== undefined,
    );
    expect(relinked?.diff).toMatchObject({
      before: { externalId: old.external_id },
      after: { externalId: rehire.external_id },
    });
    // Deactivated, then reactivated: both through the lifecycle, both in the history.
    expect(
      actions.filter((action) => action !== 'user.created' && action !== 'user.updated'),
    ).toHaveLength(2);

    // (b) login and mail alone: proposed, nobody linked, nobody created.
    expect(lines.get('nokey')).toMatchObject({
      action: 'conflict',
      userId: null,
      reason: expect.stringMatching(
        /^may be the same person as nokey \(deactivated \d{4}-\d{2}-\d{2}\): link, create new or ignore in the console$/,
      ),
      // The proposed person, for the console's decision (not read from the reason's words).
      proposed: {
        userId: before.get('nokey')?.id,
        label: 'nokey',
        deactivatedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      },
    });
    const nokey = await row('nokey');
    expect(nokey).toMatchObject({
      id: before.get('nokey')?.id,
      status: 'deactivated',
      external_id: before.get('nokey')?.external_id,
    });

    // (d) two former people with the number: nobody is reconnected.
    expect(lines.get('twin1')).toMatchObject({
      action: 'conflict',
      userId: null,
      reason: expect.stringContaining(
        '2 former people of this source have employee number E-400; nobody is reconnected',
      ),
    });
    for (const name of ['twin1', 'twin2'])
      expect(await row(name)).toMatchObject({
        status: 'deactivated',
        external_id: before.get(name)?.external_id,
      });
    expect((await people()).size).toBe(FIRST.length);

    // The next run changes nothing: the reconnected person stays; the others stay proposed.
    const again = await sync(api, SOURCE, 'full');
    expect(again.counts).toMatchObject({ reactivate: 0, update: 0, conflict: 3, deactivate: 0 });
    proposalRun = again.id;
  });

  it("an admin's decision on a proposal: link reconnects on the next run, ignore leaves the entry out, create is refused; audited", async () => {
    const run = proposalRun;
    const plan = await planOf(api, run);
    const seqOf = (label: string) =>
      (plan.find((line) => line.label === label) as { seq?: number } | undefined)?.seq;
    const decide = (seq: number | undefined, decision: string, client = api) =>
      client.request('POST', `/api/v1/sync-runs/${run}/plan/${seq}/decision`, {
        body: { decision },
      });
    const { api: staff } = await signedIn(context, 'staff');
    expect((await decide(seqOf('nokey'), 'link', staff)).status).toBe(403);
    const create = await decide(seqOf('nokey'), 'create');
    expect(create.status, create.text).toBe(409);
    expect(create.text).toContain('create_not_available');
    // Not a proposal: a conflict about a shared employee number.
    expect((await decide(seqOf('twin1'), 'link')).status).toBe(409);
    const nokeyBefore = await row('nokey');
    const linked = await decide(seqOf('nokey'), 'link');
    expect(linked.status, linked.text).toBe(200);
    expect(linked.body).toMatchObject({ decision: 'link', userId: nokeyBefore.id });
    expect((await decide(seqOf('ign'), 'ignore')).status).toBe(200);
    const { rows: audited } = await context.services.pool.query<{
      details: { decision: string; person: string };
    }>(
      `select details from audit_event where action = 'sync_run.decided' and outcome = 'success'
        and target_id = $1 order by seq`,
      [run],
    );
    expect(audited.map((event) => [event.details.decision, event.details.person])).toEqual([
      ['link', 'nokey'],
      ['ignore', 'ign'],
    ]);

    const next = await sync(api, SOURCE, 'full');
    expect(next.status, next.error ?? '').toBe('succeeded');
    expect(next.counts).toMatchObject({ reactivate: 1, conflict: 1, create: 0 });
    const lines = new Map((await planOf(api, next.id)).map((line) => [line.label, line] as const));
    expect(lines.get('nokey')).toMatchObject({
      action: 'reactivate',
      userId: nokeyBefore.id,
      diff: { externalId: { from: nokeyBefore.external_id } },
      reason: expect.stringContaining("reconnected by an admin's decision"),
    });
    expect(lines.get('ign')).toMatchObject({
      action: 'unchanged',
      reason: expect.stringMatching(
        /^ignored by an admin's decision: may be the same person as ign/,
      ),
    });
    const nokey = await row('nokey');
    expect(nokey).toMatchObject({ id: nokeyBefore.id, status: 'active' });
    expect(nokey.external_id).not.toBe(nokeyBefore.external_id);
    expect((await row('ign')).status).toBe('deactivated');
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

  it('an active person whose account is deleted and re-created between two runs is relinked, never deactivated', async () => {
    const full = await row('swap');
    const incremental = await row('swapinc');
    await remove(['swapinc']);
    await add([person('swapinc', 'E-700')]);
    // Incremental: the tombstone of the old account (the absence check) says it is gone.
    const inc = await sync(api, SOURCE, 'incremental');
    expect(inc.status, inc.error ?? '').toBe('succeeded');
    expect(inc.readMode).toBe('incremental');
    const incPlan = await planOf(api, inc.id);
    expect(incPlan.find((l) => l.label === 'swapinc')).toMatchObject({
      action: 'update',
      userId: incremental.id,
      diff: { externalId: { from: incremental.external_id } },
    });
    expect(incPlan.filter((l) => l.action === 'deactivate' || l.action === 'conflict')).toEqual([]);
    // Full: the old id is simply not in the read.
    await remove(['swap']);
    await add([person('swap', 'E-600')]);
    const run = await sync(api, SOURCE, 'full');
    expect(run.status, run.error ?? '').toBe('succeeded');
    const plan = await planOf(api, run.id);
    expect(plan.find((l) => l.label === 'swap')).toMatchObject({
      action: 'update',
      userId: full.id,
      diff: { externalId: { from: full.external_id } },
    });
    expect(plan.filter((l) => l.action === 'deactivate')).toEqual([]);
    for (const [name, before] of [
      ['swap', full],
      ['swapinc', incremental],
    ] as const) {
      const after = await row(name);
      expect(after).toMatchObject({ id: before.id, status: 'active' });
      expect(after.external_id).not.toBe(before.external_id);
    }
  });

  it("the policy 'never': the re-created account is a conflict, as before", async () => {
    const patched = await api.request('PATCH', `/api/v1/directory-sources/${SOURCE}`, {
      body: { reconnect: 'never' },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ reconnect: 'never' });
    const old = await row('policy');
    await add([person('policy', 'E-300')]);
    const run = await sync(api, SOURCE, 'full');
    expect(run.status, run.error ?? '').toBe('succeeded');
    const line = (await planOf(api, run.id)).find((l) => l.label === 'policy');
    expect(line).toMatchObject({
      action: 'conflict',
      reason: expect.stringMatching(/^username policy belongs to another person/),
    });
    expect(await row('policy')).toMatchObject({
      id: old.id,
      status: 'deactivated',
      external_id: old.external_id,
    });
  });
});
