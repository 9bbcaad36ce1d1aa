import type { FilterQuery } from '@mikro-orm/core';
import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, accessibleWhere } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import type { Services } from '../../shared/services.ts';
import { ElevationRequest, type ElevationStatus } from './entity.ts';
import { presentRequests } from './present.ts';
import type { ElevationRequestView, ListElevationRequestsQuery } from './schemas.ts';

/** The filter of a status as the clock reads it: pending past the lapse time is lapsed. */
function statusFilter(status: ElevationStatus, now: Date): FilterQuery<ElevationRequest> {
  if (status === 'pending') return { status: 'pending', lapsesAt: { $gt: now } };
  if (status === 'lapsed')
    return { $or: [{ status: 'lapsed' }, { status: 'pending', lapsesAt: { $lte: now } }] };
  return { status };
}

/**
 * Elevation requests the caller may read, newest first (`GET /elevation-requests`): their own,
 * or everyone's for superadmins and auditors. The CASL read rules are the query's condition, so
 * the list never shows what `GET /elevation-requests/:id` would answer 404 for. A read only: not
 * audited (the console polls it).
 */
export function listElevationRequests(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  query: ListElevationRequestsQuery,
): Promise<{ data: ElevationRequestView[]; total: number }> {
  return runCommand(
    services,
    actor,
    async ({ em }) => {
      const access = accessibleWhere<ElevationRequest>(ability, 'read', 'ElevationRequest');
      if (!access) return { data: [], total: 0 };
      const now = services.now();
      const where: FilterQuery<ElevationRequest>[] = [access];
      if (query.status) where.push(statusFilter(query.status, now));
      if (query.mine) where.push({ requesterId: actor.userId ?? '' });
      const [rows, total] = await em.findAndCount(
        ElevationRequest,
        { $and: where },
        {
          orderBy: { createdAt: 'desc', id: 'desc' },
          limit: query.limit,
          offset: query.offset,
        },
      );
      return { data: await presentRequests(em, rows, now), total };
    },
    ability,
  );
}
