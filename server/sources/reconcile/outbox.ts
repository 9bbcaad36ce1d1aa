import type { EntityManager } from '@mikro-orm/postgresql';
import { toCorePerson } from '../../core/outbox/corePerson.ts';
import type { OutboxEvent } from '../../core/outbox/events.ts';

interface CoreRow {
  id: string;
  username: string | null;
  display_name: string;
  family_name: string;
  given_name: string;
  middle_name: string | null;
  email: string | null;
  phone: string | null;
  title: string | null;
  organization_id: string | null;
  organization: string | null;
}

/**
 * What the messaging core must learn about a batch, as the manual commands tell it (one query
 * for every person of the batch): upserts for creates and updates, deactivations (the core then
 * ends their sessions) and reactivations.
 */
export async function coreEvents(
  em: EntityManager,
  changes: {
    id: string;
    action: 'create' | 'update' | 'deactivate' | 'reactivate';
    reason: string | null;
  }[],
): Promise<OutboxEvent[]> {
  if (changes.length === 0) return [];
  const rows = await em.execute<CoreRow[]>(
    `select u.id, u.username, u.display_name, u.family_name, u.given_name, u.middle_name, u.email,
            u.phone, u.title, u.organization_id, o.name as organization
       from app_user u left join organization o on o.id = u.organization_id
      where u.id in (select value::uuid from jsonb_array_elements_text(?::jsonb))`,
    [JSON.stringify(changes.map((change) => change.id))],
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  const events: OutboxEvent[] = [];
  for (const change of changes) {
    const row = byId.get(change.id);
    if (!row?.username) continue;
    if (change.action === 'deactivate') {
      events.push({
        type: 'person.deactivated',
        key: row.id,
        userId: row.id,
        username: row.username,
        reason: change.reason,
      });
      continue;
    }
    const person = toCorePerson(
      {
        id: row.id,
        username: row.username,
        displayName: row.display_name,
        familyName: row.family_name,
        givenName: row.given_name,
        middleName: row.middle_name,
        email: row.email,
        phone: row.phone,
        title: row.title,
        organizationId: row.organization_id,
      },
      row.organization,
    );
    if (!person) continue;
    events.push(
      change.action === 'reactivate'
        ? { type: 'person.reactivated', key: row.id, person }
        : { type: 'person.upserted', key: row.id, person },
    );
  }
  return events;
}
