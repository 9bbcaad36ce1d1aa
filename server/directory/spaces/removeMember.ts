import type { Actor } from '../../authz/actor.ts';
import { asUserSubject, authorize } from '../../authz/index.ts';
import { type CommandContext, runCommand } from '../../commands/runCommand.ts';
import { executeBound } from '../../db/execute.ts';
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

/** A person removed from a space, as its audit event and the core event name them. */
interface RemovedPerson {
  id: string;
  label: string;
  username: string | null;
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
  const removed = await executeBound<RemovedPerson>(
    ctx.em,
    `with deleted as (
       delete from space_member where space_id = ?
          and user_id in (select value::uuid from jsonb_array_elements_text(?::jsonb))
       returning user_id)
     select u.id, coalesce(u.username, u.display_name) as label, u.username
       from deleted d join app_user u on u.id = d.user_id order by u.id`,
    [spaceId, JSON.stringify([...new Set(userIds)])],
  );
  recordRemovals(ctx, spaceId, spaceName, removed);
  return removed.map(({ id, label }) => ({ id, label }));
}

/** One membership: a person in a space. */
export interface Membership {
  spaceId: string;
  userId: string;
}

/**
 * Removes `memberships` across any number of spaces inside the caller's transaction, in one
 * statement whatever the number of spaces (an access review's revocations), with the same
 * records as `removeMembersIn`: one `space.member_removed` event per membership removed and one
 * core event per space. Returns the memberships removed; the others no longer existed. The
 * caller has authorized the removals.
 */
export async function removeMembershipsIn(
  ctx: Pick<CommandContext, 'em' | 'audit' | 'emit'>,
  memberships: readonly Membership[],
): Promise<Membership[]> {
  if (memberships.length === 0) return [];
  // Bound, not inlined: a review's revocations can be thousands of pairs (db/execute.ts).
  const removed = await executeBound<RemovedPerson & { space_id: string; space_name: string }>(
    ctx.em,
    `with wanted as (
       select (pair->>0)::uuid as space_id, (pair->>1)::uuid as user_id
         from jsonb_array_elements(?::jsonb) as pair),
     deleted as (
       delete from space_member m using wanted w
        where m.space_id = w.space_id and m.user_id = w.user_id
       returning m.space_id, m.user_id)
     select d.space_id, s.name as space_name, u.id,
            coalesce(u.username, u.display_name) as label, u.username
       from deleted d join space s on s.id = d.space_id join app_user u on u.id = d.user_id
      order by d.space_id, u.id`,
    [JSON.stringify(memberships.map(({ spaceId, userId }) => [spaceId, userId]))],
  );
  const bySpace = new Map<string, { name: string; people: RemovedPerson[] }>();
  for (const { space_id, space_name, ...person } of removed) {
    const space = bySpace.get(space_id) ?? { name: space_name, people: [] };
    space.people.push(person);
    bySpace.set(space_id, space);
  }
  for (const [spaceId, space] of bySpace) recordRemovals(ctx, spaceId, space.name, space.people);
  return removed.map((row) => ({ spaceId: row.space_id, userId: row.id }));
}

/**
 * What a removal from one space leaves behind, wherever it was decided: one `space.member_removed`
 * audit event per person, and one core event for those who have a core account.
 */
function recordRemovals(
  ctx: Pick<CommandContext, 'audit' | 'emit'>,
  spaceId: string,
  spaceName: string,
  removed: readonly RemovedPerson[],
): void {
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
}
