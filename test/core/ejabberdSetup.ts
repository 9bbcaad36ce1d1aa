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

/** An event with a fresh delivery id. */
export function withId(event: OutboxEvent): DeliverableEvent {
  return { ...event, id: randomUUID(), createdAt: new Date().toISOString() };
}
