import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, asUserSubject } from '../../authz/index.ts';
import { type CommandContext, runCommand } from '../../commands/runCommand.ts';
import { requireAnyRight } from '../../directory/users/common.ts';
import type { Services } from '../../shared/services.ts';
import {
  changeStatus,
  type LifecycleVerb,
  type SkipCode,
  type StatusChanged,
} from '../lifecycle/changeStatus.ts';
import { STATUS_AUDIT_ACTION } from '../lifecycle/verbs.ts';

/** At most this many people per bulk request (the console sends a page selection). */
export const BULK_MAX = 1000;

/** Why a person of a bulk request was left as they were. */
export type BulkSkipCode = SkipCode | 'forbidden';

/** What a bulk request changed and left, person by person. */
export interface BulkStatusResult {
  changed: Omit<StatusChanged, 'artefacts'>[];
  skipped: { id: string; label: string | null; code: BulkSkipCode; message: string }[];
}

const MESSAGES: Record<BulkSkipCode, string> = {
  forbidden: 'You may not change the status of this person',
  not_found: 'No such person',
  already_deactivated: 'Already deactivated',
  already_suspended: 'Already suspended',
  already_active: 'Already active',
  last_superadmin: 'The last active superadmin cannot be deactivated or suspended',
  kept_by_hand: 'Kept as set by hand',
  not_eligible: 'Not in a status this change applies to',
};

/**
 * The bulk door: one transaction for up to BULK_MAX people. Each person the caller may not act
 * on (rank, themselves) is skipped as `forbidden` with a denied audit event; the lifecycle
 * changes the rest set-based and reports who it left and why.
 */
export function changeStatuses(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  verb: LifecycleVerb,
  ids: readonly string[],
  reason: string | null,
): Promise<BulkStatusResult> {
  return runCommand(
    services,
    actor,
    (ctx) => {
      requireAnyRight(ability, verb, STATUS_AUDIT_ACTION[verb]);
      return changeStatusesIn(ctx, verb, ids, reason, { requested: new Set(ids).size });
    },
    ability,
  );
}

/**
 * The bulk door inside the caller's transaction (a bulk request, or one chunk of a bulk job):
 * people the caller may not act on are skipped as `forbidden` with a denied audit event; the
 * lifecycle changes the rest set-based. `details` go into every audit event.
 */
export async function changeStatusesIn(
  ctx: CommandContext,
  verb: LifecycleVerb,
  ids: readonly string[],
  reason: string | null,
  details: Record<string, unknown>,
): Promise<BulkStatusResult> {
  const auditAction = STATUS_AUDIT_ACTION[verb];
  const { ability } = ctx;
  const unique = [...new Set(ids)];
  const rows = await ctx.em.execute<
    { id: string; rank: number; label: string; organizationId: string | null }[]
  >(
    `select id, rank, coalesce(username, display_name) as label,
            organization_id as "organizationId" from app_user
      where id in (select value::uuid from jsonb_array_elements_text(?::jsonb))`,
    [JSON.stringify(unique)],
  );
  const found = new Map(rows.map((row) => [row.id, row]));
  const result: BulkStatusResult = { changed: [], skipped: [] };
  const allowed: string[] = [];
  for (const id of unique) {
    const row = found.get(id);
    if (!row) continue; // the lifecycle reports it as not_found
    if (ability.can(verb, asUserSubject(row))) {
      allowed.push(id);
      continue;
    }
    // Someone the caller may not even see (outside their scope) keeps their name out of the report.
    const label = ability.can('read', asUserSubject(row)) ? row.label : null;
    result.skipped.push({ id, label, code: 'forbidden', message: MESSAGES.forbidden });
    ctx.audit({
      action: auditAction,
      outcome: 'denied',
      targetType: 'user',
      targetId: id,
      targetLabel: row.label,
      reason,
      details: { door: 'bulk', ...details, errorCode: 'forbidden' },
    });
  }
  const missing = unique.filter((id) => !found.has(id)).map((id) => ({ id }));
  const changed = await changeStatus(ctx, verb, [...allowed.map((id) => ({ id })), ...missing], {
    door: 'bulk',
    reason,
    sourceId: null,
    details,
  });
  for (const { artefacts: _, ...row } of changed.changed) result.changed.push(row);
  for (const row of changed.skipped) result.skipped.push({ ...row, message: MESSAGES[row.code] });
  return result;
}
