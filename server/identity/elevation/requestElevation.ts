import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, asElevationRequest, authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { labelOf, loadUser } from '../../directory/users/common.ts';
import { badRequest } from '../../shared/errors.ts';
import { requireReason } from '../../shared/reason.ts';
import type { Services } from '../../shared/services.ts';
import { checkScope } from '../grants/grantRole.ts';
import { ElevationRequest } from './entity.ts';
import { presentRequests } from './present.ts';
import type { ElevationRequestBody, ElevationRequestView } from './schemas.ts';

/**
 * A signed-in back-office person asks for a role (company-wide or scoped) for a number of
 * minutes, with a reason (`elevation.requested`). The duration is bounded by
 * `elevation.maxDurationMinutes`; the request lapses after `elevation.requestLapseMinutes`
 * unless a superadmin other than the requester decides it first.
 */
export function requestElevation(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  body: ElevationRequestBody,
): Promise<ElevationRequestView> {
  return runCommand(
    services,
    actor,
    async ({ em, audit }) => {
      const requesterId = actor.userId ?? '';
      authorize(ability, 'create', asElevationRequest({ requesterId }), {
        auditAction: 'elevation.requested',
        targetType: 'user',
        targetId: actor.userId ?? undefined,
      });
      const why = requireReason(body.reason);
      const { maxDurationMinutes, requestLapseMinutes } = services.config.elevation;
      if (body.durationMinutes > maxDurationMinutes)
        throw badRequest('validation_failed', 'The request is not valid', [
          {
            path: 'durationMinutes',
            message: `must be at most ${maxDurationMinutes}`,
            code: 'too_big',
            params: { maximum: maxDurationMinutes },
          },
        ]);
      const scope = await checkScope(em, body.role, body.scope);
      const requester = await loadUser(em, requesterId);
      const now = services.now();
      const request = em.create(ElevationRequest, {
        requesterId,
        role: body.role,
        scope,
        durationMinutes: body.durationMinutes,
        reason: why,
        status: 'pending',
        createdAt: now,
        lapsesAt: new Date(now.getTime() + requestLapseMinutes * 60_000),
      });
      await em.flush();
      audit({
        action: 'elevation.requested',
        targetType: 'user',
        targetId: requesterId,
        targetLabel: labelOf(requester),
        reason: why,
        details: {
          requestId: request.id,
          role: request.role,
          scope,
          durationMinutes: request.durationMinutes,
          lapsesAt: request.lapsesAt.toISOString(),
        },
      });
      const [view] = await presentRequests(em, [request], now);
      return view as ElevationRequestView;
    },
    ability,
  );
}
