import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditAction } from '../../audit/actions.ts';
import {
  type AppAbility,
  asElevationRequest,
  authorize,
  requireSecondPerson,
} from '../../authz/index.ts';
import type { CommandContext } from '../../commands/runCommand.ts';
import type { User } from '../../directory/entities.ts';
import { labelOf, loadUser } from '../../directory/users/common.ts';
import { conflict, notFound } from '../../shared/errors.ts';
import { ElevationRequest, statusAt } from './entity.ts';

/** A request about to be decided, locked, with its requester. */
export interface Decidable {
  request: ElevationRequest;
  requester: User;
}

/** Loads a request the caller may read (404 otherwise), locked against a concurrent decision. */
async function loadLocked(
  em: EntityManager,
  ability: AppAbility,
  id: string,
): Promise<ElevationRequest> {
  const request = await em.findOne(
    ElevationRequest,
    { id },
    { lockMode: LockMode.PESSIMISTIC_WRITE },
  );
  if (!request || !ability.can('read', asElevationRequest(request)))
    throw notFound('ElevationRequest');
  return request;
}

/**
 * What approving and rejecting share: the caller must be allowed to decide (superadmins: 403
 * otherwise, before anything is loaded); the request is loaded and locked and must not be the requester (four eyes: 403
 * `second_approver_required`, even for a superadmin); both refusals are audited as denied under
 * `action`. Then the request must still be pending by the clock (409 `elevation_lapsed` past its
 * lapse time, 409 `elevation_decided` once decided).
 */
export async function loadForDecision(
  { em, actor, ability, services }: CommandContext,
  id: string,
  action: Extract<AuditAction, 'elevation.approved' | 'elevation.rejected'>,
): Promise<Decidable> {
  // A role that decides nothing is refused before the request is looked up (learning nothing).
  authorize(ability, 'approve', 'ElevationRequest', { auditAction: action });
  const request = await loadLocked(em, ability, id);
  const requester = await loadUser(em, request.requesterId);
  const attempt = {
    auditAction: action,
    targetType: 'user',
    targetId: requester.id,
    targetLabel: labelOf(requester),
  };
  authorize(ability, 'approve', asElevationRequest(request), attempt);
  requireSecondPerson(actor.userId, [request.requesterId], attempt);
  const status = statusAt(request, services.now());
  if (status === 'lapsed' && request.status === 'pending')
    throw conflict('elevation_lapsed', 'The request lapsed: nobody decided it in time');
  if (status !== 'pending') throw conflict('elevation_decided', 'The request is already decided');
  return { request, requester };
}
