import { type AppAbility, asUserSubject, authorize } from '../../authz/index.ts';
import type { Actor } from '../../shared/actor.ts';
import { runCommand } from '../../shared/command.ts';
import type { Services } from '../../shared/services.ts';
import type { LoginMethod } from '../entities.ts';
import { labelOf, loadUser, requireAnyRight } from './common.ts';
import { presentOne, type UserView } from './presentUser.ts';

/**
 * Switches how a person signs in. The stored password hash is cleared on any change, so
 * credentials from before the switch stop working (a return to `password` needs a new one).
 */
export function changeLoginMethod(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
  loginMethod: LoginMethod,
): Promise<UserView> {
  return runCommand(
    services,
    actor,
    async ({ em, audit }) => {
      requireAnyRight(ability, 'changeLoginMethod', 'user.login_method_changed', id);
      const user = await loadUser(em, id);
      authorize(ability, 'changeLoginMethod', asUserSubject(user), {
        auditAction: 'user.login_method_changed',
        targetType: 'user',
        targetId: id,
        targetLabel: labelOf(user),
      });
      if (user.loginMethod === loginMethod)
        return presentOne(em, user, services.config.hr.precedence);
      const before = { loginMethod: user.loginMethod };
      const passwordCleared = user.passwordHash != null;
      user.loginMethod = loginMethod;
      user.passwordHash = null;
      user.passwordChangedAt = null;
      await em.flush();
      audit({
        action: 'user.login_method_changed',
        targetType: 'user',
        targetId: user.id,
        targetLabel: labelOf(user),
        diff: { before, after: { loginMethod } },
        details: { passwordCleared },
      });
      return presentOne(em, user, services.config.hr.precedence);
    },
    ability,
  );
}
