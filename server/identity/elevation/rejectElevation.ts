import type { Actor } from '../../authz/actor.ts';
import type { AppAbility } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { labelOf } from '../../directory/users/common.ts';
import { requireReason } from '../../shared/reason.ts';
import type { Services } from '../../shared/services.ts';
import { loadForDecision } from './decide.ts';
import { presentRequests } from './present.ts';
import type { ElevationRequestView } from './schemas.ts';

/** A second superadmin rejects an elevation request with a reason (`elevation.rejected`). */
export function rejectElevation(
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
      const { request, requester } = await loadForDecision(ctx, id, 'elevation.rejected');
      const why = requireReason(reason);
      const now = services.now();
      request.status = 'rejected';
      request.decidedAt = now;
      request.decidedById = actor.userId;
      request.decisionReason = why;
      await ctx.em.flush();
      ctx.audit({
        action: 'elevation.rejected',
        targetType: 'user',
        targetId: requester.id,
        targetLabel: labelOf(requester),
        reason: why,
        details: { requestId: request.id, role: request.role, scope: request.scope },
      });
      const [view] = await presentRequests(ctx.em, [request], now);
      return view as ElevationRequestView;
    },
    ability,
  );
}
