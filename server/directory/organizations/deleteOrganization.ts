import { LockMode } from '@mikro-orm/core';
import type { Actor } from '../../authz/actor.ts';
import { authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { notFound, unprocessable } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { Organization } from '../entities.ts';
import { SYNCED_SOURCES } from './support.ts';

/**
 * Deletes an empty organization (superadmin only): one with children or people is 422
 * `organization_not_empty`. Spaces attached to it are detached (their organization becomes null).
 */
export async function deleteOrganization(
  services: Services,
  actor: Actor,
  id: string,
): Promise<void> {
  await runCommand(services, actor, async ({ em, ability, audit }) => {
    authorize(ability, 'delete', 'Organization', {
      auditAction: 'organization.deleted',
      targetType: 'Organization',
      targetId: id,
    });
    // The row lock makes concurrent inserts of children or people (which key-share lock this
    // row through their foreign keys) wait, so the emptiness check below cannot go stale.
    const organization = await em.findOne(Organization, id, {
      lockMode: LockMode.PESSIMISTIC_WRITE,
    });
    if (!organization) throw notFound('Organization');
    if (SYNCED_SOURCES.has(organization.source))
      throw unprocessable(
        'source_owned',
        `This organization is owned by the directory source ${organization.source}`,
        { source: organization.source },
      );
    const [counts] = await em.execute<{ children: number; people: number; spaces: number }[]>(
      `select (select count(*) from organization where parent_id = ?)::int as children,
              (select count(*) from app_user where organization_id = ?)::int as people,
              (select count(*) from space where organization_id = ?)::int as spaces`,
      [id, id, id],
    );
    const { children = 0, people = 0, spaces = 0 } = counts ?? {};
    if (children > 0 || people > 0)
      throw unprocessable(
        'organization_not_empty',
        'The organization still has child organizations or people',
        { children, people },
      );
    em.remove(organization);
    await em.flush();
    audit({
      action: 'organization.deleted',
      targetType: 'Organization',
      targetId: id,
      targetLabel: organization.name,
      diff: {
        before: {
          name: organization.name,
          kind: organization.kind,
          parentId: organization.parentId ?? null,
          description: organization.description ?? null,
        },
      },
      details: { spacesDetached: spaces },
    });
  });
}
