import { LockMode } from '@mikro-orm/core';
import type { Actor } from '../../authz/actor.ts';
import { authorize, requireSecondPerson } from '../../authz/index.ts';
import { AppError, conflict, notFound } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { type CommandContext, runCommand } from '../runCommand.ts';
import type { ConfigAppliers } from './applier.ts';
import { ConfigChange } from './entity.ts';
import { type ConfigChangeView, presentConfigChange } from './schemas.ts';

/**
 * Loads a change for a decision under a row lock: 404 when unknown, 409 `config_change_decided`
 * when no longer pending, and — when its time is up — records the expiry (committed) and fails
 * with 409 `config_change_expired`.
 */
export async function loadPendingChange(
  ctx: CommandContext,
  id: string,
  auditAction: 'config_change.approved' | 'config_change.rejected',
): Promise<ConfigChange> {
  authorize(ctx.ability, 'approve', 'ConfigChange', {
    auditAction,
    targetType: 'config_change',
    targetId: id,
  });
  const row = await ctx.em.findOne(ConfigChange, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!row) throw notFound('Configuration change');
  if (row.status !== 'pending')
    throw conflict('config_change_decided', `This change is already ${row.status}`);
  const now = ctx.services.now();
  if (row.expiresAt.getTime() <= now.getTime()) {
    row.status = 'expired';
    row.decidedAt = now;
    ctx.audit(expiredEvent(row));
    ctx.failAfterCommit(
      new AppError(409, 'config_change_expired', 'This change has expired: ask for it again'),
    );
  }
  return row;
}

/** The audit event of a change that expired unapproved. */
export function expiredEvent(row: ConfigChange) {
  return {
    action: 'config_change.expired' as const,
    targetType: 'config_change',
    targetId: row.id,
    targetLabel: row.targetLabel ?? row.targetId,
    details: {
      setting: row.setting,
      operation: row.operation,
      settingId: row.targetId,
      requestedBy: row.requestedBy,
      expiresAt: row.expiresAt.toISOString(),
    },
  };
}

/**
 * Approves a pending change (`POST /config-changes/:id/approve`, superadmin): another superadmin
 * than the requester (403 `second_approver_required`, audited as denied), before its expiry, and
 * only if its setting is still in the state it was asked against — otherwise the request is
 * closed as `superseded` and the answer is 409 `config_change_stale`. The change is then applied
 * by its setting's own command code in this transaction, which validates it again against the
 * current state, and audited `config_change.approved` beside the setting's own event.
 */
export function approveConfigChange(
  services: Services,
  actor: Actor,
  id: string,
  appliers: ConfigAppliers,
): Promise<ConfigChangeView> {
  return runCommand(services, actor, async (ctx) => {
    const row = await loadPendingChange(ctx, id, 'config_change.approved');
    requireSecondPerson(actor.userId, [row.requestedById ?? null], {
      auditAction: 'config_change.approved',
      targetType: 'config_change',
      targetId: id,
      targetLabel: row.targetLabel ?? row.targetId,
    });
    const applier = appliers[row.setting];
    const now = services.now();
    const details = {
      setting: row.setting,
      operation: row.operation,
      settingId: row.targetId,
      requestedBy: row.requestedBy,
    };
    if ((await applier.versionOf(ctx, row.targetId)) !== row.baseVersion) {
      row.status = 'superseded';
      row.decidedById = actor.userId;
      row.decidedBy = actor.label;
      row.decidedAt = now;
      ctx.audit({
        action: 'config_change.superseded',
        targetType: 'config_change',
        targetId: id,
        targetLabel: row.targetLabel ?? row.targetId,
        details,
      });
      ctx.failAfterCommit(
        new AppError(
          409,
          'config_change_stale',
          'The setting changed after this request was made: ask for the change again',
        ),
      );
    }
    await applier.apply(ctx, row, {
      configChangeId: id,
      dualControl: 'approved',
      requestedBy: row.requestedBy,
      approvedBy: actor.label,
    });
    row.status = 'applied';
    row.decidedById = actor.userId;
    row.decidedBy = actor.label;
    row.decidedAt = now;
    ctx.audit({
      action: 'config_change.approved',
      targetType: 'config_change',
      targetId: id,
      targetLabel: row.targetLabel ?? row.targetId,
      diff: {
        before: row.diff.before as Record<string, unknown> | undefined,
        after: row.diff.after as Record<string, unknown> | undefined,
      },
      details,
    });
    return presentConfigChange(row, now);
  });
}
