import type { EntityManager } from '@mikro-orm/postgresql';
import { loadCorePeople } from '../../core/outbox/corePerson.ts';
import type { OutboxEvent } from '../../core/outbox/events.ts';

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
  // People without a username have no account in the core; loadCorePeople leaves them out.
  const people = new Map(
    (
      await loadCorePeople(
        em,
        changes.map((change) => change.id),
      )
    ).map((p) => [p.userId, p]),
  );
  const events: OutboxEvent[] = [];
  for (const change of changes) {
    const person = people.get(change.id);
    if (!person) continue;
    const key = person.userId;
    if (change.action === 'deactivate')
      events.push({
        type: 'person.deactivated',
        key,
        userId: key,
        username: person.username,
        reason: change.reason,
      });
    else if (change.action === 'reactivate')
      events.push({ type: 'person.reactivated', key, person });
    else events.push({ type: 'person.upserted', key, person });
  }
  return events;
}
