import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditAction } from '../../audit/actions.ts';
import { type Action, type AppAbility, asUserSubject, authorize } from '../../authz/index.ts';
import type { User } from '../../directory/entities.ts';
import { labelOf, loadUser, requireAnyRight } from '../../directory/users/common.ts';

/**
 * Which ability governs reading a person's sessions (devices, IPs, user agents). Those who may
 * list back-office accounts (superadmin, auditor) see everyone's, read-only for the auditor;
 * anyone else sees exactly the sessions they may revoke (admin: plain users and staff), so an
 * admin cannot see where a superadmin or another admin signs in from, and staff see none.
 */
export function sessionReadAction(ability: AppAbility): Action {
  return ability.can('read', 'BackofficeAccount') ? 'read' : 'revokeSessions';
}

/**
 * Refuses (audited as denied) before loading when the role has no such right on anyone, then
 * loads the person (404) and authorizes the action on them with their stored rank.
 */
export async function loadAuthorizedTarget(
  em: EntityManager,
  ability: AppAbility,
  action: Action,
  auditAction: AuditAction,
  userId: string,
): Promise<User> {
  requireAnyRight(ability, action, auditAction, userId);
  const user = await loadUser(em, userId);
  authorize(ability, action, asUserSubject(user), {
    auditAction,
    targetType: 'user',
    targetId: user.id,
    targetLabel: labelOf(user),
  });
  return user;
}
