import type { Actor } from '../../authz/actor.ts';
import type { AppAbility } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { labelOf } from '../../directory/users/common.ts';
import type { Services } from '../../shared/services.ts';
import { insertGrant } from '../grants/grantRole.ts';
import { loadForDecision } from './decide.ts';
import { presentRequests } from './present.ts';
import type { ElevationRequestView } from './schemas.ts';

/**
 * A second superadmin approves an elevation request (four eyes, see `loadForDecision`): in the
 * same transaction the role is granted through the grants' own code (`user.role_granted`, with
 * `approvedById`), until now + the requested duration, and `elevation.approved` is audited.
 */
export function approveElevation(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
  reason: string | null | undefined,
): Promise<ElevationRequestView> {
  return runCommand(
    services,
    actor,
    async (ctx) => {
      const { request, requester } = await loadForDecision(ctx, id, 'elevation.approved');
      const now = services.now();
      const expiresAt = new Date(now.getTime() + request.durationMinutes * 60_000);
      const grant = await insertGrant(
        ctx,
        request.requesterId,
        { role: request.role, scope: request.scope, expiresAt, reason: request.reason },
        actor.userId,
      );
      const why = reason?.trim() || null;
      request.status = 'approved';
      request.decidedAt = now;
      request.decidedById = actor.userId;
      request.decisionReason = why;
      request.grantId = grant.id;
      await ctx.em.flush();
      ctx.audit({
        action: 'elevation.approved',
        targetType: 'user',
        targetId: requester.id,
        targetLabel: labelOf(requester),
        reason: why,
        details: {
          requestId: request.id,
          role: request.role,
          scope: request.scope,
          durationMinutes: request.durationMinutes,
          grantId: grant.id,
          expiresAt: expiresAt.toISOString(),
        },
      });
      const [view] = await presentRequests(ctx.em, [request], now);
      return view as ElevationRequestView;
    },
    ability,
  );
}
