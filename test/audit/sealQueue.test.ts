import type { EntityManager } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEvents, stageAuditEvents } from '../../server/audit/append.ts';
import { sealStagedEvents } from '../../server/audit/seal.ts';
import { systemActor } from '../../server/authz/actor.ts';
import { runCommand } from '../../server/commands/runCommand.ts';
import { executeBound } from '../../server/db/execute.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

// The commit-time seal is queued by the first event a transaction stages
// (Migration20261212000000AuditSealQueuedOnce): these are the cases where "first" could go wrong.

let context: TestContext;
beforeAll(async () => {
  context = await startTestContext();
});
afterAll(async () => {
  await context.close();
});

async function stagedCount(): Promise<number> {
  const { rows } = await context.services.pool.query<{ n: number }>(
    'select count(*)::int as n from audit_pending',
  );
  return rows[0]?.n ?? -1;
}

async function sealedTargets(prefix: string): Promise<string[]> {
  const { rows } = await context.services.pool.query<{ target_id: string }>(
    `select target_id from audit_event where target_id like $1 order by seq`,
    [`${prefix}%`],
  );
  return rows.map((row) => row.target_id);
}

/** Stages one event by plain SQL on `db`, as any writer of the queue may. */
async function stageByHand(db: Pick<pg.ClientBase, 'query'>, targetId: string): Promise<void> {
  await db.query(
    `insert into audit_pending (at, actor_label, action, target_type, target_id, outcome,
       canonical_before, canonical_after)
     values (now(), 'seal-queue', 'user.viewed', 'User', $1, 'success', $2, $3)`,
    [targetId, '{"seq":', '}'],
  );
}

const event = (targetId: string) => ({
  action: 'user.viewed' as const,
  targetType: 'User',
  targetId,
});

describe('the seal queued once per transaction', () => {
  it('seals every event of a transaction in its own COMMIT, however many it staged and when', async () => {
    const ids = Array.from({ length: 300 }, (_, n) => `many-${String(n).padStart(3, '0')}`);
    await runCommand(context.services, systemActor('seal-queue'), async (ctx) => {
      for (const id of ids.slice(0, 100)) ctx.audit(event(id));
      await ctx.flushAudit();
      for (const id of ids.slice(100)) ctx.audit(event(id));
    });
    expect(await stagedCount()).toBe(0);
    expect(await sealedTargets('many-')).toEqual(ids);
  });

  it('queues the seal again when the statement that queued it is rolled back to a savepoint', async () => {
    await runCommand(context.services, systemActor('seal-queue'), async (ctx) => {
      await executeBound(ctx.em, 'savepoint before_first', []);
      ctx.audit(event('savepoint-undone'));
      await ctx.flushAudit();
      await executeBound(ctx.em, 'rollback to savepoint before_first', []);
      ctx.audit(event('savepoint-kept'));
    });
    expect(await stagedCount()).toBe(0);
    expect(await sealedTargets('savepoint-')).toEqual(['savepoint-kept']);
  });

  it('queues it in each transaction of a connection, not only the first', async () => {
    const client = await context.services.pool.connect();
    try {
      for (const n of [1, 2, 3]) {
        await client.query('begin');
        await stageByHand(client, `connection-${n}`);
        await client.query('commit');
        expect(await stagedCount()).toBe(0);
      }
    } finally {
      client.release();
    }
    expect(await sealedTargets('connection-')).toEqual([
      'connection-1',
      'connection-2',
      'connection-3',
    ]);
  });
});

/** Scans of audit_pending so far, with this connection's own counts flushed first. */
async function queueScans(admin: pg.Client): Promise<{ seq: number; index: number }> {
  // A backend reports its counts when idle, at most once a second unless told to.
  await admin.query('select pg_stat_force_next_flush()');
  await admin.query('select pg_stat_clear_snapshot()');
  const { rows } = await admin.query<{ seq: number; index: number }>(
    `select seq_scan::int as seq, coalesce(idx_scan, 0)::int as index
       from pg_stat_user_tables where relname = 'audit_pending'`,
  );
  const [row] = rows;
  if (!row) throw new Error('no statistics for audit_pending');
  return row;
}

describe('the seal on a queue of dead rows', () => {
  // Every seal deletes what it chains, so until autovacuum passes the queue is mostly dead rows
  // (Migration20261216000000AuditSealByIndex). A sequential scan reads every one of them in each
  // seal; through the primary key, only index pages whose dead entries are skipped.
  it('reads the queue through its index, never by a sequential scan', async () => {
    await runCommand(context.services, systemActor('seal-queue'), async (ctx) => {
      for (let n = 0; n < 3_000; n += 1) ctx.audit(event(`dead-${n}`));
    });
    const admin = new pg.Client(context.databaseUrl);
    await admin.connect();
    try {
      const stage = (targetId: string) => stageByHand(admin, targetId);
      const before = await queueScans(admin);
      await admin.query('begin');
      await stage('after-dead-1');
      await admin.query('commit');
      await admin.query('begin');
      await admin.query("select set_config('audit.seal_queued', 'on', true)");
      await stage('after-dead-2');
      await admin.query('commit');
      expect(await stagedCount()).toBe(1);
      await admin.query('select audit_seal(true)');
      await admin.query('select audit_seal(false)');
      const after = await queueScans(admin);
      expect(after.seq - before.seq).toBe(0);
      expect(after.index).toBeGreaterThan(before.index);
    } finally {
      await admin.end();
    }
    expect(await stagedCount()).toBe(0);
    expect(await sealedTargets('after-dead-')).toEqual(['after-dead-1', 'after-dead-2']);
  });
});

describe("events staged on the command's own connection", () => {
  // appendAuditEvents stages through the knex transaction's pg client, past knex, with a named
  // prepared statement: the event must still be the command's, and the statement survive.
  it('never stages the event of a command that fails after recording it', async () => {
    const failing = runCommand(context.services, systemActor('seal-queue'), async (ctx) => {
      ctx.audit(event('failed-command'));
      await ctx.flushAudit();
      throw new Error('the command fails after its event is staged');
    });
    await expect(failing).rejects.toThrow('the command fails');
    await runCommand(context.services, systemActor('seal-queue'), async (ctx) => {
      ctx.audit(event('next-command'));
    });
    expect(await stagedCount()).toBe(0);
    expect(await sealedTargets('failed-command')).toEqual([]);
    expect(await sealedTargets('next-command')).toEqual(['next-command']);
  });

  it("refuses an event recorded through a command's entity manager once its transaction is over", async () => {
    let finished: EntityManager | undefined;
    await runCommand(context.services, systemActor('seal-queue'), async (ctx) => {
      finished = ctx.em;
    });
    if (!finished) throw new Error('the command did not run');
    await expect(
      appendAuditEvents(finished, systemActor('seal-queue'), [event('after-the-end')]),
    ).rejects.toThrow(/transaction/);
    expect(await sealStagedEvents(context.services.pool)).toBe(0);
    expect(await sealedTargets('after-the-end')).toEqual([]);
  });

  it('keeps the prepared statement of a connection across a rolled-back transaction', async () => {
    const client = await context.services.pool.connect();
    try {
      for (const [n, end] of [
        [1, 'rollback'],
        [2, 'commit'],
        [3, 'rollback'],
        [4, 'commit'],
      ] as const) {
        await client.query('begin');
        await stageAuditEvents(client, systemActor('seal-queue'), [event(`kept-${n}`)], new Date());
        await client.query(end);
      }
    } finally {
      client.release();
    }
    expect(await stagedCount()).toBe(0);
    expect(await sealedTargets('kept-')).toEqual(['kept-2', 'kept-4']);
  });
});
