import type { DeliverableEvent } from '../../outbox/events.ts';

export type { DeliverableEvent };

/** A person as the directory knows them, handed to a connector's reconciliation. */
export interface DirectoryAccount {
  userId: string;
  /** The login, or null when it was released (a former person, see docs/core.md). */
  username: string | null;
  /** The account in the core, which never changes (outbox/events.ts, `CoreAccount`). */
  coreAccount: string;
  /** Active here (may log in); false for deactivated people. Pending people are not listed. */
  active: boolean;
}

/** A disagreement between the core and the directory; the framework enqueues the repair. */
export type CoreDifference =
  /** Active here, no account in the core: provision (`person.upserted`). */
  | { kind: 'missing_in_core'; userId: string; coreAccount: string }
  /** Deactivated here, still active in the core: deactivate again (`person.deactivated`). */
  | { kind: 'active_in_core'; userId: string; username: string | null; coreAccount: string }
  /** A core account the directory does not know: reported, never removed automatically. */
  | { kind: 'core_only'; coreAccount: string };

/**
 * A messaging core the outbox delivers to. Delivery is at least once: the same event (same `id`)
 * may arrive again after a crash or a lost answer, so `deliver` must be idempotent (apply the
 * state the event carries, or remember the ids it has applied).
 */
export interface CoreConnector {
  /** Unique among the configured connectors; stored on every outbox row for this connector. */
  readonly name: string;
  /**
   * Applies one event. Resolving means delivered; throwing means retry later with backoff,
   * except a {@link PermanentDeliveryError}, which parks the event as dead at once.
   */
  deliver(event: DeliverableEvent): Promise<void>;
  /**
   * Optional: compares the core's accounts with `directory` and returns the differences; the
   * reconciliation loop (server/core/reconcile.ts) repairs them through the outbox, audited.
   */
  reconcile?(directory: readonly DirectoryAccount[]): Promise<CoreDifference[]>;
  /** Optional: releases sockets or agents when the service stops. */
  close?(): Promise<void>;
}

/** A failure that retrying cannot fix (e.g. HTTP 410 Gone): the event is parked as dead at once. */
export class PermanentDeliveryError extends Error {
  override name = 'PermanentDeliveryError';
}
