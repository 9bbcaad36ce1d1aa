import { LockMode } from '@mikro-orm/core';
import type { Actor } from '../../authz/actor.ts';
import { authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { notFound } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { Space } from '../entities.ts';

/** Deletes a space and its memberships (superadmin only); the event records how many there were. */
export async function deleteSpace(services: Services, actor: Actor, id: string): Promise<void> {
  await runCommand(services, actor, async ({ em, ability, audit, emit }) => {
    authorize(ability, 'delete', 'Space', {
      auditAction: 'space.deleted',
      targetType: 'Space',
      targetId: id,
    });
    // Locked so that the member count recorded is the one the cascade removes.
    const space = await em.findOne(Space, id, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!space) throw notFound('Space');
    const [count] = await em.execute<{ members: number }[]>(
      'select count(*)::int as members from space_member where space_id = ?',
      [id],
    );
    em.remove(space);
    await em.flush();
    audit({
      action: 'space.deleted',
      targetType: 'Space',
      targetId: id,
      targetLabel: space.name,
      diff: {
        before: {
          name: space.name,
          description: space.description ?? null,
          organizationId: space.organizationId ?? null,
        },
      },
      details: { membersRemoved: count?.members ?? 0 },
    });
    emit({ type: 'space.deleted', key: id, spaceId: id, name: space.name });
  });
}
