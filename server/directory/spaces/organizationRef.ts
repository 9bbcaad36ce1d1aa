import type { EntityManager } from '@mikro-orm/postgresql';
import { unprocessable } from '../../shared/errors.ts';
import { Organization } from '../entities.ts';

/** Refuses a space's organization that does not exist (422 `organization_not_found`). */
export async function assertOrganizationExists(em: EntityManager, id: string): Promise<void> {
  if (!(await em.findOne(Organization, id)))
    throw unprocessable('organization_not_found', 'The organization does not exist', {
      organizationId: id,
    });
}
