import type { Actor } from '../../authz/actor.ts';
import type { AppAbility } from '../../authz/index.ts';
import type { UserView } from '../../directory/users/presentUser.ts';
import type { Services } from '../../shared/services.ts';
import { changeOneStatus } from './changeOneStatus.ts';

/**
 * Suspends a person from the console (a leave of absence, an investigation): cut off like a
 * deactivation, memberships kept, back with one activation. No source lifts it.
 */
export function suspendUser(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
  reason: string,
): Promise<UserView> {
  return changeOneStatus(services, actor, ability, id, 'suspend', reason);
}
