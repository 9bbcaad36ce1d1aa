import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, asRoleGrant, authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { labelOf, loadUser, requireAnyRight } from '../../directory/users/common.ts';
import { conflict, notFound } from '../../shared/errors.ts';
import { requireReason } from '../../shared/reason.ts';
import type { Services } from '../../shared/services.ts';
import { closeGrants } from './closeGrants.ts';
import { RoleGrant } from './entity.ts';
import { presentGrants } from './present.ts';
import type { RoleGrantView } from './schemas.ts';

/**
 * Withdraws one role grant before its time, with a reason. Withdrawing needs the same right as
 * granting that role (`RoleGrant` from the granted role to none). The person's back-office
 * sessions end when no role is left to them.
 */
export function endGrant(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  userId: string,
  grantId: string,
  reason: string | null | undefined,
): Promise<RoleGrantView> {
  return runCommand(
    services,
    actor,
    async ({ em, audit }) => {
      requireAnyRight(ability, 'grant', 'user.role_grant_ended', userId, 'RoleGrant');
      const user = await loadUser(em, userId);
      const grant = await em.findOne(RoleGrant, { id: grantId, userId });
      if (!grant) throw notFound('RoleGrant');
      // Ending `role` is a change from it to the standing role (or none), like a withdrawal.
      authorize(
        ability,
        'grant',
        asRoleGrant({ id: user.id, rank: user.rank, role: grant.role }, user.role ?? null),
        {
          auditAction: 'user.role_grant_ended',
          targetType: 'user',
          targetId: user.id,
          targetLabel: labelOf(user),
        },
      );
      const why = requireReason(reason);
      const now = services.now();
      if (grant.endedAt) throw conflict('grant_ended', 'The grant has already ended');
      const [closed] = await closeGrants(em, [grant.id], {
        at: now,
        byId: actor.userId,
        reason: why,
      });
      await em.refresh(grant);
      audit({
        action: 'user.role_grant_ended',
        targetType: 'user',
        targetId: user.id,
        targetLabel: labelOf(user),
        reason: why,
        details: {
          grantId: grant.id,
          role: grant.role,
          scope: grant.scope,
          cause: 'withdrawn',
          sessionsRevoked: closed?.backofficeSessions ?? 0,
        },
      });
      const [view] = await presentGrants(em, [grant], now);
      return view as RoleGrantView;
    },
    ability,
  );
}
