import type { AuditEventInput } from '../../../audit/actions.ts';
import { systemActor } from '../../../shared/actor.ts';
import { runCommand } from '../../../shared/command.ts';
import type { Services } from '../../../shared/services.ts';
import { revokeSessions } from '../../reconcile/apply.ts';
import { coreEvents } from '../../reconcile/outbox.ts';
import {
  ACTIVATE_SQL,
  CLAIM_SQL,
  DEACTIVATE_SQL,
  type DueRow,
  lastSuperadmins,
  setStatus,
} from './statements.ts';

/** How many due changes one transaction fires. */
export const FIRE_BATCH = 500;
interface Outcome {
  id: string;
  outcome: 'applied' | 'skipped';
  reason: string | null;
}

/** Fires one batch of due changes in one transaction; returns how many it claimed. */
async function fireBatch(
  services: Services,
): Promise<{ fired: number; skipped: number; claimed: number }> {
  return runCommand(services, systemActor('schedule'), async ({ em, audit, emit }) => {
    const at = services.now();
    const now = at.toISOString();
    const due = await em.execute<DueRow[]>(CLAIM_SQL, [now, FIRE_BATCH]);
    if (due.length === 0) return { fired: 0, skipped: 0, claimed: 0 };
    const leaving = due.filter((row) => row.kind === 'deactivate');
    const blocked = await lastSuperadmins(em, leaving);
    const deactivated = await setStatus(
      em,
      DEACTIVATE_SQL,
      leaving.filter((row) => !blocked.has(row.id)),
      'deactivated',
      'termination date ',
      now,
    );
    const activated = await setStatus(
      em,
      ACTIVATE_SQL,
      due.filter((row) => row.kind === 'activate'),
      'active',
      'hire date ',
      now,
    );
    await revokeSessions(
      em,
      deactivated.map((row) => row.id),
      at,
      'termination date reached',
    );
    const events = await coreEvents(em, [
      ...deactivated.map((row) => ({
        id: row.id,
        action: 'deactivate' as const,
        reason: row.reason,
      })),
      ...activated.map((row) => ({
        id: row.id,
        action: 'reactivate' as const,
        reason: row.reason,
      })),
    ]);
    for (const event of events) emit(event);

    const applied = new Map([...deactivated, ...activated].map((row) => [row.change_id, row]));
    const outcomes: Outcome[] = due.map((row) => {
      if (applied.has(row.id)) return { id: row.id, outcome: 'applied', reason: null };
      if (blocked.has(row.id))
        return {
          id: row.id,
          outcome: 'skipped',
          reason: 'the last active superadmin is never deactivated',
        };
      return {
        id: row.id,
        outcome: 'skipped',
        reason:
          row.kind === 'deactivate' ? 'already deactivated' : `no longer pending (${row.status})`,
      };
    });
    await em.execute(
      `update scheduled_change c set fired_at = ?::timestamptz, updated_at = ?::timestamptz,
              outcome = o.outcome, outcome_reason = o.reason
         from jsonb_to_recordset(?::jsonb) as o(id uuid, outcome text, reason text)
        where c.id = o.id`,
      [now, now, JSON.stringify(outcomes)],
    );
    const byId = new Map(due.map((row) => [row.id, row]));
    for (const row of [...deactivated, ...activated]) {
      const change = byId.get(row.change_id);
      const deactivate = change?.kind === 'deactivate';
      audit({
        action: deactivate ? 'user.deactivated' : 'user.activated',
        targetType: 'user',
        targetId: row.id,
        targetLabel: row.label,
        reason: row.reason,
        diff: {
          before: { status: change?.status },
          after: { status: deactivate ? 'deactivated' : 'active' },
        },
        details: { scheduledChangeId: row.change_id, sourceId: change?.source_id },
      });
    }
    for (const outcome of outcomes) {
      const row = byId.get(outcome.id) as DueRow;
      const event: AuditEventInput = {
        action: 'scheduled_change.fired',
        outcome: outcome.outcome === 'applied' ? 'success' : 'failure',
        targetType: 'user',
        targetId: row.user_id,
        targetLabel: row.label,
        reason: outcome.reason,
        details: {
          kind: row.kind,
          effectiveDate: row.effective_date,
          sourceId: row.source_id,
          scheduledChangeId: row.id,
          outcome: outcome.outcome,
        },
      };
      audit(event);
    }
    const fired = outcomes.filter((o) => o.outcome === 'applied').length;
    return { fired, skipped: outcomes.length - fired, claimed: due.length };
  });
}

/**
 * Fires every due live scheduled change (effective_at <= services.now()), in batches of
 * FIRE_BATCH, one transaction each: a leaver is deactivated (sessions revoked, the core told),
 * a new hire activated. A change whose person no longer fits (already deactivated, no longer
 * pending, the last active superadmin) is marked fired with outcome 'skipped' and a reason.
 * Rows are claimed with `for update skip locked`, so concurrent sweeps never fire one twice.
 */
export async function fireDueChanges(
  services: Services,
): Promise<{ fired: number; skipped: number }> {
  const totals = { fired: 0, skipped: 0 };
  for (;;) {
    const batch = await fireBatch(services);
    totals.fired += batch.fired;
    totals.skipped += batch.skipped;
    if (batch.claimed < FIRE_BATCH) return totals;
  }
}
