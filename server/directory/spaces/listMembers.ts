import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../authz/actor.ts';
import {
  type Action,
  type AppAbility,
  type AttemptInfo,
  asSpaceSubject,
  authorize,
} from '../../authz/index.ts';
import { accessCondition } from '../../authz/sql.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { notFound } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { type MembershipVia, User, type UserStatus } from '../entities.ts';
import { containsPattern, isoSql } from '../organizations/support.ts';
import { fullNameSql } from '../users/presentUser.ts';
import type { ListMembersQuery, MemberView } from './schemas.ts';

interface MemberRow {
  user_id: string;
  username: string | null;
  display_name: string;
  full_name: string;
  email: string | null;
  status: UserStatus;
  organization_id: string | null;
  added_at: string;
  added_by_id: string | null;
  via: MembershipVia;
  via_source_id: string | null;
}

/** Throws 404 unless the space exists; its name and organization otherwise. */
export async function assertSpaceExists(
  em: EntityManager,
  id: string,
): Promise<{ name: string; organizationId: string | null }> {
  const [row] = await em.execute<{ name: string; organizationId: string | null }[]>(
    'select name, organization_id as "organizationId" from space where id = ?',
    [id],
  );
  if (!row) throw notFound('Space');
  return row;
}

/**
 * Load-then-authorize for one space (as `loadAuthorizedTarget` does for a person): a role with
 * no such right on any space is refused before the load; then 404 for a missing space, and the
 * right is checked on the space itself, so a scoped role acts only on spaces of its subtrees.
 */
export async function loadAuthorizedSpace(
  em: EntityManager,
  ability: AppAbility,
  action: Action,
  id: string,
  attempt: AttemptInfo,
): Promise<{ name: string; organizationId: string | null }> {
  authorize(ability, action, 'Space', attempt);
  const space = await assertSpaceExists(em, id);
  authorize(ability, action, asSpaceSubject({ id, organizationId: space.organizationId }), {
    ...attempt,
    targetLabel: attempt.targetLabel ?? space.name,
  });
  return space;
}

/**
 * A page of a space's members, by family and given name, each with why they are in it (`via`;
 * read Space: superadmin, admin, auditor). Only people the caller may read are listed (a scoped
 * admin sees the members of their organization subtrees).
 */
export async function listMembers(
  services: Services,
  actor: Actor,
  spaceId: string,
  query: ListMembersQuery,
): Promise<{ data: MemberView[]; total: number }> {
  return runCommand(services, actor, async ({ em, ability }) => {
    await loadAuthorizedSpace(em, ability, 'read', spaceId, {
      auditAction: 'space.members_listed',
      targetType: 'Space',
      targetId: spaceId,
    });
    // Members are people: a scoped role lists only those of its subtrees (issue 18).
    const people = accessCondition(em, ability, 'read', 'User', User, 'u.id');
    const params: unknown[] = [spaceId, ...people.params];
    let filter = `and ${people.sql}`;
    if (query.q) {
      // search_text is the folded name/email/username the users' trigram index covers.
      filter += ' and u.search_text like fold_search(?)';
      params.push(containsPattern(query.q));
    }
    if (query.via) {
      filter += ' and m.via = ?';
      params.push(query.via);
    }
    const rows = await em.execute<MemberRow[]>(
      `select u.id as user_id, u.username, u.display_name, ${fullNameSql('u')} as full_name, u.email, u.status, u.organization_id,
              ${isoSql('m.added_at')} as added_at, m.added_by_id, m.via, m.via_source_id
         from space_member m join app_user u on u.id = m.user_id
        where m.space_id = ? ${filter}
        order by u.family_name collate "und-x-icu", u.given_name collate "und-x-icu", u.id
        limit ? offset ?`,
      [...params, query.limit, query.offset],
    );
    const [count] = await em.execute<{ total: number }[]>(
      `select count(*)::int as total from space_member m join app_user u on u.id = m.user_id
        where m.space_id = ? ${filter}`,
      params,
    );
    return {
      data: rows.map((row) => ({
        userId: row.user_id,
        username: row.username,
        displayName: row.display_name,
        fullName: row.full_name,
        email: row.email,
        status: row.status,
        organizationId: row.organization_id,
        addedAt: row.added_at,
        addedById: row.added_by_id,
        via: row.via,
        viaSourceId: row.via_source_id,
      })),
      total: count?.total ?? 0,
    };
  });
}
