import type { Actor } from '../../authz/actor.ts';
import type { AppAbility } from '../../authz/index.ts';
import type { UserView } from '../../directory/users/presentUser.ts';
import { requireReason } from '../../shared/reason.ts';
import type { Services } from '../../shared/services.ts';
import { changeOneStatus } from './changeOneStatus.ts';

/**
 * Deactivates a person from the console: the lifecycle ends every session and device, tells the
 * core and records who, when and why. For a synced person the manual status sticks. The reason
 * is required at every door that calls this (400 `validation_failed` at `reason`).
 */
export function deactivateUser(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
  reason: string,
): Promise<UserView> {
  return changeOneStatus(services, actor, ability, id, 'deactivate', requireReason(reason));
}
