import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, asUserSubject, authorize } from '../../authz/index.ts';
import { accessCondition, type SqlCondition } from '../../authz/sql.ts';
import { runCommand } from '../../commands/runCommand.ts';
import type { User } from '../../directory/entities.ts';
import { isoSql } from '../../directory/organizations/support.ts';
import { labelOf, loadUser } from '../../directory/users/common.ts';
import { fullNameSql } from '../../directory/users/presentUser.ts';
import type { Precedence } from '../../shared/precedence.ts';
import type { Services } from '../../shared/services.ts';
import type { OrganizationVia, PersonAccessQuery, PersonAccessView } from './schemas.ts';

/**
 * Why the person `u` is in their organization, as SQL: whichever source owns the attribute (the
 * directory by its department or group mapping, an HR channel, an import), else by hand. A
 * person fed by both kinds of source takes it from the kind `hr.precedence.organization` names
 * (`?`: that kind), as the sync does.
 */
export const ORGANIZATION_VIA_SQL = `case
  when u.source_id is not null and (u.hr_source_id is null or ? = 'directory') then 'directory'
  when u.hr_source_id = 'scim' then 'scim'
  when u.hr_source_id is not null then 'hr'
  when u.source = 'import' then 'import'
  else 'manual' end`;
/** The source behind `ORGANIZATION_VIA_SQL` (same `?`). */
export const ORGANIZATION_VIA_SOURCE_SQL = `case
  when u.source_id is not null and (u.hr_source_id is null or ? = 'directory') then u.source_id
  else u.hr_source_id end`;

// The person's memberships (`?` the person), with the space's organization and who added them.
const SPACES_FROM = `from space_member m join space s on s.id = m.space_id
  left join organization so on so.id = s.organization_id
  left join app_user a on a.id = m.added_by_id
  where m.user_id = ?`;

// Rights in force at `?` of the person `?`: the standing role first, then grants, newest first.
const RIGHTS_SQL = `
select u.role, null::uuid as grant_id, '{}'::uuid[] as scope, null::timestamptz as expires_at,
       null::timestamptz as granted_at, null::text as reason, 0 as ord
  from app_user u where u.id = ? and u.role is not null
union all
select g.role, g.id, g.scope, g.expires_at, g.created_at, g.reason, 1
  from role_grant g
 where g.user_id = ? and g.ended_at is null and (g.expires_at is null or g.expires_at > ?)`;

/** The rights rows with names of their scopes, as text for a file or JSON for the card. */
export function rightsStatement(userId: string, now: Date): SqlCondition {
  return {
    sql: `select r.role, r.grant_id as "grantId",
        coalesce((select jsonb_agg(jsonb_build_object('id', o.id, 'name', o.name) order by o.name)
                    from organization o where o.id = any(r.scope)), '[]'::jsonb) as scope,
        ${isoSql('r.expires_at')} as "expiresAt", ${isoSql('r.granted_at')} as "grantedAt", r.reason
      from (${RIGHTS_SQL}) r order by r.ord, r.granted_at desc nulls first, r.grant_id`,
    params: [userId, userId, now],
  };
}

/**
 * The person's memberships among the spaces the caller may read (`readableSpaces`, on `s.id`):
 * `page` for the card, none for the file.
 */
export function spacesStatement(
  userId: string,
  via: string | undefined,
  readableSpaces: SqlCondition,
  page?: { offset: number; limit: number },
): SqlCondition {
  const params: unknown[] = [userId, ...readableSpaces.params];
  // Only spaces the caller may read: a scoped admin does not learn the spaces of other branches.
  let filter = `and ${readableSpaces.sql}`;
  if (via) {
    filter += ' and m.via = ?';
    params.push(via);
  }
  if (page) params.push(page.limit, page.offset);
  return {
    sql: `select s.id as "spaceId", s.name, so.name as "organizationName", m.via,
        m.via_source_id as "viaSourceId", ${isoSql('m.added_at')} as "addedAt",
        m.added_by_id as "addedById", ${fullNameSql('a')} as "addedByName"
      ${SPACES_FROM} ${filter}
      order by lower(s.name), s.id ${page ? 'limit ? offset ?' : ''}`,
    params,
  };
}

/**
 * Loads a person and checks the caller may read them (audited as denied with `auditAction`
 * otherwise): access views of a person follow the person's card.
 */
export async function loadReadablePerson(
  em: EntityManager,
  ability: AppAbility,
  userId: string,
  auditAction: 'access.viewed' | 'access.exported',
): Promise<User> {
  const user = await loadUser(em, userId);
  authorize(ability, 'read', asUserSubject(user), {
    auditAction,
    targetType: 'user',
    targetId: user.id,
    targetLabel: labelOf(user),
  });
  return user;
}

/**
 * Everything a person has access to and why (issue 18, scope 4): their organization (with its
 * path) and why they are in it, a page of their spaces with each membership's reason, and every
 * back-office right in force (the standing role and role grants, with scope names and expiry).
 * Read by whoever may read the person's card. Four statements whatever the person's size.
 */
export function getPersonAccess(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  userId: string,
  query: PersonAccessQuery,
): Promise<PersonAccessView> {
  return runCommand(
    services,
    actor,
    async ({ em }) => {
      const user = await loadReadablePerson(em, ability, userId, 'access.viewed');
      const organization = await organizationOf(em, user.id, services.config.hr.precedence);
      const readableSpaces = accessCondition(em, ability, 'read', 'Space', 'Space', 's.id');
      const spaces = spacesStatement(user.id, query.via, readableSpaces, query);
      const count = await em.execute<{ total: number }[]>(
        `select count(*)::int as total from space_member m join space s on s.id = m.space_id
          where m.user_id = ? and ${readableSpaces.sql}${query.via ? ' and m.via = ?' : ''}`,
        [user.id, ...readableSpaces.params, ...(query.via ? [query.via] : [])],
      );
      const rights = rightsStatement(user.id, services.now());
      const [names] = await em.execute<{ full_name: string }[]>(
        `select ${fullNameSql('u')} as full_name from app_user u where u.id = ?`,
        [user.id],
      );
      return {
        userId: user.id,
        fullName: names?.full_name ?? user.displayName,
        status: user.status,
        owners: [user.sourceId, user.hrSourceId].filter((id): id is string => Boolean(id)),
        organization,
        spaces: await em.execute(spaces.sql, spaces.params),
        spacesTotal: count[0]?.total ?? 0,
        rights: await em.execute(rights.sql, rights.params),
      };
    },
    ability,
  );
}

/** The person's organization, its path from the top of the tree, and why they are in it. */
async function organizationOf(
  em: EntityManager,
  userId: string,
  precedence: Precedence,
): Promise<PersonAccessView['organization']> {
  const [row] = await em.execute<
    {
      id: string | null;
      path: string[] | null;
      via: OrganizationVia;
      via_source_id: string | null;
    }[]
  >(
    `with recursive up(id, name, parent_id, depth) as (
       select o.id, o.name, o.parent_id, 0 from organization o
        where o.id = (select organization_id from app_user where id = ?)
       union all
       select p.id, p.name, p.parent_id, up.depth + 1 from organization p join up on p.id = up.parent_id
        where up.depth < 100
     )
     select u.organization_id as id,
            (select array_agg(name order by depth desc) from up) as path,
            ${ORGANIZATION_VIA_SQL} as via, ${ORGANIZATION_VIA_SOURCE_SQL} as via_source_id
       from app_user u where u.id = ?`,
    [userId, precedence.organization, precedence.organization, userId],
  );
  if (!row?.id || !row.path) return null;
  return {
    id: row.id,
    name: row.path[row.path.length - 1] ?? '',
    path: row.path,
    via: row.via,
    viaSourceId: row.via_source_id,
  };
}
