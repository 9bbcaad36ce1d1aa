import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { type ActorKind, actorKindOf } from '../../audit/actorKind.ts';

/** A person an audit event refers to, by their current names. */
export const auditPersonView = z.object({
  displayName: z.string(),
  fullName: z.string().describe('«Фамилия Имя Отчество»'),
});
export type AuditPerson = z.infer<typeof auditPersonView>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The rows' fields this module reads. */
interface EventPeople {
  actor_id: string | null;
  target_type: string | null;
  target_id: string | null;
}

/** The id of the person an event was done to, when its target is a person. */
export function targetPersonId(row: EventPeople): string | null {
  return row.target_type === 'user' && row.target_id && UUID.test(row.target_id)
    ? row.target_id
    : null;
}

/**
 * The current names of every person a page of events refers to (actors and targets), in one
 * query for the whole page. The events keep the label the person had then (their login); the
 * console shows the name they have now, which is what a reader recognises.
 */
export async function loadEventPeople(
  em: EntityManager,
  rows: EventPeople[],
): Promise<Map<string, AuditPerson>> {
  const ids = new Set<string>();
  for (const row of rows) {
    if (row.actor_id) ids.add(row.actor_id);
    const target = targetPersonId(row);
    if (target) ids.add(target);
  }
  const names = new Map<string, AuditPerson>();
  if (ids.size === 0) return names;
  const found = await em.execute<{ id: string; display_name: string; full_name: string }[]>(
    `select id, display_name,
       concat_ws(' ', family_name, given_name, nullif(middle_name, '')) as full_name
     from app_user where id = any(?::uuid[])`,
    // A PostgreSQL array literal: the driver would expand a JS array into a list of values.
    [`{${[...ids].join(',')}}`],
  );
  for (const row of found)
    names.set(row.id, { displayName: row.display_name, fullName: row.full_name });
  return names;
}

/** The kind of an event's actor (a person, a source, SCIM, the service itself…). */
export function actorKind(row: { actor_id: string | null; actor_label: string }): ActorKind {
  return actorKindOf(row.actor_id, row.actor_label);
}
