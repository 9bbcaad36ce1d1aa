import type { EntityManager } from '@mikro-orm/postgresql';
import { unprocessable } from '../../shared/errors.ts';
import { Organization } from '../entities.ts';

/**
 * Serializes changes of the tree's shape for the rest of the transaction: two concurrent moves
 * (A under B, B under A) would each pass the cycle check on their own.
 */
export async function lockOrganizationTree(em: EntityManager): Promise<void> {
  await em.execute(`select pg_advisory_xact_lock(hashtext('organization_tree'))`);
}

/** Checks that `parentId` exists and that hanging `id` (if it exists yet) under it makes no cycle. */
export async function assertValidParent(
  em: EntityManager,
  parentId: string,
  id: string | null,
): Promise<void> {
  const parent = await em.findOne(Organization, parentId);
  if (!parent)
    throw unprocessable('parent_not_found', 'The parent organization does not exist', {
      parentId,
    });
  if (id === null) return;
  // Walk up from the new parent: if the moved organization is among its ancestors (or is the
  // parent itself), the move would put it under its own descendant.
  const [row] = await em.execute<{ cycle: boolean }[]>(
    `with recursive up(id, parent_id) as (
       select id, parent_id from organization where id = ?
       union
       select o.id, o.parent_id from organization o join up on o.id = up.parent_id
     )
     select exists(select 1 from up where id = ?) as cycle`,
    [parentId, id],
  );
  if (row?.cycle)
    throw unprocessable(
      'organization_cycle',
      'An organization cannot be moved under itself or one of its descendants',
      { parentId },
    );
}
