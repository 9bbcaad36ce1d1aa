import { type AppAbility, asUserSubject, authorize } from '../../authz/index.ts';
import { loadCorePerson } from '../../core/outbox/corePerson.ts';
import type { Actor } from '../../shared/actor.ts';
import { runCommand } from '../../shared/command.ts';
import { conflict } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { labelOf, loadUser, requireAnyRight } from './common.ts';
import { presentOne, type UserView } from './presentUser.ts';

/** Activates a pending or deactivated person. */
export function activateUser(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
  reason: string | null,
): Promise<UserView> {
  return runCommand(
    services,
    actor,
    async ({ em, audit, emit }) => {
      requireAnyRight(ability, 'activate', 'user.activated', id);
      const user = await loadUser(em, id);
      authorize(ability, 'activate', asUserSubject(user), {
        auditAction: 'user.activated',
        targetType: 'user',
        targetId: id,
        targetLabel: labelOf(user),
      });
      if (user.status === 'active')
        throw conflict('already_active', 'This person is already active');
      const before = { status: user.status };
      user.status = 'active';
      user.statusChangedAt = services.now();
      user.statusChangedById = actor.userId;
      user.statusReason = reason;
      await em.flush();
      audit({
        action: 'user.activated',
        targetType: 'user',
        targetId: user.id,
        targetLabel: labelOf(user),
        reason,
        diff: { before, after: { status: user.status } },
      });
      const person = await loadCorePerson(em, user);
      if (person) emit({ type: 'person.reactivated', key: user.id, person });
      return presentOne(em, user, services.config.hr.precedence);
    },
    ability,
  );
}
