import type { Actor } from '../../authz/actor.ts';
import type { Services } from '../../shared/services.ts';
import { runCommand } from '../runCommand.ts';
import { loadPendingChange } from './approveConfigChange.ts';
import { type ConfigChangeView, presentConfigChange } from './schemas.ts';

/**
 * Rejects a pending change with a reason (`POST /config-changes/:id/reject`, superadmin). The
 * requester may reject their own request: that withdraws it (`withdrawn` in the audit details),
 * which gives nobody a way past the second person, since nothing is applied.
 */
export function rejectConfigChange(
  services: Services,
  actor: Actor,
  id: string,
  reason: string,
): Promise<ConfigChangeView> {
  return runCommand(services, actor, async (ctx) => {
    const row = await loadPendingChange(ctx, id, 'config_change.rejected');
    const now = services.now();
    row.status = 'rejected';
    row.decidedById = actor.userId;
    row.decidedBy = actor.label;
    row.decidedAt = now;
    row.reason = reason;
    ctx.audit({
      action: 'config_change.rejected',
      targetType: 'config_change',
      targetId: id,
      targetLabel: row.targetLabel ?? row.targetId,
      reason,
      details: {
        setting: row.setting,
        operation: row.operation,
        settingId: row.targetId,
        requestedBy: row.requestedBy,
        ...(actor.userId !== null && actor.userId === row.requestedById ? { withdrawn: true } : {}),
      },
    });
    return presentConfigChange(row, now);
  });
}
