import type { Actor } from '../../authz/actor.ts';
import { authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { badRequest, conflict, notFound, unprocessable } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { Organization } from '../entities.ts';
import type { OrganizationDetailView, UpdateOrganizationInput } from './schemas.ts';
import { changedFields, SYNCED_SOURCES } from './support.ts';
import { assertValidParent, lockOrganizationTree } from './tree.ts';
import { loadOrganizationView } from './views.ts';

/** What a directory source owns on its organizations; only the description stays editable. */
const SOURCE_OWNED = ['name', 'kind', 'parentId'] as const;

/**
 * Changes an organization (superadmin only) at the version the caller read (409
 * `version_conflict` otherwise); moving it under its own descendant is 422 `organization_cycle`.
 */
export async function updateOrganization(
  services: Services,
  actor: Actor,
  id: string,
  input: UpdateOrganizationInput,
): Promise<OrganizationDetailView> {
  return runCommand(services, actor, async ({ em, ability, audit }) => {
    authorize(ability, 'update', 'Organization', {
      auditAction: 'organization.updated',
      targetType: 'Organization',
      targetId: id,
    });
    const { version, ...patch } = input;
    const organization = await em.findOne(Organization, id);
    if (!organization) throw notFound('Organization');
    if (organization.version !== version)
      throw conflict('version_conflict', 'The record was changed by someone else; reload it');
    const diff = changedFields(organization, patch);
    if (!diff) return (await loadOrganizationView(em, id)) as OrganizationDetailView;
    const changed = Object.keys(diff.after ?? {});
    if (SYNCED_SOURCES.has(organization.source)) {
      const owned = SOURCE_OWNED.filter((field) => changed.includes(field));
      if (owned.length > 0)
        throw unprocessable(
          'source_owned_attribute',
          `These fields are owned by the directory source ${organization.source}`,
          { fields: owned },
        );
    }
    if (changed.includes('headId') && patch.headId) {
      const [head] = await em.execute<{ id: string }[]>('select id from app_user where id = ?', [
        patch.headId,
      ]);
      if (!head)
        throw badRequest('validation_failed', 'The request is not valid', [
          { path: 'headId', message: 'no such person', code: 'invalid' },
        ]);
    }
    if (changed.includes('parentId') && patch.parentId) {
      await lockOrganizationTree(em);
      await assertValidParent(em, patch.parentId, id);
    }
    em.assign(organization, diff.after ?? {});
    await em.flush();
    audit({
      action: 'organization.updated',
      targetType: 'Organization',
      targetId: id,
      targetLabel: organization.name,
      diff,
    });
    return (await loadOrganizationView(em, id)) as OrganizationDetailView;
  });
}
