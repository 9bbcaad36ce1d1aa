import type { Actor } from '../../authz/actor.ts';
import { accessibleWhere, authorize } from '../../authz/index.ts';
import { notFound } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { runCommand } from '../runCommand.ts';
import { ConfigChange } from './entity.ts';
import {
  type ConfigChangeView,
  type ListConfigChangesQuery,
  presentConfigChange,
} from './schemas.ts';

/**
 * The history of configuration changes, newest first (`GET /config-changes`; superadmins and
 * auditors). `status=pending` also leaves out requests past their expiry that the sweep has not
 * closed yet, so the pending list offers nothing that an approval would refuse.
 */
export function listConfigChanges(
  services: Services,
  actor: Actor,
  query: ListConfigChangesQuery,
): Promise<{ data: ConfigChangeView[]; total: number }> {
  return runCommand(services, actor, async ({ em, ability }) => {
    authorize(ability, 'read', 'ConfigChange', {
      auditAction: 'config_change.listed',
      targetType: 'config_change',
    });
    const access = accessibleWhere<ConfigChange>(ability, 'read', 'ConfigChange') ?? {};
    const now = services.now();
    const where = {
      $and: [
        access,
        query.setting ? { setting: query.setting } : {},
        query.targetId ? { targetId: query.targetId } : {},
        query.status === 'pending' ? { status: 'pending' as const, expiresAt: { $gt: now } } : {},
        query.status === 'expired'
          ? {
              $or: [
                { status: 'expired' as const },
                { status: 'pending' as const, expiresAt: { $lte: now } },
              ],
            }
          : {},
        query.status && query.status !== 'pending' && query.status !== 'expired'
          ? { status: query.status }
          : {},
      ],
    };
    const [rows, total] = await em.findAndCount(ConfigChange, where, {
      orderBy: { requestedAt: 'desc', id: 'desc' },
      limit: query.limit,
      offset: query.offset,
    });
    return { data: rows.map((row) => presentConfigChange(row, now)), total };
  });
}

/** One configuration change (`GET /config-changes/:id`). */
export function getConfigChange(
  services: Services,
  actor: Actor,
  id: string,
): Promise<ConfigChangeView> {
  return runCommand(services, actor, async ({ em, ability }) => {
    authorize(ability, 'read', 'ConfigChange', {
      auditAction: 'config_change.viewed',
      targetType: 'config_change',
      targetId: id,
    });
    const row = await em.findOne(ConfigChange, { id });
    if (!row) throw notFound('Configuration change');
    return presentConfigChange(row, services.now());
  });
}
