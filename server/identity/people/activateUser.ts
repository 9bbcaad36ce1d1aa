import type { Actor } from '../../authz/actor.ts';
import type { AppAbility } from '../../authz/index.ts';
import type { UserView } from '../../directory/users/presentUser.ts';
import type { Services } from '../../shared/services.ts';
import { changeOneStatus } from './changeOneStatus.ts';

/** Activates a pending, suspended or deactivated person from the console. */
export function activateUser(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
  reason: string | null,
): Promise<UserView> {
  return changeOneStatus(services, actor, ability, id, 'activate', reason);
}
