import type { Actor } from '../../authz/actor.ts';
import { authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { conflict, notFound } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { Space } from '../entities.ts';
import { changedFields } from '../organizations/support.ts';
import { assertOrganizationExists } from './organizationRef.ts';
import type { SpaceView, UpdateSpaceInput } from './schemas.ts';
import { loadSpaceView } from './views.ts';

/** Changes a space (superadmin only) at the version the caller read (409 `version_conflict`). */
export async function updateSpace(
  services: Services,
  actor: Actor,
  id: string,
  input: UpdateSpaceInput,
): Promise<SpaceView> {
  return runCommand(services, actor, async ({ em, ability, audit, emit }) => {
    authorize(ability, 'update', 'Space', {
      auditAction: 'space.updated',
      targetType: 'Space',
      targetId: id,
    });
    const { version, ...patch } = input;
    const space = await em.findOne(Space, id);
    if (!space) throw notFound('Space');
    if (space.version !== version)
      throw conflict('version_conflict', 'The record was changed by someone else; reload it');
    const diff = changedFields(space, patch);
    if (!diff) return (await loadSpaceView(em, id)) as SpaceView;
    if (patch.organizationId && diff.after && 'organizationId' in diff.after)
      await assertOrganizationExists(em, patch.organizationId);
    em.assign(space, diff.after ?? {});
    await em.flush();
    audit({
      action: 'space.updated',
      targetType: 'Space',
      targetId: id,
      targetLabel: space.name,
      diff,
    });
    emit({ type: 'space.upserted', key: space.id, spaceId: space.id, name: space.name });
    return (await loadSpaceView(em, id)) as SpaceView;
  });
}
