import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealStagedEvents } from '../../server/audit/seal.ts';
import { verifyAuditChain } from '../../server/audit/verify.ts';
import { applyPlan } from '../../server/sources/reconcile/apply.ts';
import { findRunSource } from '../../server/sources/registry.ts';
import { configureEngine, drainRuns } from '../../server/sources/runs.ts';
import type { RunView } from '../../server/sources/schemas.ts';
import type { ApiClient } from '../support/api.ts';
import { createDeviceSession, createPerson, signedIn } from '../support/factories.ts';
import type { TestContext } from '../support/harness.ts';
import { CONCURRENT_BATCH_MS, waitUntil } from '../support/timeouts.ts';
import { type MemoryDirectory, sourcePerson } from './memoryDirectory.ts';
import {
  closeEngineSuite,
  defineSource,
  peopleOf,
  planOf,
  startEngineSuite,
  sync,
} from './support.ts';

let context: TestContext;
let api: ApiClient;
let directories: Map<string, MemoryDirectory>;

beforeAll(async () => {
  ({ context, directories, api } = await startEngineSuite());
});

afterAll(() => closeEngineSuite(context));

async function syncedSource(count: number) {
  const source = await defineSource(api, directories);
  const people = Array.from({ length: count }, () => sourcePerson());
  source.directory.put(...people);
  const run = await sync(api, source.id);
  expect(run.status).toBe('succeeded');
  return { ...source, people };
}

const active = async (sourceId: string) =>
  (await peopleOf(context.services, sourceId)).filter((p) => p.status === 'active').length;

describe('nobody is deactivated by a read that looks broken', () => {
  it('a full read of zero entries', async () => {
    const { id, directory } = await syncedSource(5);
    directory.clear();
    const run = await sync(api, id);
    expect(run.status).toBe('succeeded');
    expect(run.safety).toContain('no entries');
    // The same reason as a code with params, which the console translates.
    expect(run).toMatchObject({ safetyCode: 'safety_empty_read', safetyParams: { managed: 5 } });
    expect(run.counts).toMatchObject({ deactivate: 5, blocked: 5, applied: 0 });
    const plan = await planOf(api, run.id);
    expect(plan.every((line) => line.blocked?.includes('no entries'))).toBe(true);
    expect(await active(id)).toBe(5);
  });

  it('a full read of fewer than half the people the source manages', async () => {
    const { id, directory, people } = await syncedSource(10);
    directory.remove(...people.slice(0, 6).map((p) => p.externalId));
    const run = await sync(api, id);
    expect(run.safety).toContain('fewer than 50%');
    expect(run).toMatchObject({
      safetyCode: 'safety_partial_read',
      safetyParams: { read: 4, share: 50, managed: 10 },
    });
    expect(run.counts.blocked).toBe(6);
    expect(await active(id)).toBe(10);
  });

  it('a read that fails midway plans and applies nothing', async () => {
    const { id, directory, people } = await syncedSource(9);
    directory.remove(people[0]?.externalId ?? '');
    directory.put(sourcePerson());
    directory.failAfterPages = 1;
    const run = await sync(api, id);
    expect(run.status).toBe('failed');
    expect(run.error).toContain('read failed');
    expect(run.errorCode).toBe('run_read_failed');
    expect(await planOf(api, run.id)).toEqual([]);
    expect(await active(id)).toBe(9);
    expect(await peopleOf(context.services, id)).toHaveLength(9);
  });
});

describe('the deactivation threshold', () => {
  it('holds a plan for approval; staff may not approve; an admin approves and it is applied', async () => {
    const { id, directory, people } = await syncedSource(12);
    directory.remove(...people.slice(0, 2).map((p) => p.externalId));
    // 12 managed: 10% is 1, so 2 deactivations need an approval.
    const run = await sync(api, id);
    expect(run.status).toBe('awaiting_approval');
    expect(run.safety).toContain('approval');
    expect(run).toMatchObject({
      safetyCode: 'safety_approval_needed',
      safetyParams: { deactivations: 2, limit: 1 },
    });
    expect(await active(id)).toBe(12);

    const { api: staff } = await signedIn(context, 'staff');
    const denied = await staff.request('POST', `/api/v1/sync-runs/${run.id}/approve`);
    expect(denied.status).toBe(403);
    const { rows: deniedEvents } = await context.services.pool.query(
      `select outcome from audit_event where action = 'sync_run.approved' and target_id = $1`,
      [run.id],
    );
    expect(deniedEvents).toEqual([{ outcome: 'denied' }]);

    const { user: adminUser, api: admin } = await signedIn(context, 'admin');
    const approved = await admin.request<RunView>(
      'POST',
      `/api/v1/sync-runs/${run.id}/approve?wait=true`,
    );
    expect(approved.status, approved.text).toBe(202);
    expect(approved.body.status).toBe('succeeded');
    expect(approved.body.approvedById).toBe(adminUser.id);
    expect(await active(id)).toBe(10);
    const again = await admin.request('POST', `/api/v1/sync-runs/${run.id}/approve`);
    expect(again.status).toBe(409);
  });

  it('an item whose person changed while the plan waited is skipped, and says why as a code', async () => {
    const { id, directory, people } = await syncedSource(12);
    const leaving = people.slice(0, 2).map((p) => p.externalId);
    directory.remove(...leaving);
    const run = await sync(api, id);
    expect(run.status).toBe('awaiting_approval');
    // One of the two leaves by other means before the approval.
    await context.services.pool.query(
      `update app_user set status = 'deactivated', status_changed_at = now()
        where source_id = $1 and external_id = $2`,
      [id, leaving[0]],
    );
    const approved = await api.request<RunView>(
      'POST',
      `/api/v1/sync-runs/${run.id}/approve?wait=true`,
    );
    expect(approved.body.status, approved.text).toBe('succeeded');
    const plan = await planOf(api, run.id);
    const line = (externalId: string | undefined) =>
      plan.find((item) => item.externalId === externalId);
    expect(line(leaving[0])).toMatchObject({
      outcome: 'skipped',
      outcomeReason: 'the person changed since the plan',
      outcomeNote: { code: 'changed_since_plan', params: {} },
    });
    expect(line(leaving[1])).toMatchObject({ outcome: 'applied', outcomeNote: null });
  });

  it('a newcomer whose login another person took while the plan waited fails alone; the rest are created and audited', async () => {
    const { id, directory, people } = await syncedSource(12);
    directory.remove(...people.slice(0, 2).map((p) => p.externalId));
    // A former login keeps its core account after a rename: a newcomer given that login (logins
    // are lower-cased) gets an account of their own id, as the database's trigger would choose.
    const stamp = Date.now().toString(36);
    const renamed = await createPerson(context.services, { username: `kasey${stamp}` });
    await context.services.pool.query(`update app_user set username = $2 where id = $1`, [
      renamed.id,
      `renamed${stamp}`,
    ]);
    const newcomers = [
      sourcePerson({ username: `taken${stamp}` }),
      sourcePerson({ username: `Kasey${stamp}` }),
      sourcePerson({ username: `fresh${stamp}` }),
    ];
    directory.put(...newcomers);
    const run = await sync(api, id);
    expect(run.status).toBe('awaiting_approval');
    expect(run.counts).toMatchObject({ create: 3 });
    // Someone takes the first newcomer's login before the approval.
    const squatter = await createPerson(context.services, { username: `taken${stamp}` });
    const approved = await api.request<RunView>(
      'POST',
      `/api/v1/sync-runs/${run.id}/approve?wait=true`,
    );
    expect(approved.body.status, approved.text).toBe('succeeded');
    const plan = await planOf(api, run.id);
    const line = (person: { externalId: string } | undefined) =>
      plan.find((item) => item.externalId === person?.externalId);
    expect(line(newcomers[0])).toMatchObject({
      outcome: 'failed',
      outcomeNote: { code: 'taken_since_plan', params: {} },
    });
    expect(line(newcomers[1])).toMatchObject({ outcome: 'applied' });
    expect(line(newcomers[2])).toMatchObject({ outcome: 'applied' });
    const { rows: created } = await context.services.pool.query<{
      username: string;
      core_account: string;
      id: string;
    }>(
      `select id, username, core_account from app_user
        where source_id = $1 and username like $2 order by username`,
      [id, `%${stamp}`],
    );
    const account = (login: string) => created.find((row) => row.username === login);
    expect(created, JSON.stringify(created)).toHaveLength(2);
    expect(account(`kasey${stamp}`)?.core_account).toBe(
      `u${account(`kasey${stamp}`)?.id.replaceAll('-', '')}`,
    );
    expect(account(`fresh${stamp}`)?.core_account).toBe(`fresh${stamp}`);
    // One user.created event per person created, none for the one left out.
    await sealStagedEvents(context.services.pool);
    const { rows: events } = await context.services.pool.query<{ target_id: string }>(
      `select target_id from audit_event where action = 'user.created' and details->>'runId' = $1`,
      [run.id],
    );
    expect(events.map((row) => row.target_id).sort()).toEqual(created.map((row) => row.id).sort());
    expect(events.map((row) => row.target_id)).not.toContain(squatter.id);
    const verified = await verifyAuditChain(context.services.pool, { legacyKey: null });
    expect(verified.firstProblem).toBeNull();
  });

  it('a cancelled plan is never applied', async () => {
    const { id, directory, people } = await syncedSource(12);
    directory.remove(...people.slice(0, 3).map((p) => p.externalId));
    const run = await sync(api, id);
    expect(run.status).toBe('awaiting_approval');
    const cancelled = await api.request<RunView>('POST', `/api/v1/sync-runs/${run.id}/cancel`);
    expect(cancelled.body.status).toBe('cancelled');
    const approve = await api.request('POST', `/api/v1/sync-runs/${run.id}/approve`);
    expect(approve.status).toBe(409);
    expect(await active(id)).toBe(12);
  });
});

describe('runs', () => {
  it('one run per source at a time: a second request gets 409', async () => {
    const { id, directory } = await syncedSource(2);
    let open: () => void = () => {};
    directory.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const first = await api.request<RunView>('POST', `/api/v1/directory-sources/${id}/sync`, {
      body: { mode: 'full' },
    });
    expect(first.status).toBe(202);
    expect(first.body.status).toBe('running');
    const second = await api.request<{ code: string }>(
      'POST',
      `/api/v1/directory-sources/${id}/sync`,
      { body: { mode: 'incremental' } },
    );
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('sync_already_running');
    directory.gate = null;
    open();
    await drainRuns(context.services);
    const done = await api.request<RunView>('GET', `/api/v1/sync-runs/${first.body.id}`);
    expect(done.body.status).toBe('succeeded');
  });

  it('a dry run plans exactly what a real run from the same state applies', async () => {
    // 30 people: two deactivations stay under the approval threshold (10%).
    const { id, directory, people } = await syncedSource(30);
    directory.change(people[1]?.externalId ?? '', { title: 'Директор', department: 'Правление' });
    directory.change(people[2]?.externalId ?? '', { disabled: true });
    directory.remove(people[3]?.externalId ?? '');
    directory.put(sourcePerson({ department: 'Правление' }));
    const before = await peopleOf(context.services, id);
    const dry = await sync(api, id, 'dry-run');
    expect(dry.status).toBe('planned');
    expect(await peopleOf(context.services, id)).toEqual(before);
    const real = await sync(api, id, 'full');
    expect(real.status).toBe('succeeded');
    // Creates get their ids at plan time, so only those differ.
    const comparable = (lines: Awaited<ReturnType<typeof planOf>>) =>
      lines.map(({ outcome: _o, userId, action, ...rest }) => ({
        ...rest,
        action,
        userId: action === 'create' ? null : userId,
      }));
    const realPlan = await planOf(api, real.id);
    expect(comparable(realPlan)).toEqual(comparable(await planOf(api, dry.id)));
    expect(
      realPlan.filter((l) => l.action !== 'unchanged').every((l) => l.outcome === 'applied'),
    ).toBe(true);
  });

  it('an apply killed halfway ends, run again, in the same state with nothing duplicated', async () => {
    const { id, directory } = await syncedSource(0);
    const people = Array.from({ length: 10 }, (_, i) =>
      sourcePerson({ department: `Отдел ${i % 3}` }),
    );
    directory.put(...people);
    configureEngine(context.services, {
      batchSize: 3,
      concurrency: 1,
      onBatch: (batch) => {
        if (batch === 2) throw new Error('killed');
      },
    });
    const broken = await sync(api, id);
    configureEngine(context.services, { batchSize: 2_000, concurrency: 2, onBatch: undefined });
    expect(broken.status).toBe('failed');
    expect(await peopleOf(context.services, id)).toHaveLength(6);
    const rerun = await sync(api, id);
    expect(rerun.status).toBe('succeeded');
    expect(rerun.counts).toMatchObject({ create: 4, unchanged: 6 });
    const rows = await peopleOf(context.services, id);
    expect(rows).toHaveLength(10);
    expect(new Set(rows.map((r) => r.external_id)).size).toBe(10);
    const { rows: orgs } = await context.services.pool.query(
      `select name, count(*)::int as n from organization where name like 'Отдел %' group by name`,
    );
    expect(orgs.every((o: { n: number }) => o.n === 1)).toBe(true);
  });

  it('batches applied side by side: one killed leaves every batch whole or absent, and a rerun completes', async () => {
    const { id, directory } = await syncedSource(0);
    const people = Array.from({ length: 30 }, (_, i) =>
      sourcePerson({ department: `Цех ${i % 3}` }),
    );
    directory.put(...people);
    // Batch 0 makes the three organizations and runs alone; batch 1 then waits, inside its
    // transaction, for batch 2 to reach the same point: only batches side by side get there.
    let arrived: () => void = () => {};
    const secondArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    let sideBySide = false;
    configureEngine(context.services, {
      batchSize: 3,
      concurrency: 3,
      onBatch: async (batch) => {
        if (batch === 2) arrived();
        if (batch === 1)
          sideBySide = await Promise.race([
            secondArrived.then(() => true),
            new Promise<boolean>((resolve) =>
              setTimeout(() => resolve(false), CONCURRENT_BATCH_MS),
            ),
          ]);
        if (batch === 4) throw new Error('killed');
      },
    });
    const broken = await sync(api, id);
    configureEngine(context.services, { batchSize: 2_000, concurrency: 2, onBatch: undefined });
    expect(broken.status).toBe('failed');
    expect(sideBySide).toBe(true);
    // Each batch of three plan items committed whole or not at all, the killed one not at all.
    const { rows: batches } = await context.services.pool.query<{ applied: number }>(
      `select count(sync_item_outcome(p))::int as applied from sync_plan_item p
        where run_id = $1 and action = 'create' group by (seq - 1) / 3 order by (seq - 1) / 3`,
      [broken.id],
    );
    expect(batches).toHaveLength(10);
    expect(batches.every((batch) => batch.applied === 0 || batch.applied === 3)).toBe(true);
    expect(batches[4]?.applied).toBe(0);
    const createdBefore = batches.reduce((sum, batch) => sum + batch.applied, 0);
    expect(await peopleOf(context.services, id)).toHaveLength(createdBefore);
    const rerun = await sync(api, id);
    expect(rerun.status).toBe('succeeded');
    expect(rerun.counts).toMatchObject({ create: 30 - createdBefore, unchanged: createdBefore });
    const rows = await peopleOf(context.services, id);
    expect(new Set(rows.map((r) => r.external_id)).size).toBe(30);
    expect(rows).toHaveLength(30);
    const { rows: orgs } = await context.services.pool.query<{ n: number }>(
      `select count(*)::int as n from organization where name like 'Цех %' group by name`,
    );
    expect(orgs.map((o) => o.n)).toEqual([1, 1, 1]);
    await sealStagedEvents(context.services.pool);
    const { rows: events } = await context.services.pool.query<{ n: number }>(
      `select count(*)::int as n from audit_event
        where action = 'user.created' and details->>'sourceId' = $1`,
      [id],
    );
    expect(events[0]?.n).toBe(30);
    expect((await verifyAuditChain(context.services.pool, { legacyKey: null })).ok).toBe(true);
  });

  it('an apply resumed after a failed batch, with a later one committed, applies only what is missing', async () => {
    const { id, directory } = await syncedSource(0);
    directory.put(...Array.from({ length: 15 }, () => sourcePerson()));
    const pool = context.services.pool;
    // Batch 1 fails only once batch 2 (seq 7-9) committed beside it: a hole in what is applied.
    let holeMade = false;
    configureEngine(context.services, {
      batchSize: 3,
      concurrency: 2,
      onBatch: async (batch) => {
        if (batch !== 1) return;
        await waitUntil('batch 2 committed beside batch 1', CONCURRENT_BATCH_MS, async () => {
          const { rowCount } = await pool.query(
            `select 1 from sync_plan_batch b join sync_run r on r.id = b.run_id
              where r.source_id = $1 and b.lo = 7`,
            [id],
          );
          return rowCount === 1;
        });
        holeMade = true;
        throw new Error('killed');
      },
    });
    const broken = await sync(api, id);
    configureEngine(context.services, { batchSize: 2_000, concurrency: 2, onBatch: undefined });
    expect(broken.status).toBe('failed');
    expect(holeMade).toBe(true);
    const outcomes = async () =>
      (
        await pool.query<{ seq: number; outcome: string | null }>(
          `select seq, sync_item_outcome(p) as outcome from sync_plan_item p
            where run_id = $1 order by seq`,
          [broken.id],
        )
      ).rows;
    const before = await outcomes();
    expect(before.slice(3, 6).map((item) => item.outcome)).toEqual([null, null, null]);
    expect(before.slice(6, 9).map((item) => item.outcome)).toEqual([
      'applied',
      'applied',
      'applied',
    ]);
    const missing = before.filter((item) => item.outcome === null).length;

    // Resumed as a restarted process resumes an interrupted apply.
    const source = await findRunSource(context.services, id);
    const resumed = await applyPlan(context.services, source, broken.id, {
      batchSize: 3,
      concurrency: 2,
    });
    expect(resumed).toMatchObject({ applied: missing, skipped: 0, failed: 0, stopped: false });
    expect((await outcomes()).every((item) => item.outcome === 'applied')).toBe(true);
    expect(await peopleOf(context.services, id)).toHaveLength(15);
    // No two recorded batches share an item.
    const { rows: overlaps } = await pool.query(
      `select 1 from sync_plan_batch a join sync_plan_batch b
          on a.run_id = b.run_id and a.lo < b.lo and b.lo <= a.hi where a.run_id = $1`,
      [broken.id],
    );
    expect(overlaps).toEqual([]);
    // The plan's API says the same.
    expect((await planOf(api, broken.id)).every((line) => line.outcome === 'applied')).toBe(true);
  });

  it('revokes every session of a person it deactivates, and audits with the source as actor', async () => {
    const { id, directory, people } = await syncedSource(3);
    const [row] = (await peopleOf(context.services, id)).filter(
      (p) => p.external_id === people[0]?.externalId,
    );
    const user = { id: row?.id ?? '' } as Parameters<typeof createDeviceSession>[1];
    await createDeviceSession(context.services, user);
    await createDeviceSession(context.services, user);
    directory.change(people[0]?.externalId ?? '', { disabled: true });
    const run = await sync(api, id);
    expect(run.counts.sessionsRevoked).toBe(2);
    const { rows: live } = await context.services.pool.query(
      'select id from device_session where user_id = $1 and revoked_at is null',
      [row?.id],
    );
    expect(live).toEqual([]);
    const { rows: events } = await context.services.pool.query(
      `select actor_label, actor_id, action, details->>'runId' as run from audit_event
        where target_id = $1 order by seq`,
      [row?.id],
    );
    expect(events.map((e: { action: string }) => e.action)).toEqual([
      'user.created',
      'user.deactivated',
    ]);
    expect(
      events.every(
        (e: { actor_label: string; actor_id: string | null }) =>
          e.actor_label === `source:${id}` && e.actor_id === null,
      ),
    ).toBe(true);
  });
});
