import type { EntityManager } from '@mikro-orm/postgresql';
import { type Actor, type EffectiveGrant, type RequestMeta, userActor } from '../../authz/actor.ts';
import type { Role } from '../../authz/roles.ts';

interface GrantRow {
  id: string;
  role: Role;
  // The driver may hand timestamps back as text: normalized below.
  expires_at: Date | string | null;
  organizations: string[] | null;
}

/**
 * The grants of one person in force at `now`, each scope expanded to its subtrees in the same
 * statement (a recursive walk down `organization.parent_id` per scoped grant). A person moved out
 * of a subtree leaves the scope at once, since the walk runs for every request.
 */
const GRANTS_IN_FORCE = `
select g.id, g.role, g.expires_at,
       case when cardinality(g.scope) = 0 then null else (
         with recursive subtree(id) as (
           select unnest(g.scope)
           union
           select o.id from organization o join subtree s on o.parent_id = s.id)
         select array_agg(id) from subtree) end as organizations
  from role_grant g
 where g.user_id = ? and g.ended_at is null and (g.expires_at is null or g.expires_at > ?)
 order by g.created_at, g.id`;

/**
 * Every back-office role a person holds at `now`: the standing role, then their grants in force.
 * An empty list means no back-office access at all.
 */
export async function loadGrantsInForce(
  em: EntityManager,
  user: { id: string; role?: Role | null },
  now: Date,
): Promise<EffectiveGrant[]> {
  const rows = await em.execute<GrantRow[]>(GRANTS_IN_FORCE, [user.id, now]);
  const grants: EffectiveGrant[] = user.role
    ? [{ role: user.role, organizations: null, expiresAt: null, grantId: null }]
    : [];
  for (const row of rows) {
    grants.push({
      role: row.role,
      organizations: row.organizations ?? null,
      expiresAt: row.expires_at === null ? null : new Date(row.expires_at),
      grantId: row.id,
    });
  }
  return grants;
}

/** The actor of a signed-in person with every role they hold at `now` (see `loadGrantsInForce`). */
export async function actorWithGrants(
  em: EntityManager,
  user: { id: string; username?: string | null; displayName: string; role?: Role | null },
  meta: RequestMeta,
  now: Date,
): Promise<Actor> {
  return { ...userActor(user, meta), grants: await loadGrantsInForce(em, user, now) };
}
