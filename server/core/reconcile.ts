import type { EntityManager } from '@mikro-orm/postgresql';
import { systemActor } from '../authz/actor.ts';
import { runCommand } from '../commands/runCommand.ts';
import { loadCorePeople } from '../directory/people/corePerson.ts';
import { emitMany } from '../outbox/emit.ts';
import type { OutboxEvent } from '../outbox/events.ts';
import type { Services } from '../shared/services.ts';
import type { CoreConnector, CoreDifference, DirectoryAccount } from './connectors/types.ts';

// Any constant: the session-level advisory lock that lets one process run a reconciliation.
const RECONCILE_LOCK = 730_006;

/** What one connector's reconciliation found and queued (the `core.reconciled` details). */
export interface ReconcileCounts {
  connector: string;
  checked: number;
  provisioned: number;
  deactivated: number;
  coreOnly: number;
  /** Differences left alone because events of that person are still waiting to be delivered. */
  waiting: number;
  error: string | null;
}

/**
 * Compares each connector that can (`reconcile`) with the directory and repairs what differs by
 * enqueueing outbox events, audited as `core.reconciled` with the counts. Runs every
 * `core.reconcile.intervalMinutes`, in one process at a time (`pg_try_advisory_lock`), and not
 * again before the interval since the last run by any process (read from the audit log).
 */
export class Reconciler {
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<unknown> | null = null;

  constructor(
    private readonly services: Services,
    private readonly connectors: readonly CoreConnector[],
  ) {}

  /** Starts the schedule (checked every minute, or every interval if shorter). */
  start(): void {
    const intervalMs = this.services.config.core.reconcile.intervalMinutes * 60_000;
    this.timer = setInterval(() => this.tick(), Math.min(60_000, intervalMs));
    this.timer.unref();
  }

  /** Stops the schedule and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.current?.catch(() => undefined);
  }

  private tick(): void {
    if (this.current) return;
    this.current = this.runOnce()
      .catch((error: unknown) =>
        this.services.logger.error({ err: error }, 'reconciliation failed'),
      )
      .finally(() => {
        this.current = null;
      });
  }

  /**
   * Runs a reconciliation now if no other process is running one and (unless `force`) the last
   * run is older than the interval. Returns the counts per connector, or null if it did not run.
   */
  async runOnce(force = false): Promise<ReconcileCounts[] | null> {
    const able = this.connectors.filter((c) => c.reconcile);
    if (able.length === 0) return null;
    const client = await this.services.pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        'select pg_try_advisory_lock($1) as locked',
        [RECONCILE_LOCK],
      );
      if (!rows[0]?.locked) return null;
      try {
        if (!force && (await this.ranRecently(client))) return null;
        const results: ReconcileCounts[] = [];
        for (const connector of able) results.push(await this.reconcileOne(connector));
        return results;
      } finally {
        await client.query('select pg_advisory_unlock($1)', [RECONCILE_LOCK]);
      }
    } finally {
      client.release();
    }
  }

  private async ranRecently(client: { query: Services['pool']['query'] }): Promise<boolean> {
    const minutes = this.services.config.core.reconcile.intervalMinutes;
    const { rows } = await client.query<{ recent: boolean }>(
      `select coalesce(max(at) > now() - make_interval(secs => $1::double precision), false)
              as recent
         from audit_event where action = 'core.reconciled'`,
      [minutes * 60 * 0.95],
    );
    return rows[0]?.recent ?? false;
  }

  private async reconcileOne(connector: CoreConnector): Promise<ReconcileCounts> {
    const counts: ReconcileCounts = {
      connector: connector.name,
      checked: 0,
      provisioned: 0,
      deactivated: 0,
      coreOnly: 0,
      waiting: 0,
      error: null,
    };
    const directory = await loadDirectory(this.services);
    counts.checked = directory.length;
    let differences: CoreDifference[] = [];
    try {
      differences = (await connector.reconcile?.(directory)) ?? [];
    } catch (error) {
      counts.error = error instanceof Error ? error.message : String(error);
    }
    await runCommand(this.services, systemActor('reconcile'), async ({ em, audit }) => {
      const events = await repairs(em, connector.name, differences, counts);
      await emitMany(em, events, { connectors: [connector.name] });
      audit({
        action: 'core.reconciled',
        outcome: counts.error ? 'failure' : 'success',
        targetType: 'CoreConnector',
        targetLabel: connector.name,
        details: { ...counts },
      });
    });
    return counts;
  }
}

/**
 * People with a core account who are active, or cut off (suspended, deactivated) here. A former
 * person whose login was released keeps their account, so they are listed by it.
 */
async function loadDirectory(services: Services): Promise<DirectoryAccount[]> {
  const { rows } = await services.pool.query<{
    id: string;
    username: string | null;
    core_account: string;
    status: string;
  }>(
    `select id, username, core_account, status from app_user
      where core_account is not null and status in ('active', 'suspended', 'deactivated')`,
  );
  return rows.map((row) => ({
    userId: row.id,
    username: row.username,
    coreAccount: row.core_account,
    active: row.status === 'active',
  }));
}

/** The events that repair `differences`, skipping people whose own events are still queued. */
async function repairs(
  em: EntityManager,
  connector: string,
  differences: CoreDifference[],
  counts: ReconcileCounts,
): Promise<OutboxEvent[]> {
  const open = new Set(
    (
      await em.execute<{ key: string }[]>(
        `select distinct key from outbox_event
          where connector = ? and delivered_at is null and skipped_at is null`,
        [connector],
      )
    ).map((row) => row.key),
  );
  const provision: string[] = [];
  const events: OutboxEvent[] = [];
  for (const difference of differences) {
    if (difference.kind === 'core_only') {
      counts.coreOnly += 1;
    } else if (open.has(difference.userId)) {
      counts.waiting += 1;
    } else if (difference.kind === 'missing_in_core') {
      provision.push(difference.userId);
    } else {
      const { userId, username } = difference;
      events.push({
        type: 'person.deactivated',
        key: userId,
        userId,
        username,
        reason: 'Repaired by reconciliation',
      });
      counts.deactivated += 1;
    }
  }
  for (const person of await loadCorePeople(em, provision)) {
    events.push({ type: 'person.upserted', key: person.userId, person });
    counts.provisioned += 1;
  }
  return events;
}
