import type { Actor } from '../../authz/actor.ts';
import { authorize } from '../../authz/index.ts';
import { accessCondition } from '../../authz/sql.ts';
import { runCommand } from '../../commands/runCommand.ts';
import type { Services } from '../../shared/services.ts';
import { Space } from '../entities.ts';
import { containsPattern } from '../organizations/support.ts';
import type { ListSpacesQuery, SpaceView } from './schemas.ts';
import { presentSpace, SPACE_COLUMNS, SPACE_FROM, type SpaceRow } from './views.ts';

/**
 * Lists spaces with their member counts (read: superadmin, admin, auditor). Plain reads are not
 * audited; denied attempts are, as `space.listed`.
 */
export async function listSpaces(
  services: Services,
  actor: Actor,
  query: ListSpacesQuery,
): Promise<{ data: SpaceView[]; total: number }> {
  return runCommand(services, actor, async ({ em, ability }) => {
    authorize(ability, 'read', 'Space', { auditAction: 'space.listed', targetType: 'Space' });
    // The same rules as a single read: a scoped role lists spaces of its subtrees (issue 18).
    const access = accessCondition(em, ability, 'read', 'Space', Space, 's.id');
    const where: string[] = [access.sql];
    const params: unknown[] = [...access.params];
    if (query.q) {
      where.push('fold_search(s.name) like fold_search(?)');
      params.push(containsPattern(query.q));
    }
    if (query.organizationId) {
      where.push('s.organization_id = ?');
      params.push(query.organizationId);
    }
    const filter = `where ${where.join(' and ')}`;
    const rows = await em.execute<SpaceRow[]>(
      `select ${SPACE_COLUMNS} from ${SPACE_FROM} ${filter}
        order by s.name collate "und-x-icu", s.id limit ? offset ?`,
      [...params, query.limit, query.offset],
    );
    const [count] = await em.execute<{ total: number }[]>(
      `select count(*)::int as total from space s ${filter}`,
      params,
    );
    return { data: rows.map(presentSpace), total: count?.total ?? 0 };
  });
}
