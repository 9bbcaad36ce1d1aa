import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, asUserSubject, authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import type { LoginMethod } from '../../directory/entities.ts';
import { labelOf, loadUser, requireAnyRight } from '../../directory/users/common.ts';
import { presentOne, type UserView } from '../../directory/users/presentUser.ts';
import type { Services } from '../../shared/services.ts';
import { changeCredentials, countsOf } from '../lifecycle/changeCredentials.ts';
import { ssoNotConfigured } from '../oidc/client.ts';
import { forgetOidcIdentity } from '../oidc/identities.ts';

/**
 * Switches how a person signs in. The stored password hash is cleared on any change, so
 * credentials from before the switch stop working (a return to `password` needs a new one), and,
 * as every credential change, every session, device token and pending link of the person ends.
 * A provider account linked for `oidc` is forgotten too. Switching to `oidc` needs `sso.oidc`
 * configured (409 `sso_not_configured`).
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
    async (ctx) => {
      const { em, audit } = ctx;
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
      // Nobody could sign in: the provider comes from the configuration file alone (docs/sso.md).
      if (loginMethod === 'oidc' && !services.config.sso.oidc) throw ssoNotConfigured();
      const before = { loginMethod: user.loginMethod };
      const passwordCleared = user.passwordHash != null;
      user.loginMethod = loginMethod;
      user.passwordHash = null;
      user.passwordChangedAt = null;
      await em.flush();
      // A provider account linked before is forgotten: a return to `oidc` matches once again.
      const oidcUnlinked = await forgetOidcIdentity(em, user.id);
      // Whatever the old method proved must stop working: every session and device ends.
      const revoked = countsOf(
        await changeCredentials(ctx, [user], 'login_method_changed', null),
        user.id,
      );
      audit({
        action: 'user.login_method_changed',
        targetType: 'user',
        targetId: user.id,
        targetLabel: labelOf(user),
        diff: { before, after: { loginMethod } },
        details: { passwordCleared, oidcUnlinked, artefactsRevoked: revoked },
      });
      return presentOne(em, user, services.config.hr.precedence);
    },
    ability,
  );
}
