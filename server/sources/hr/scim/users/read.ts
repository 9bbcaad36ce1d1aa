import type { EntityManager } from '@mikro-orm/postgresql';
import { isUuid, type ScimRequest } from '../context.ts';
import { scimNotFound } from '../errors.ts';
import { SCIM_ID, SCIM_VISIBLE, USER_SELECT, type UserRow, userResource } from './resource.ts';

/** A person (by our id) as a SCIM User, read inside a command's transaction. */
export async function loadUserResource(
  em: EntityManager,
  userId: string,
  origin: string,
): Promise<Record<string, unknown>> {
  const [row] = await em.execute<UserRow[]>(`${USER_SELECT} where u.id = ?`, [userId]);
  if (!row) throw scimNotFound(`User ${userId} not found`);
  return userResource(row, origin);
}

/**
 * GET /Users/:id — every person by their SCIM id, whatever their status (a deactivated one
 * reads active false), except those a SCIM client deleted: 404, as for an id never known.
 */
export async function getUser(request: ScimRequest, id: string): Promise<Record<string, unknown>> {
  if (!isUuid(id)) throw scimNotFound(`User ${id} not found`);
  const { rows } = await request.services.pool.query<UserRow>(
    `${USER_SELECT} where ${SCIM_ID} = $1 and ${SCIM_VISIBLE}`,
    [id],
  );
  const row = rows[0];
  if (!row) throw scimNotFound(`User ${id} not found`);
  return userResource(row, request.origin);
}
