import type { Actor } from '../../authz/actor.ts';
import { asUserSubject, authorize } from '../../authz/index.ts';
import { type CommandContext, runCommand } from '../../commands/runCommand.ts';
import { notFound } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { loadPeopleFacts } from '../users/facts.ts';
import { loadAuthorizedSpace } from './listMembers.ts';

/**
 * Removes a person from a space (superadmin, admin; a scoped admin: spaces and people of their
 * subtrees); 404 if they are not a member.
 */
export async function removeMember(
  services: Services,
  actor: Actor,
  spaceId: string,
  userId: string,
): Promise<void> {
  await runCommand(services, actor, async (ctx) => {
    const attempt = {
      auditAction: 'space.member_removed',
      targetType: 'User',
      targetId: userId,
    } as const;
    const space = await loadAuthorizedSpace(ctx.em, ctx.ability, 'manageMembers', spaceId, attempt);
    // The person too must be within reach: a scoped admin does not act on people elsewhere.
    const person = (await loadPeopleFacts(ctx.em, [userId])).get(userId);
    if (!person) throw notFound('Membership');
    authorize(ctx.ability, 'read', asUserSubject(person), {
      ...attempt,
      targetLabel: person.label,
    });
    const removed = await removeMembersIn(ctx, spaceId, space.name, [userId]);
    if (removed.length === 0) throw notFound('Membership');
  });
}

/**
 * Removes the members among `userIds` from a space inside the caller's transaction, in one
 * statement (the single call and a bulk job's chunk alike): one `space.member_removed` event per
 * person removed, one core event for all. Returns who was removed; the others were not members.
 * The caller has authorized `manageMembers` on spaces and checked the space exists.
 */
export async function removeMembersIn(
  ctx: Pick<CommandContext, 'em' | 'audit' | 'emit'>,
  spaceId: string,
  spaceName: string,
  userIds: readonly string[],
): Promise<{ id: string; label: string }[]> {
  const removed = await ctx.em.execute<{ id: string; label: string; username: string | null }[]>(
    `with deleted as (
       delete from space_member where space_id = ?
          and user_id in (select value::uuid from jsonb_array_elements_text(?::jsonb))
       returning user_id)
     select u.id, coalesce(u.username, u.display_name) as label, u.username
       from deleted d join app_user u on u.id = d.user_id order by u.id`,
    [spaceId, JSON.stringify([...new Set(userIds)])],
  );
  for (const person of removed)
    ctx.audit({
      action: 'space.member_removed',
      targetType: 'User',
      targetId: person.id,
      targetLabel: person.label,
      details: { spaceId, spaceName },
    });
  const inCore = removed.flatMap((p) =>
    p.username ? [{ userId: p.id, username: p.username }] : [],
  );
  if (inCore.length > 0)
    ctx.emit({
      type: 'space.members_changed',
      key: spaceId,
      spaceId,
      name: spaceName,
      added: [],
      removed: inCore,
    });
  return removed.map(({ id, label }) => ({ id, label }));
}
