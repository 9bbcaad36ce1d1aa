import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditEventInput } from '../audit/actions.ts';
import { appendAuditEvents } from '../audit/append.ts';
import type { Actor } from '../authz/actor.ts';
import { type AppAbility, defineAbilityFor } from '../authz/index.ts';
import { emitMany } from '../outbox/emit.ts';
import type { OutboxEvent } from '../outbox/events.ts';
import { type AppError, ForbiddenError } from '../shared/errors.ts';
import type { Services } from '../shared/services.ts';

/** What a command body gets: its transaction, who acts, what they may do, and the audit buffer. */
export interface CommandContext {
  em: EntityManager;
  actor: Actor;
  ability: AppAbility;
  services: Services;
  /** Records an audit event; written in the same transaction, just before commit. */
  audit(event: AuditEventInput): void;
  /**
   * Stages the events recorded so far now, so that events a statement stages by itself
   * (audit/sqlEvents.ts) come after them in the chain.
   */
  flushAudit(): Promise<void>;
  /** Enqueues a change for the messaging core; written to the outbox in this transaction. */
  emit(event: OutboxEvent): void;
  /**
   * Commits what was done so far (typically the audit of a failed login) and then makes the
   * command fail with `error`. Use when a refusal itself must be recorded.
   */
  failAfterCommit(error: AppError): never;
}

class FailAfterCommit extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
  }
}

/**
 * Runs one command in its own transaction: the body changes entities and records audit events;
 * the runner flushes, appends the events to the audit chain last (to hold its lock briefly) and
 * commits. A ForbiddenError rolls the change back and is audited as `denied` in a transaction of
 * its own.
 */
export async function runCommand<T>(
  services: Services,
  actor: Actor,
  body: (ctx: CommandContext) => Promise<T>,
  ability: AppAbility = defineAbilityFor(actor),
): Promise<T> {
  const events: AuditEventInput[] = [];
  const outbox: OutboxEvent[] = [];
  let deferred: AppError | null = null;
  let result: T | undefined;
  try {
    result = await services.orm.em.fork().transactional(async (em) => {
      const ctx: CommandContext = {
        em,
        actor,
        ability,
        services,
        audit: (event) => events.push(event),
        flushAudit: () => appendAuditEvents(em, actor, events.splice(0), services.now()),
        emit: (event) => outbox.push(event),
        failAfterCommit: (error) => {
          throw new FailAfterCommit(error);
        },
      };
      let value: T | undefined;
      try {
        value = await body(ctx);
      } catch (error) {
        if (!(error instanceof FailAfterCommit)) throw error;
        deferred = error.error;
      }
      await em.flush();
      await emitMany(em, outbox);
      await appendAuditEvents(em, actor, events, services.now());
      return value;
    });
  } catch (error) {
    if (error instanceof ForbiddenError) await recordDenied(services, actor, error);
    throw error;
  }
  if (deferred) throw deferred;
  return result as T;
}

/** Writes the `denied` audit event of a refused attempt. */
export async function recordDenied(
  services: Services,
  actor: Actor,
  error: ForbiddenError,
): Promise<void> {
  const { attempt } = error;
  await services.orm.em.fork().transactional(async (em) => {
    await appendAuditEvents(
      em,
      actor,
      [
        {
          action: attempt.action as AuditEventInput['action'],
          outcome: 'denied',
          targetType: attempt.targetType,
          targetId: attempt.targetId,
          targetLabel: attempt.targetLabel,
          details: { errorCode: error.code, message: error.message },
        },
      ],
      services.now(),
    );
  });
}
