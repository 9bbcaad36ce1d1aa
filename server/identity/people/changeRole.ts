import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, asRoleGrant, authorize } from '../../authz/index.ts';
import type { Role } from '../../authz/roles.ts';
import { rankOf } from '../../authz/roles.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { loadCorePerson } from '../../directory/people/corePerson.ts';
import { labelOf, loadUser, requireAnyRight } from '../../directory/users/common.ts';
import { presentOne, type UserView } from '../../directory/users/presentUser.ts';
import { requireReason } from '../../shared/reason.ts';
import type { Services } from '../../shared/services.ts';
import { guardLastSuperadmin } from '../lifecycle/lastSuperadmin.ts';
import { revokeArtefacts } from '../sessions/revokeArtefacts.ts';

/**
 * Grants, changes or withdraws a person's back-office role. `superadmin` is never grantable
 * here (the abilities refuse it; superadmins are made from the command line). Withdrawing or
 * changing a role revokes the person's back-office sessions, so the old powers end at once.
 * A reason is required (400 `validation_failed` at `reason`), checked after authorization.
 */
export function changeRole(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
  role: Role | null,
  reason: string | null | undefined,
): Promise<UserView> {
  return runCommand(
    services,
    actor,
    async ({ em, audit, emit }) => {
      requireAnyRight(ability, 'grant', 'user.role_changed', id, 'RoleGrant');
      const user = await loadUser(em, id);
      authorize(
        ability,
        'grant',
        asRoleGrant({ id: user.id, rank: user.rank, role: user.role ?? null }, role),
        {
          auditAction: 'user.role_changed',
          targetType: 'user',
          targetId: id,
          targetLabel: labelOf(user),
        },
      );
      const why = requireReason(reason);
      const previous = user.role ?? null;
      if (previous === role) return presentOne(em, user, services.config.hr.precedence);
      await guardLastSuperadmin(em, user);
      user.role = role;
      user.rank = rankOf(role);
      const sessionsRevoked =
        previous === null
          ? 0
          : ((
              await revokeArtefacts(em, [user.id], {
                at: services.now(),
                reason: 'back-office role changed',
                byId: actor.userId,
                scope: 'backoffice',
              })
            ).get(user.id)?.backofficeSessions ?? 0);
      await em.flush();
      audit({
        action: 'user.role_changed',
        targetType: 'user',
        targetId: user.id,
        targetLabel: labelOf(user),
        reason: why,
        diff: { before: { role: previous }, after: { role } },
        details: { sessionsRevoked },
      });
      // The core's copy is refreshed so it can follow what the person may do in the messenger.
      const person = await loadCorePerson(em, user);
      if (person) emit({ type: 'person.upserted', key: user.id, person });
      return presentOne(em, user, services.config.hr.precedence);
    },
    ability,
  );
}
