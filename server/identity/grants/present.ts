import type { EntityManager } from '@mikro-orm/postgresql';
import { Organization, User } from '../../directory/entities.ts';
import type { RoleGrant } from './entity.ts';
import type { RoleGrantView } from './schemas.ts';

/** Presents grants with their scopes named, in one query for the organizations of all of them. */
export async function presentGrants(
  em: EntityManager,
  grants: readonly RoleGrant[],
  now: Date,
): Promise<RoleGrantView[]> {
  const ids = [...new Set(grants.flatMap((grant) => grant.scope))];
  const organizations =
    ids.length === 0
      ? []
      : await em.find(Organization, { id: { $in: ids } }, { fields: ['id', 'name'] });
  const names = new Map(organizations.map((organization) => [organization.id, organization.name]));
  const peopleIds = [
    ...new Set(grants.flatMap((grant) => [grant.grantedById, grant.endedById])),
  ].filter((id): id is string => typeof id === 'string');
  const people =
    peopleIds.length === 0
      ? []
      : await em.find(User, { id: { $in: peopleIds } }, { fields: ['id', 'displayName'] });
  const personName = new Map(people.map((person) => [person.id, person.displayName]));
  const nameOf = (id: string | null | undefined) => (id ? (personName.get(id) ?? null) : null);
  return grants.map((grant) => ({
    id: grant.id,
    userId: grant.userId,
    role: grant.role,
    scope: grant.scope.map((id) => ({ id, name: names.get(id) ?? id })),
    expiresAt: grant.expiresAt?.toISOString() ?? null,
    reason: grant.reason,
    grantedById: grant.grantedById ?? null,
    grantedByName: nameOf(grant.grantedById),
    approvedById: grant.approvedById ?? null,
    createdAt: grant.createdAt.toISOString(),
    endedAt: grant.endedAt?.toISOString() ?? null,
    endedById: grant.endedById ?? null,
    endedByName: nameOf(grant.endedById),
    endReason: grant.endReason ?? null,
    inForce: !grant.endedAt && (!grant.expiresAt || grant.expiresAt > now),
  }));
}
