import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, accessibleWhere } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { ForbiddenError } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import type { User } from '../entities.ts';
import type { UserView } from './presentUser.ts';
import { queryUsers, type UserListParams } from './userQuery.ts';

/**
 * Lists and searches people, filtered by the same read rules as a single read. Filtering by
 * role reveals who holds back-office power, so only those who may list back-office accounts
 * may use it.
 */
export function listUsers(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  params: UserListParams,
): Promise<{ data: UserView[]; total: number; totalIsEstimate: boolean }> {
  return runCommand(
    services,
    actor,
    async ({ em }) => {
      const access = accessibleWhere<User>(ability, 'read', 'User');
      if (!access) throw new ForbiddenError({ action: 'user.listed', targetType: 'user' });
      if (params.role && !ability.can('read', 'BackofficeAccount'))
        throw new ForbiddenError(
          { action: 'user.listed', targetType: 'user' },
          'Filtering by role is not allowed for your role',
          'forbidden_filter',
        );
      return queryUsers(
        em,
        access,
        { ...params, now: services.now() },
        services.config.hr.precedence,
      );
    },
    ability,
  );
}
