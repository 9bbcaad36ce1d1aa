import type { AuditEventInput } from '../../../audit/actions.ts';
import { systemActor } from '../../../authz/actor.ts';
import { runCommand } from '../../../commands/runCommand.ts';
import {
  changeStatus,
  type SkipCode,
  type StatusTarget,
} from '../../../identity/lifecycle/changeStatus.ts';
import type { Services } from '../../../shared/services.ts';
import { MANUAL_SOURCE_ID } from './manual.ts';
import { CLAIM_SQL, type DueRow } from './statements.ts';

/** How many due changes one transaction fires. */
export const FIRE_BATCH = 500;
interface Outcome {
  id: string;
  outcome: 'applied' | 'skipped';
  reason: string | null;
}

/** Why a due change was not applied, in the words of its outcome. */
function skippedBecause(code: SkipCode, row: DueRow): string {
  if (code === 'last_superadmin') return 'the last active superadmin is never deactivated';
  if (row.kind === 'deactivate') return 'already deactivated';
  return `no longer pending (${row.status})`;
}

/**
 * The lifecycle target of a due change: a change scheduled by hand is credited to whoever
 * scheduled it, with their reason; an HR change is HR's word (its channel is the source).
 */
function targetOf(row: DueRow): StatusTarget {
  const manual = row.source_id === MANUAL_SOURCE_ID;
  const day = row.kind === 'deactivate' ? 'termination date ' : 'hire date ';
  return {
    id: row.user_id,
    reason: manual
      ? `scheduled for ${row.effective_date}${row.reason ? `: ${row.reason}` : ''}`
      : `${day}${row.effective_date}`,
    byId: manual ? row.created_by_id : null,
    sourceId: manual ? null : row.source_id,
    details: { scheduledChangeId: row.id, sourceId: row.source_id },
  };
}

/** Fires one batch of due changes in one transaction; returns how many it claimed. */
async function fireBatch(
  services: Services,
): Promise<{ fired: number; skipped: number; claimed: number }> {
  return runCommand(services, systemActor('schedule'), async (ctx) => {
    const { em, audit } = ctx;
    const now = services.now().toISOString();
    const due = await em.execute<DueRow[]>(CLAIM_SQL, [now, FIRE_BATCH]);
    if (due.length === 0) return { fired: 0, skipped: 0, claimed: 0 };
    // Leavers first: a person with both changes due ends deactivated (deactivation outranks).
    const results = [
      await changeStatus(
        ctx,
        'deactivate',
        due.filter((row) => row.kind === 'deactivate').map(targetOf),
        { door: 'schedule', reason: 'termination date reached', sourceId: null },
      ),
      await changeStatus(
        ctx,
        'activate',
        due.filter((row) => row.kind === 'activate').map(targetOf),
        { door: 'schedule', reason: 'hire date reached', sourceId: null, from: ['pending'] },
      ),
    ];
    const skips = results.map((r) => new Map(r.skipped.map((item) => [item.id, item.code])));
    const outcomes: Outcome[] = due.map((row) => {
      const code = skips[row.kind === 'deactivate' ? 0 : 1]?.get(row.user_id);
      if (!code) return { id: row.id, outcome: 'applied', reason: null };
      return { id: row.id, outcome: 'skipped', reason: skippedBecause(code, row) };
    });
    await em.execute(
      `update scheduled_change c set fired_at = ?::timestamptz, updated_at = ?::timestamptz,
              outcome = o.outcome, outcome_reason = o.reason
         from jsonb_to_recordset(?::jsonb) as o(id uuid, outcome text, reason text)
        where c.id = o.id`,
      [now, now, JSON.stringify(outcomes)],
    );
    const byId = new Map(due.map((row) => [row.id, row]));
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
