import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sealer, sealStagedEvents, startSealer } from '../../server/audit/seal.ts';
import { verifyAuditChain } from '../../server/audit/verify.ts';
import { type Actor, systemActor } from '../../server/authz/actor.ts';
import { runCommand } from '../../server/commands/runCommand.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { EXPECT_POLL_MS } from '../support/timeouts.ts';

const WRITERS = 8;
const COMMANDS_PER_WRITER = 50;

let context: TestContext;
beforeAll(async () => {
  context = await startTestContext();
});
afterAll(async () => {
  await context.close();
});

describe('the audit chain under concurrent writers', () => {
  it('stays gapless and verifiable with 8 writers appending through runCommand', async () => {
    const started = performance.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, writer) => {
        const actor = systemActor(`writer-${writer}`);
        for (let i = 0; i < COMMANDS_PER_WRITER; i += 1) {
          await runCommand(context.services, actor, async ({ em, audit }) => {
            // A little work of its own before the append, as a real command does.
            await em.execute('select pg_sleep(0.001)');
            audit({
              action: 'user.updated',
              targetType: 'User',
              targetId: `writer-${writer}-${i}`,
              details: { writer, i },
            });
            if (i % 10 === 0) audit({ action: 'user.viewed', details: { writer, i } });
          });
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const expected = WRITERS * (COMMANDS_PER_WRITER + COMMANDS_PER_WRITER / 10);
    console.info(`audit append, ${WRITERS} writers: ${Math.round(expected / seconds)} events/s`);
    // A commit that found the chain busy left its events staged; the next seal takes them.
    await sealStagedEvents(context.services.pool);

    const { rows } = await context.services.pool.query<{ n: number; min: string; max: string }>(
      'select count(*)::int as n, min(seq)::text as min, max(seq)::text as max from audit_event',
    );
    expect(rows[0]).toEqual({ n: expected, min: '1', max: String(expected) });
    const head = await context.services.pool.query<{ seq: string }>(
      'select seq::text as seq from audit_chain_head',
    );
    expect(head.rows[0]?.seq).toBe(String(expected));
    // Each writer's own events are in its program order along the chain.
    const order = await context.services.pool.query<{ label: string; i: number }>(
      `select actor_label as label, (details->>'i')::int as i from audit_event
        where action = 'user.updated' order by seq`,
    );
    for (let writer = 0; writer < WRITERS; writer += 1) {
      const mine = order.rows.filter((row) => row.label === `writer-${writer}`).map((row) => row.i);
      expect(mine).toEqual(Array.from({ length: COMMANDS_PER_WRITER }, (_, i) => i));
    }
    const result = await verifyAuditChain(context.services.pool, { legacyKey: null });
    expect(result).toEqual({
      ok: true,
      checked: expected,
      headSeq: String(expected),
      firstProblem: null,
    });
  });

  it('stays verifiable when API writes, denials and audit reads interleave', async () => {
    const superadmin = await signedIn(context, 'superadmin');
    const admin = await signedIn(context, 'admin');
    const auditor = await signedIn(context, 'auditor');
    await Promise.all([
      ...Array.from({ length: 10 }, (_, i) =>
        superadmin.api.post('/api/v1/spaces', { name: `Concurrent space ${i}` }),
      ),
      ...Array.from({ length: 10 }, (_, i) =>
        admin.api.post('/api/v1/spaces', { name: `Denied space ${i}` }),
      ),
      ...Array.from({ length: 10 }, () => auditor.api.get('/api/v1/audit-events?limit=5')),
    ]);
    const response = await auditor.api.post<{ ok: boolean }>('/api/v1/audit-events/verify');
    expect(response.body.ok).toBe(true);
  });

  it('a commit that finds the chain busy does not wait: its event is staged, then sealed by the background sealer', async () => {
    const lock = new pg.Client(context.databaseUrl);
    await lock.connect();
    let sealer: Sealer | null = null;
    try {
      // Another seal in progress, as the PostgreSQL superuser holding the head's row lock.
      await lock.query('begin');
      await lock.query('select seq from audit_chain_head where id = 1 for update');
      await runCommand(context.services, systemActor('busy-chain'), async ({ audit }) => {
        audit({ action: 'user.viewed', targetType: 'User', targetId: 'busy-chain-probe' });
      });
      const sealed = () =>
        context.services.pool.query(
          "select 1 from audit_event where target_id = 'busy-chain-probe'",
        );
      // The command returned while the lock was held: it never waited for the chain.
      expect((await sealed()).rowCount).toBe(0);
      await lock.query('commit');
      sealer = startSealer(context.services.pool, 50, context.services.logger);
      await expect.poll(async () => (await sealed()).rowCount, { timeout: EXPECT_POLL_MS }).toBe(1);
      const result = await verifyAuditChain(context.services.pool, { legacyKey: null });
      expect(result.ok).toBe(true);
    } finally {
      await lock.query('rollback').catch(() => undefined);
      await lock.end();
      await sealer?.stop();
    }
  });

  it('a value the chain cannot store fails its own writer at once, never a later seal', async () => {
    const forged: Actor = { ...systemActor('bad-actor-id'), userId: 'not-a-uuid' };
    await expect(
      runCommand(context.services, forged, async ({ audit }) => {
        audit({ action: 'user.viewed', targetType: 'User', targetId: 'poison-probe' });
      }),
    ).rejects.toThrow(/uuid/);
    await runCommand(context.services, systemActor('after-poison'), async ({ audit }) => {
      audit({ action: 'user.viewed', targetType: 'User', targetId: 'after-poison-probe' });
    });
    const { rows } = await context.services.pool.query<{ target_id: string }>(
      "select target_id from audit_event where target_id in ('poison-probe', 'after-poison-probe')",
    );
    expect(rows.map((row) => row.target_id)).toEqual(['after-poison-probe']);
    expect((await verifyAuditChain(context.services.pool, { legacyKey: null })).ok).toBe(true);
  });
});
