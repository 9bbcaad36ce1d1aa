import type { EntityManager } from '@mikro-orm/postgresql';
import { Organization, User } from '../../directory/entities.ts';
import { RoleGrant } from '../grants/entity.ts';
import { type ElevationRequest, statusAt } from './entity.ts';
import type { ElevationRequestView } from './schemas.ts';

/**
 * Presents requests with people, organizations and approved grants named, in one query each for
 * the whole page.
 */
export async function presentRequests(
  em: EntityManager,
  requests: readonly ElevationRequest[],
  now: Date,
): Promise<ElevationRequestView[]> {
  const orgIds = [...new Set(requests.flatMap((request) => request.scope))];
  const personIds = [
    ...new Set(
      requests.flatMap((request) =>
        request.decidedById ? [request.requesterId, request.decidedById] : [request.requesterId],
      ),
    ),
  ];
  const grantIds = requests.flatMap((request) => request.grantId ?? []);
  const [organizations, people, grants] = await Promise.all([
    orgIds.length === 0
      ? []
      : em.find(Organization, { id: { $in: orgIds } }, { fields: ['id', 'name'] }),
    personIds.length === 0
      ? []
      : em.find(User, { id: { $in: personIds } }, { fields: ['id', 'displayName'] }),
    grantIds.length === 0
      ? []
      : em.find(RoleGrant, { id: { $in: grantIds } }, { fields: ['id', 'expiresAt'] }),
  ]);
  const orgNames = new Map(organizations.map((o) => [o.id, o.name]));
  const names = new Map(people.map((person) => [person.id, person.displayName]));
  const expiries = new Map(grants.map((grant) => [grant.id, grant.expiresAt ?? null]));
  const person = (id: string) => ({ id, displayName: names.get(id) ?? id });
  return requests.map((request) => ({
    id: request.id,
    requester: person(request.requesterId),
    role: request.role,
    scope: request.scope.map((id) => ({ id, name: orgNames.get(id) ?? id })),
    durationMinutes: request.durationMinutes,
    reason: request.reason,
    status: statusAt(request, now),
    createdAt: request.createdAt.toISOString(),
    lapsesAt: request.lapsesAt.toISOString(),
    decidedAt: request.decidedAt?.toISOString() ?? null,
    decidedBy: request.decidedById ? person(request.decidedById) : null,
    decisionReason: request.decisionReason ?? null,
    grantId: request.grantId ?? null,
    grantExpiresAt: request.grantId ? (expiries.get(request.grantId)?.toISOString() ?? null) : null,
  }));
}
