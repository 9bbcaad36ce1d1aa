import type { Actor } from '../../authz/actor.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { notFound } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { loadAuthorizedSpace } from './listMembers.ts';
import type { SpaceView } from './schemas.ts';
import { loadSpaceView } from './views.ts';

/** One space with its organization and member count. */
export async function getSpace(services: Services, actor: Actor, id: string): Promise<SpaceView> {
  return runCommand(services, actor, async ({ em, ability }) => {
    await loadAuthorizedSpace(em, ability, 'read', id, {
      auditAction: 'space.viewed',
      targetType: 'Space',
      targetId: id,
    });
    const view = await loadSpaceView(em, id);
    if (!view) throw notFound('Space');
    return view;
  });
}
