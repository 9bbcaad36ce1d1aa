import { randomUUID } from 'node:crypto';
import {
  createEjabberdConnector,
  type EjabberdConnector,
} from '../../server/core/connectors/ejabberd/index.ts';
import type { DeliverableEvent } from '../../server/core/connectors/types.ts';
import type { User } from '../../server/directory/entities.ts';
import type { CorePerson, OutboxEvent } from '../../server/outbox/events.ts';
import type { Ejabberd } from '../support/ejabberd.ts';
import { CORE_API_MS } from '../support/timeouts.ts';

/** A connector for the throw-away ejabberd (API trusted by IP, as the harness configures it). */
export function connectorFor(
  ejabberd: Ejabberd,
  options: { largeGroupThreshold?: number } = {},
): EjabberdConnector {
  return createEjabberdConnector(
    {
      apiUrl: ejabberd.apiUrl,
      host: ejabberd.host,
      organizationName: 'Corp',
      timeoutMs: CORE_API_MS,
      ...options,
    },
    { logger: { debug: () => undefined } },
  );
}

/** The core's view of a person created by the factories. */
export function corePerson(user: User, extra: Partial<CorePerson> = {}): CorePerson {
  return {
    userId: user.id,
    username: user.username as string,
    displayName: user.displayName,
    familyName: user.familyName,
    givenName: user.givenName,
    middleName: user.middleName ?? null,
    email: user.email ?? null,
    phone: user.phone ?? null,
    title: null,
    organization: null,
    ...extra,
  };
}

/**
 * The core account the database assigns to a person created with `username` who was never
 * renamed and whose login nobody held before (test/core/coreAccounts.test.ts covers the rest).
 */
const firstAccount = (username: string | null) => (username ?? '').toLowerCase();

/** An event with a fresh delivery id and the core accounts of the people it names. */
export function withId(event: OutboxEvent): DeliverableEvent {
  const delivery = { id: randomUUID(), createdAt: new Date().toISOString() };
  switch (event.type) {
    case 'person.upserted':
    case 'person.reactivated':
      return {
        ...event,
        ...delivery,
        person: { ...event.person, coreAccount: firstAccount(event.person.username) },
      };
    case 'space.members_changed': {
      const stored = (member: { userId: string; username: string }) => ({
        ...member,
        coreAccount: firstAccount(member.username),
      });
      return {
        ...event,
        ...delivery,
        added: event.added.map(stored),
        removed: event.removed.map(stored),
      };
    }
    case 'space.upserted':
    case 'space.deleted':
      return { ...event, ...delivery };
    default:
      return { ...event, ...delivery, coreAccount: firstAccount(event.username) };
  }
}
