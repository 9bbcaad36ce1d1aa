import { type AppAbility, asUserSubject, authorize } from '../../authz/index.ts';
import type { Actor } from '../../shared/actor.ts';
import { runCommand } from '../../shared/command.ts';
import type { Services } from '../../shared/services.ts';
import { labelOf, loadUser, requireAnyRight } from './common.ts';
import { presentOne, type UserView } from './presentUser.ts';

/** A person's card, including who added them and who last changed their status. */
export function getUser(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
): Promise<UserView> {
  return runCommand(
    services,
    actor,
    async ({ em }) => {
      requireAnyRight(ability, 'read', 'user.viewed', id);
      const user = await loadUser(em, id);
      authorize(ability, 'read', asUserSubject(user), {
        auditAction: 'user.viewed',
        targetType: 'user',
        targetId: id,
        targetLabel: labelOf(user),
      });
      return presentOne(em, user);
    },
    ability,
  );
}
