import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, accessibleWhere, authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { ForbiddenError } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import type { User } from '../entities.ts';
import type { UserView } from './presentUser.ts';
import { queryUsers, type UserListParams } from './userQuery.ts';

/** Lists people holding a back-office role (superadmins and auditors only). */
export function listBackofficeAccounts(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  params: UserListParams,
): Promise<{ data: UserView[]; total: number; totalIsEstimate: boolean }> {
  return runCommand(
    services,
    actor,
    async ({ em }) => {
      authorize(ability, 'read', 'BackofficeAccount', {
        auditAction: 'user.listed',
        targetType: 'backoffice_account',
      });
      const access = accessibleWhere<User>(ability, 'read', 'User');
      if (!access) throw new ForbiddenError({ action: 'user.listed', targetType: 'user' });
      return queryUsers(
        em,
        access,
        { ...params, role: params.role ?? 'any' },
        services.config.hr.precedence,
      );
    },
    ability,
  );
}
