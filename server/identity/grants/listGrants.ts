import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, asUserSubject, authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { labelOf, loadUser } from '../../directory/users/common.ts';
import type { Services } from '../../shared/services.ts';
import { RoleGrant } from './entity.ts';
import { presentGrants } from './present.ts';
import type { RoleGrantView } from './schemas.ts';

/** A person's role grants, in force and ended, newest first; for whoever may read the person. */
export function listGrants(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  userId: string,
): Promise<{ data: RoleGrantView[]; total: number }> {
  return runCommand(
    services,
    actor,
    async ({ em }) => {
      const user = await loadUser(em, userId);
      authorize(ability, 'read', asUserSubject(user), {
        auditAction: 'user.viewed',
        targetType: 'user',
        targetId: user.id,
        targetLabel: labelOf(user),
      });
      const grants = await em.find(
        RoleGrant,
        { userId },
        { orderBy: { createdAt: 'desc', id: 'desc' } },
      );
      const data = await presentGrants(em, grants, services.now());
      return { data, total: data.length };
    },
    ability,
  );
}
