/**
 * What the messaging core must learn, written to the outbox in the same transaction as the
 * change and delivered after commit, in order per `key` (a person's or a space's id).
 */

/** A person as the core sees them. */
export interface CorePerson {
  userId: string;
  username: string;
  displayName: string;
  familyName: string;
  givenName: string;
  middleName: string | null;
  email: string | null;
  phone: string | null;
  title: string | null;
  organization: { id: string; name: string } | null;
}

export type OutboxEvent =
  | { type: 'person.upserted'; key: string; person: CorePerson }
  | {
      type: 'person.deactivated';
      key: string;
      userId: string;
      /** The login; null for a former person whose login was released (see `CoreAccount`). */
      username: string | null;
      reason: string | null;
    }
  | {
      /** Cut off like a deactivation, memberships kept: a leave of absence, an investigation. */
      type: 'person.suspended';
      key: string;
      userId: string;
      username: string;
      reason: string | null;
    }
  | { type: 'person.reactivated'; key: string; person: CorePerson }
  | {
      type: 'sessions.revoked';
      key: string;
      userId: string;
      username: string;
      /** Device session ids, or 'all'. */
      sessionIds: string[] | 'all';
    }
  | { type: 'second_factor.reset'; key: string; userId: string; username: string }
  | { type: 'space.upserted'; key: string; spaceId: string; name: string }
  | { type: 'space.deleted'; key: string; spaceId: string; name: string }
  | {
      type: 'space.members_changed';
      key: string;
      spaceId: string;
      name: string;
      added: { userId: string; username: string }[];
      removed: { userId: string; username: string }[];
    };

export type OutboxEventType = OutboxEvent['type'];

/**
 * The events that cut someone off (sessions end at once): claimed ahead of any other due event and
 * with capacity of their own (core/delivery/worker.ts), so a backlog of profile or group changes
 * never delays a cut-off.
 */
export const CUT_OFF_EVENT_TYPES: readonly OutboxEventType[] = [
  'person.deactivated',
  'person.suspended',
  'sessions.revoked',
  'second_factor.reset',
];

/**
 * A person's account in the messaging core (the XMPP localpart): assigned once, when the person
 * first has a login, and never changed or given to anyone else (`app_user.core_account`). A
 * connector names accounts by it, never by the login, which can be released and reused.
 */
export interface CoreAccount {
  coreAccount: string;
}

type Member = { userId: string; username: string };

/** An event with every person it names carrying their core account. */
type WithCoreAccounts<E> = E extends { person: CorePerson }
  ? Omit<E, 'person'> & { person: CorePerson & CoreAccount }
  : E extends { added: Member[] }
    ? Omit<E, 'added' | 'removed'> & {
        added: (Member & CoreAccount)[];
        removed: (Member & CoreAccount)[];
      }
    : E extends { userId: string }
      ? E & CoreAccount
      : E;

/** An event as the outbox stores it: `emitMany` adds the core accounts (outbox/coreAccounts.ts). */
export type StoredOutboxEvent = WithCoreAccounts<OutboxEvent>;

/** An outbox event as a connector receives it: `id` is stable across retries (idempotency key). */
export type DeliverableEvent = StoredOutboxEvent & {
  /** The outbox row id (a bigint as a decimal string); the same on every redelivery. */
  id: string;
  /** When the change was committed here (ISO 8601). */
  createdAt: string;
};
