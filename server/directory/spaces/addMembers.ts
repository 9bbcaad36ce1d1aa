import type { Actor } from '../../authz/actor.ts';
import { accessCondition } from '../../authz/sql.ts';
import type { CommandContext } from '../../commands/runCommand.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { unprocessable } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { User } from '../entities.ts';
import { loadAuthorizedSpace } from './listMembers.ts';
import type { AddMembersResult } from './schemas.ts';

/**
 * Adds people to a space (superadmin, admin; a scoped admin: spaces and people of their subtrees)
 * in one set-based insert; people already in it are
 * skipped, and any unknown id refuses the whole call (422 `unknown_users`). Each person actually
 * added is one `space.member_added` event whose target is that person, so a person's history
 * (`targetId`) shows their memberships; the space is in `details`.
 */
export async function addMembers(
  services: Services,
  actor: Actor,
  spaceId: string,
  userIds: string[],
): Promise<AddMembersResult> {
  return runCommand(services, actor, async ({ em, ability, audit, emit }) => {
    const space = await loadAuthorizedSpace(em, ability, 'manageMembers', spaceId, {
      auditAction: 'space.member_added',
      targetType: 'Space',
      targetId: spaceId,
    });
    const wanted = JSON.stringify([...new Set(userIds)]);
    // People the caller may not see (outside a scoped role's subtrees) are as unknown as missing
    // ones: the answer does not tell which ids exist elsewhere in the company (issue 18).
    const visible = accessCondition(em, ability, 'read', 'User', User, 'u.id');
    const unknown = await em.execute<{ id: string }[]>(
      `select w.id from (select distinct value::uuid as id from jsonb_array_elements_text(?::jsonb)) w
        where not exists (select 1 from app_user u where u.id = w.id and ${visible.sql})
        order by w.id`,
      [wanted, ...visible.params],
    );
    if (unknown.length > 0)
      throw unprocessable('unknown_users', 'Some of these people do not exist', {
        userIds: unknown.map((row) => row.id),
      });
    const added = await addMembersIn(
      { em, actor, services, audit, emit },
      spaceId,
      space.name,
      userIds,
    );
    const addedIds = new Set(added.map((row) => row.id));
    return {
      added: [...addedIds],
      alreadyMembers: [...new Set(userIds)].filter((id) => !addedIds.has(id)),
    };
  });
}

/**
 * Adds the existing people among `userIds` to a space inside the caller's transaction, in one
 * statement (the single call and a bulk job's chunk alike): one `space.member_added` event per
 * person added, one core event for all. Returns who was added; the others were members already.
 * The caller has authorized `manageMembers` on spaces and checked the space exists. A person
 * adds them, so the membership's `via` is `manual` (someone already a member keeps their reason).
 */
export async function addMembersIn(
  ctx: Pick<CommandContext, 'em' | 'actor' | 'services' | 'audit' | 'emit'>,
  spaceId: string,
  spaceName: string,
  userIds: readonly string[],
): Promise<{ id: string; label: string }[]> {
  const { em, actor, services, audit, emit } = ctx;
  const space = { name: spaceName };
  const wanted = JSON.stringify([...new Set(userIds)]);
  const added = await em.execute<{ id: string; label: string; username: string | null }[]>(
    `with inserted as (
         insert into space_member (space_id, user_id, added_at, added_by_id, via)
         select ?, u.id, ?::timestamptz, ?::uuid, 'manual' from app_user u
          where u.id in (select value::uuid from jsonb_array_elements_text(?::jsonb))
         on conflict do nothing
         returning user_id)
       select u.id, coalesce(u.username, u.display_name) as label, u.username
         from inserted i join app_user u on u.id = i.user_id order by u.id`,
    [spaceId, services.now().toISOString(), actor.userId, wanted],
  );
  for (const person of added) {
    audit({
      action: 'space.member_added',
      targetType: 'User',
      targetId: person.id,
      targetLabel: person.label,
      details: { spaceId, spaceName: space.name },
    });
  }
  // One event for the whole call; people without a username have no core account.
  const inCore = added.flatMap((p) => (p.username ? [{ userId: p.id, username: p.username }] : []));
  if (inCore.length > 0)
    emit({
      type: 'space.members_changed',
      key: spaceId,
      spaceId,
      name: space.name,
      added: inCore,
      removed: [],
    });
  return added;
}
