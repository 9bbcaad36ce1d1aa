import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConnectors } from '../../server/core/connectors/registry.ts';
import type {
  CoreConnector,
  CoreDifference,
  DirectoryAccount,
} from '../../server/core/connectors/types.ts';
import { Reconciler } from '../../server/core/reconcile.ts';
import { createPerson } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { emitNow, numbered } from './outboxReceiver.ts';

let context: TestContext;
beforeAll(async () => {
  context = await startTestContext();
  await registerConnectors(context.services, [
    { name: 'core', kind: 'ejabberd' },
    { name: 'hook', kind: 'webhook' },
  ]);
});
afterAll(async () => {
  await context.close();
});

/**
 * A core that has exactly the accounts a test says, and reports differences like ejabberd's.
 * `entered` (if given) hears of each reconcile call, which then waits for `until`.
 */
function fakeCore(
  accounts: Map<string, boolean>,
  hold: { entered: () => void; until: Promise<void> } | null = null,
): CoreConnector {
  return {
    name: 'core',
    deliver: async () => undefined,
    async reconcile(directory: readonly DirectoryAccount[]) {
      if (hold) {
        hold.entered();
        await hold.until;
      }
      const out: CoreDifference[] = [];
      const known = new Set(directory.map((d) => d.coreAccount));
      for (const person of directory) {
        const { userId, username, coreAccount } = person;
        const inCore = accounts.get(coreAccount);
        if (person.active && inCore === undefined)
          out.push({ kind: 'missing_in_core', userId, coreAccount });
        if (!person.active && inCore === true)
          out.push({ kind: 'active_in_core', userId, username, coreAccount });
      }
      for (const coreAccount of accounts.keys())
        if (!known.has(coreAccount)) out.push({ kind: 'core_only', coreAccount });
      return out;
    },
  };
}

async function openEvents(key: string) {
  const { rows } = await context.services.pool.query<{ connector: string; type: string }>(
    'select connector, type from outbox_event where key = $1 and delivered_at is null order by outbox_event.id',
    [key],
  );
  return rows;
}

describe('reconciliation with the core', () => {
  it('queues the repairs for that connector only, audited with the counts, once per interval', async () => {
    const missing = await createPerson(context.services);
    const leaver = await createPerson(context.services, { status: 'deactivated' });
    const busy = await createPerson(context.services);
    const fine = await createPerson(context.services);
    await emitNow(context.services, [numbered(busy.id, 1)]);
    const accounts = new Map<string, boolean>([
      [leaver.username as string, true],
      [fine.username as string, true],
      ['admin-by-hand', true],
    ]);
    // Everyone else created by other tests is "missing" too; count only ours below.
    const reconciler = new Reconciler(context.services, [fakeCore(accounts)]);
    const [result] = (await reconciler.runOnce()) ?? [];
    expect(result?.error).toBeNull();
    expect(result?.deactivated).toBe(1);
    expect(result?.coreOnly).toBe(1);
    expect(result?.waiting).toBe(1);
    expect(await openEvents(missing.id)).toEqual([{ connector: 'core', type: 'person.upserted' }]);
    expect(await openEvents(leaver.id)).toEqual([
      { connector: 'core', type: 'person.deactivated' },
    ]);
    expect(await openEvents(fine.id)).toEqual([]);
    const { rows } = await context.services.pool.query<{ details: Record<string, unknown> }>(
      "select details from audit_event where action = 'core.reconciled' order by seq",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.details).toMatchObject({ connector: 'core', deactivated: 1, coreOnly: 1 });
    // Ran just now (by any process): the schedule skips until the interval has passed.
    expect(await reconciler.runOnce()).toBeNull();
  });

  it('runs in one process at a time', async () => {
    // The first to get in stays inside the core until the other has given up (or, were the lock
    // broken, has come in too): the two runs overlap whatever the machine's speed.
    let inside = 0;
    let letGo: () => void = () => undefined;
    const until = new Promise<void>((resolve) => {
      letGo = resolve;
    });
    const held = fakeCore(new Map(), {
      entered: () => {
        inside += 1;
        if (inside === 2) letGo();
      },
      until,
    });
    const first = new Reconciler(context.services, [held]);
    const second = new Reconciler(context.services, [held]);
    const runs = [first.runOnce(true), second.runOnce(true)];
    await Promise.race(runs);
    letGo();
    const [a, b] = await Promise.all(runs);
    expect(inside).toBe(1);
    expect([a, b].filter((r) => r === null)).toHaveLength(1);
  });

  it('records a core that cannot be asked as a failed reconciliation', async () => {
    const broken: CoreConnector = {
      name: 'core',
      deliver: async () => undefined,
      reconcile: async () => {
        throw new Error('connection refused');
      },
    };
    const [result] = (await new Reconciler(context.services, [broken]).runOnce(true)) ?? [];
    expect(result?.error).toBe('connection refused');
    const { rows } = await context.services.pool.query<{ outcome: string }>(
      "select outcome from audit_event where action = 'core.reconciled' order by seq desc limit 1",
    );
    expect(rows[0]?.outcome).toBe('failure');
  });
});
