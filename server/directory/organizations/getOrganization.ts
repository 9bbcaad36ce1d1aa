import type { Actor } from '../../authz/actor.ts';
import { asOrganizationSubject, authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { notFound } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import type { OrganizationDetailView } from './schemas.ts';
import { loadOrganizationView } from './views.ts';

/** One organization with its parent, children count and member count. */
export async function getOrganization(
  services: Services,
  actor: Actor,
  id: string,
): Promise<OrganizationDetailView> {
  return runCommand(services, actor, async ({ em, ability }) => {
    const attempt = {
      auditAction: 'organization.viewed',
      targetType: 'Organization',
      targetId: id,
    };
    authorize(ability, 'read', 'Organization', attempt);
    const view = await loadOrganizationView(em, id);
    if (!view) throw notFound('Organization');
    // A scoped role reads the organizations of its subtrees only (issue 18).
    authorize(ability, 'read', asOrganizationSubject({ id }), {
      ...attempt,
      targetLabel: view.name,
    });
    return view;
  });
}
