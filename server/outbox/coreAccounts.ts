import type { EntityManager } from '@mikro-orm/postgresql';
import { executeBound } from '../db/execute.ts';
import type { OutboxEvent, StoredOutboxEvent } from './events.ts';

/** The ids of the people an event names. */
function peopleOf(event: OutboxEvent): string[] {
  switch (event.type) {
    case 'person.upserted':
    case 'person.reactivated':
      return [event.person.userId];
    case 'space.members_changed':
      return [...event.added, ...event.removed].map((member) => member.userId);
    case 'space.upserted':
    case 'space.deleted':
      return [];
    default:
      return [event.userId];
  }
}

/**
 * Adds to every person an event names their core account, read in the writer's transaction (so
 * a person written by it is seen). Producers name people by id and login; the account is a fact
 * of the person that never changes once assigned, so the one place that attaches it is here, in
 * one query for all the events of a write. A person named without a core account is a bug (they
 * have no login, and no event should name them to the core): it fails the transaction.
 */
export async function withCoreAccounts(
  em: EntityManager,
  events: readonly OutboxEvent[],
): Promise<StoredOutboxEvent[]> {
  const ids = [...new Set(events.flatMap(peopleOf))];
  const accounts = new Map<string, string>();
  if (ids.length > 0) {
    const rows = await executeBound<{ id: string; core_account: string | null }>(
      em,
      'select id::text as id, core_account from app_user where id = any(?::uuid[])',
      // A PostgreSQL array literal: the driver would expand a JS array into a list of values.
      [`{${ids.join(',')}}`],
    );
    for (const row of rows) if (row.core_account) accounts.set(row.id, row.core_account);
  }
  const of = (userId: string): string => {
    const account = accounts.get(userId);
    if (account === undefined) throw new Error(`person ${userId} has no core account`);
    return account;
  };
  return events.map((event): StoredOutboxEvent => {
    switch (event.type) {
      case 'person.upserted':
      case 'person.reactivated':
        return { ...event, person: { ...event.person, coreAccount: of(event.person.userId) } };
      case 'space.members_changed':
        return {
          ...event,
          added: event.added.map((member) => ({ ...member, coreAccount: of(member.userId) })),
          removed: event.removed.map((member) => ({ ...member, coreAccount: of(member.userId) })),
        };
      case 'space.upserted':
      case 'space.deleted':
        return event;
      default:
        return { ...event, coreAccount: of(event.userId) };
    }
  });
}
