import { type AppAbility, asRoleGrant, authorize } from '../../authz/index.ts';
import { loadCorePerson } from '../../core/outbox/corePerson.ts';
import { revokeBackofficeSessions } from '../../identity/backofficeSession.ts';
import { type Actor, rankOf } from '../../shared/actor.ts';
import { runCommand } from '../../shared/command.ts';
import type { Services } from '../../shared/services.ts';
import type { Role } from '../entities.ts';
import { guardLastSuperadmin, labelOf, loadUser, requireAnyRight } from './common.ts';
import { presentOne, type UserView } from './presentUser.ts';

/**
 * Grants, changes or withdraws a person's back-office role. `superadmin` is never grantable
 * here (the abilities refuse it; superadmins are made from the command line). Withdrawing or
 * changing a role revokes the person's back-office sessions, so the old powers end at once.
 */
export function changeRole(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
  role: Role | null,
  reason: string | null,
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
      const previous = user.role ?? null;
      if (previous === role) return presentOne(em, user, services.config.hr.precedence);
      await guardLastSuperadmin(em, user);
      user.role = role;
      user.rank = rankOf(role);
      const sessionsRevoked =
        previous === null ? 0 : await revokeBackofficeSessions(em, user.id, services.now());
      await em.flush();
      audit({
        action: 'user.role_changed',
        targetType: 'user',
        targetId: user.id,
        targetLabel: labelOf(user),
        reason,
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
