import { randomUUID } from 'node:crypto';
import type { Actor } from '../../authz/actor.ts';
import { authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import type { Services } from '../../shared/services.ts';
import { Organization } from '../entities.ts';
import type { CreateOrganizationInput, OrganizationDetailView } from './schemas.ts';
import { assertValidParent } from './tree.ts';
import { loadOrganizationView } from './views.ts';

/** Creates an organization (superadmin only); a sibling with the same name is a 409. */
export async function createOrganization(
  services: Services,
  actor: Actor,
  input: CreateOrganizationInput,
): Promise<OrganizationDetailView> {
  return runCommand(services, actor, async ({ em, ability, audit }) => {
    authorize(ability, 'create', 'Organization', {
      auditAction: 'organization.created',
      targetType: 'Organization',
      targetLabel: input.name,
    });
    const parentId = input.parentId ?? null;
    if (parentId) await assertValidParent(em, parentId, null);
    const fields = {
      name: input.name,
      kind: input.kind,
      parentId,
      description: input.description ?? null,
    };
    const organization = em.create(Organization, { id: randomUUID(), ...fields, source: 'manual' });
    await em.flush();
    audit({
      action: 'organization.created',
      targetType: 'Organization',
      targetId: organization.id,
      targetLabel: organization.name,
      diff: { after: fields },
    });
    return (await loadOrganizationView(em, organization.id)) as OrganizationDetailView;
  });
}
