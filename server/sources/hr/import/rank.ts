import type { Actor } from '../../../authz/actor.ts';
import { rankOf } from '../../../authz/roles.ts';
import { appendNoteSql, noteSql } from '../../reconcile/notes.ts';
import type { Queryable } from '../../reconcile/plan.ts';

/**
 * The per-person rank rule of an import, as an afterPlan hook: a requester below superadmin
 * may not change people of their own rank or above (staff: anyone with a back-office role;
 * admin: admins, auditors, superadmins), so those plan items are blocked, in one statement.
 * Superadmins and the CLI (the system, run by the operator) have no such limit.
 */
export function rankRule(
  actor: Actor,
): ((db: Queryable, runId: string) => Promise<void>) | undefined {
  if (actor.kind === 'system' || actor.role === 'superadmin') return undefined;
  const rank = rankOf(actor.role);
  return async (db, runId) => {
    await db.query(
      `update sync_plan_item p set blocked = 'insufficient_rank',
              blocked_note = ${noteSql('blocked_insufficient_rank')},
              reason = concat_ws('; ', p.reason, 'the requester may not change this person (their rank)'),
              notes = ${appendNoteSql(noteSql('requester_rank'))}
         from app_user u
        where p.run_id = $1 and u.id = p.user_id and u.rank >= $2
          and p.action in ('update', 'deactivate', 'suspend', 'reactivate') and p.blocked is null`,
      [runId, rank],
    );
  };
}
