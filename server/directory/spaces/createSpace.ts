import { randomUUID } from 'node:crypto';
import type { Actor } from '../../authz/actor.ts';
import { authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import type { Services } from '../../shared/services.ts';
import { Space } from '../entities.ts';
import { assertOrganizationExists } from './organizationRef.ts';
import type { CreateSpaceInput, SpaceView } from './schemas.ts';
import { loadSpaceView } from './views.ts';

/** Creates a space (superadmin only); names are unique case-insensitively (409 `already_exists`). */
export async function createSpace(
  services: Services,
  actor: Actor,
  input: CreateSpaceInput,
): Promise<SpaceView> {
  return runCommand(services, actor, async ({ em, ability, audit, emit }) => {
    authorize(ability, 'create', 'Space', {
      auditAction: 'space.created',
      targetType: 'Space',
      targetLabel: input.name,
    });
    const fields = {
      name: input.name,
      description: input.description ?? null,
      organizationId: input.organizationId ?? null,
    };
    if (fields.organizationId) await assertOrganizationExists(em, fields.organizationId);
    const space = em.create(Space, { id: randomUUID(), ...fields });
    await em.flush();
    audit({
      action: 'space.created',
      targetType: 'Space',
      targetId: space.id,
      targetLabel: space.name,
      diff: { after: fields },
    });
    emit({ type: 'space.upserted', key: space.id, spaceId: space.id, name: space.name });
    return (await loadSpaceView(em, space.id)) as SpaceView;
  });
}
