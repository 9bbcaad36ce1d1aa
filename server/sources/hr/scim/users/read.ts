import type { EntityManager } from '@mikro-orm/postgresql';
import { isUuid, type ScimRequest } from '../context.ts';
import { scimNotFound } from '../errors.ts';
import { USER_SELECT, type UserRow, userResource } from './resource.ts';

/** A person as a SCIM User, read inside a command's transaction. */
export async function loadUserResource(
  em: EntityManager,
  id: string,
  origin: string,
): Promise<Record<string, unknown>> {
  const [row] = await em.execute<UserRow[]>(`${USER_SELECT} where u.id = ?`, [id]);
  if (!row) throw scimNotFound(`User ${id} not found`);
  return userResource(row, origin);
}

/** GET /Users/:id — every person, whatever their status (a deactivated one reads active false). */
export async function getUser(request: ScimRequest, id: string): Promise<Record<string, unknown>> {
  if (!isUuid(id)) throw scimNotFound(`User ${id} not found`);
  const { rows } = await request.services.pool.query<UserRow>(`${USER_SELECT} where u.id = $1`, [
    id,
  ]);
  const row = rows[0];
  if (!row) throw scimNotFound(`User ${id} not found`);
  return userResource(row, request.origin);
}
