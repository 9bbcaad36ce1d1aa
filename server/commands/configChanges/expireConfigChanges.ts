import { systemActor } from '../../authz/actor.ts';
import type { Services } from '../../shared/services.ts';
import { runCommand } from '../runCommand.ts';
import { expiredEvent } from './approveConfigChange.ts';
import { ConfigChange } from './entity.ts';

/**
 * Closes every pending change past its expiry (`dualControl.expiryHours`), each audited
 * `config_change.expired` by the system, in one transaction. Every process runs it every few
 * minutes (main.ts); rows are locked with SKIP LOCKED, so two processes never expire one twice.
 * Returns the ids it closed.
 */
export function expireConfigChanges(services: Services): Promise<string[]> {
  return runCommand(services, systemActor('dual-control'), async ({ em, audit }) => {
    const now = services.now();
    const ids = await em.execute<{ id: string }[]>(
      `select id from config_change where status = 'pending' and expires_at <= ?
       order by expires_at for update skip locked`,
      [now],
    );
    if (ids.length === 0) return [];
    const rows = await em.find(ConfigChange, { id: { $in: ids.map((row) => row.id) } });
    for (const row of rows) {
      row.status = 'expired';
      row.decidedAt = now;
      audit(expiredEvent(row));
    }
    return rows.map((row) => row.id);
  });
}
