import type { Actor } from '../../authz/actor.ts';
import { authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { notFound } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { assertSpaceExists } from './listMembers.ts';

/** Removes a person from a space (superadmin, admin); 404 if they are not a member. */
export async function removeMember(
  services: Services,
  actor: Actor,
  spaceId: string,
  userId: string,
): Promise<void> {
  await runCommand(services, actor, async ({ em, ability, audit, emit }) => {
    authorize(ability, 'manageMembers', 'Space', {
      auditAction: 'space.member_removed',
      targetType: 'User',
      targetId: userId,
    });
    const space = await assertSpaceExists(em, spaceId);
    const [removed] = await em.execute<{ label: string; username: string | null }[]>(
      `with deleted as (
         delete from space_member where space_id = ? and user_id = ? returning user_id)
       select coalesce(u.username, u.display_name) as label, u.username
         from deleted d join app_user u on u.id = d.user_id`,
      [spaceId, userId],
    );
    if (!removed) throw notFound('Membership');
    audit({
      action: 'space.member_removed',
      targetType: 'User',
      targetId: userId,
      targetLabel: removed.label,
      details: { spaceId, spaceName: space.name },
    });
    if (removed.username)
      emit({
        type: 'space.members_changed',
        key: spaceId,
        spaceId,
        name: space.name,
        added: [],
        removed: [{ userId, username: removed.username }],
      });
  });
}
