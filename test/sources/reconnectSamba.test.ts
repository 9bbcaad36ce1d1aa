import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConnectors } from '../../server/core/connectors/registry.ts';
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
 * former people share links nobody; an admin's "create a new person" makes the next run create
 * them, the former person releasing the login and e-mail.
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
    ['fresh', 'E-900'],
    ['back', 'E-950'],
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
    // A connector row, so what the core is told is written to the outbox (nothing delivers it).
    await registerConnectors(context.services, [{ name: 'core', kind: 'webhook' }]);
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

  it("an admin's decision on a proposal: link reconnects on the next run, ignore leaves the entry out; audited", async () => {
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

  it("'create a new person': the next run creates them with the login and e-mail the former person releases; a former person reactivated meanwhile releases nothing", async () => {
    const freshOld = await row('fresh');
    const backOld = await row('back');
    // Re-created with another employee number (fresh) or none (back): proposals.
    await add([person('fresh', 'E-901'), person('back')]);
    const run = await sync(api, SOURCE, 'full');
    expect(run.status, run.error ?? '').toBe('succeeded');
    const plan = await planOf(api, run.id);
    const seqOf = (label: string) =>
      (
        plan.find((line) => line.label === label && line.action === 'conflict') as
          | { seq?: number }
          | undefined
      )?.seq;
    const decide = (seq: number | undefined, client = api) =>
      client.request('POST', `/api/v1/sync-runs/${run.id}/plan/${seq}/decision`, {
        body: { decision: 'create' },
      });
    for (const role of ['staff', 'auditor'] as const) {
      const { api: other } = await signedIn(context, role);
      expect((await decide(seqOf('fresh'), other)).status, role).toBe(403);
    }
    const created = await decide(seqOf('fresh'));
    expect(created.status, created.text).toBe(200);
    expect(created.body).toMatchObject({ decision: 'create', userId: freshOld.id });
    expect((await decide(seqOf('back'))).status).toBe(200);
    const { rows: decidedEvents } = await context.services.pool.query<{
      details: { decision: string; person: string };
    }>(
      `select details from audit_event where action = 'sync_run.decided' and outcome = 'success'
        and target_id = $1 order by seq`,
      [run.id],
    );
    expect(decidedEvents.map((event) => [event.details.decision, event.details.person])).toEqual([
      ['create', 'fresh'],
      ['create', 'back'],
    ]);
    // Back by hand after the decision: the decision no longer describes them.
    const activated = await api.request('POST', `/api/v1/users/${backOld.id}/activate`, {
      body: {},
    });
    expect(activated.status, activated.text).toBe(200);

    const next = await sync(api, SOURCE, 'full');
    expect(next.status, next.error ?? '').toBe('succeeded');
    const lines = await planOf(api, next.id);
    const freshLine = lines.find((line) => line.label === 'fresh');
    expect(freshLine).toMatchObject({
      action: 'create',
      outcome: 'applied',
      reason: expect.stringMatching(
        /^login fresh and e-mail fresh@corp\.example\.test released by fresh \(deactivated \d{4}-\d{2}-\d{2}\) by an admin's decision: a new person is created$/,
      ),
    });
    // The new person: another id, the login, the e-mail, the new account.
    const fresh = await row('fresh');
    expect(fresh.id).not.toBe(freshOld.id);
    expect(fresh).toMatchObject({
      status: 'active',
      email: 'fresh@corp.example.test',
      external_id: freshLine?.externalId,
      employee_number: 'E-901',
    });
    // The former person: same id and account, still deactivated, login and e-mail released.
    const { rows: former } = await context.services.pool.query<PersonRow>(
      'select id, username, email, status, external_id, employee_number from app_user where id = $1',
      [freshOld.id],
    );
    expect(former[0]).toMatchObject({
      id: freshOld.id,
      username: null,
      email: null,
      status: 'deactivated',
      external_id: freshOld.external_id,
      employee_number: 'E-900',
    });
    const { rows: history } = await context.services.pool.query<{
      action: string;
      reason: string | null;
      diff: { before?: Record<string, unknown>; after?: Record<string, unknown> } | null;
      details: Record<string, unknown>;
    }>('select action, reason, diff, details from audit_event where target_id = $1 order by seq', [
      freshOld.id,
    ]);
    expect(history.map((event) => event.action)).toEqual([
      'user.created',
      'user.deactivated',
      'user.updated',
    ]);
    const admin = await context.services.pool.query<{ id: string; username: string }>(
      `select u.id, u.username from app_user u
        join sync_reconnect_decision d on d.decided_by_id = u.id
       where d.source_id = $1 and d.user_id = $2`,
      [SOURCE, freshOld.id],
    );
    expect(history[2]).toMatchObject({
      reason: expect.stringContaining(
        'login fresh and e-mail fresh@corp.example.test released for a new person',
      ),
      diff: {
        before: { username: 'fresh', email: 'fresh@corp.example.test' },
        after: { username: null, email: null },
      },
      details: {
        released: true,
        newUserId: fresh.id,
        decidedById: admin.rows[0]?.id,
        decidedBy: admin.rows[0]?.username,
        decidedInRunId: run.id,
        runId: next.id,
      },
    });
    const { rows: createdEvents } = await context.services.pool.query(
      `select 1 from audit_event where action = 'user.created' and target_id = $1`,
      [fresh.id],
    );
    expect(createdEvents).toHaveLength(1);
    // Each keeps a messenger account of their own: the former person's (archive, roster) is
    // never the new person's, although the login moved (test/core/coreAccounts.test.ts).
    const { rows: accounts } = await context.services.pool.query<{ id: string; core: string }>(
      'select id, core_account as core from app_user where id = any($1::uuid[])',
      [[freshOld.id, fresh.id]],
    );
    expect(Object.fromEntries(accounts.map((account) => [account.id, account.core]))).toEqual({
      [freshOld.id]: 'fresh',
      [fresh.id]: `u${fresh.id.replaceAll('-', '')}`,
    });
    const { rows: told } = await context.services.pool.query<{ payload: unknown }>(
      `select payload from outbox_event where key = $1 and type = 'person.upserted'`,
      [fresh.id],
    );
    expect(told.length).toBeGreaterThan(0);
    for (const event of told)
      expect(event.payload).toMatchObject({
        person: { username: 'fresh', coreAccount: `u${fresh.id.replaceAll('-', '')}` },
      });

    // The person reactivated by hand holds their login: nothing released, nobody created.
    const backLine = lines.find((line) => line.label === 'back' && line.action !== 'deactivate');
    expect(backLine).toMatchObject({
      action: 'conflict',
      reason: expect.stringContaining('username back belongs to another person'),
    });
    const { rows: backNow } = await context.services.pool.query<PersonRow>(
      'select id, username, email from app_user where id = $1',
      [backOld.id],
    );
    expect(backNow[0]).toMatchObject({ username: 'back', email: 'back@corp.example.test' });
    expect(
      (await peopleOf(context.services, SOURCE)).filter((p) => p.username === 'back'),
    ).toHaveLength(1);
    expect(next.counts).toMatchObject({ create: 1 });

    // The next run: the new person is simply there; the decision on back, made before the
    // source deactivated them again, is outdated, so back is proposed again.
    const again = await sync(api, SOURCE, 'full');
    expect(again.status, again.error ?? '').toBe('succeeded');
    const againLines = await planOf(api, again.id);
    // Unchanged since created: recognized by its digest, so not in the plan at all.
    expect(againLines.find((line) => line.label === 'fresh')).toBeUndefined();
    expect(again.counts.unchangedByDigest).toBeGreaterThanOrEqual(1);
    expect(againLines.find((line) => line.label === 'back')).toMatchObject({
      action: 'conflict',
      reason: expect.stringMatching(/: link, create new or ignore in the console$/),
    });
    expect(again.counts).toMatchObject({ create: 0 });
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
