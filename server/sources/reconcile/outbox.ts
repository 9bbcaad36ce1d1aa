import type { EntityManager } from '@mikro-orm/postgresql';
import { loadCorePeople } from '../../directory/people/corePerson.ts';
import type { OutboxEvent } from '../../outbox/events.ts';

/**
 * The profile upserts the messaging core must learn about a batch of created or changed people
 * (one query for every person of the batch). Status changes are the lifecycle's to announce.
 */
export async function coreEvents(
  em: EntityManager,
  changes: { id: string; action: 'create' | 'update' }[],
): Promise<OutboxEvent[]> {
  if (changes.length === 0) return [];
  // People without a username have no account in the core; loadCorePeople leaves them out.
  const people = await loadCorePeople(
    em,
    changes.map((change) => change.id),
  );
  return people.map((person) => ({ type: 'person.upserted', key: person.userId, person }));
}
