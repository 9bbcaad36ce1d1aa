import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../authz/actor.ts';
import type { AuditEventInput } from './actions.ts';
import { type ChainedContent, canonicalJson } from './chain.ts';
import { redact } from './redact.ts';

// A UTF-16 surrogate without its pair: PostgreSQL cannot store it (jsonb refuses it, text turns
// it into U+FFFD), so the hashed content would differ from the stored one or the append would fail.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A deep copy as PostgreSQL can store it: lone surrogates become U+FFFD (as text would store
 * them) and NUL characters are dropped (neither text nor jsonb accepts them).
 */
function wellFormed<T>(value: T): T {
  if (typeof value === 'string')
    return value.replace(LONE_SURROGATE, '\uFFFD').replaceAll('\u0000', '') as T;
  if (Array.isArray(value)) return value.map((item) => wellFormed(item)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [wellFormed(key), wellFormed(item)]),
    ) as T;
  return value;
}

/** Builds the stored, hashed content of one event. */
function contentOf(actor: Actor, event: AuditEventInput, seq: string, at: Date): ChainedContent {
  const content = wellFormed({
    seq: '',
    at: at.toISOString(),
    actorId: actor.userId,
    actorLabel: actor.label,
    actorRole: actor.role,
    ip: actor.ip,
    userAgent: actor.userAgent?.slice(0, 512) ?? null,
    requestId: actor.requestId,
    action: event.action,
    targetType: event.targetType ?? null,
    targetId: event.targetId ?? null,
    targetLabel: event.targetLabel ?? null,
    outcome: event.outcome ?? 'success',
    reason: event.reason ?? null,
    diff: event.diff ? redact(event.diff) : null,
    details: event.details ? redact(event.details) : null,
  });
  return { ...content, seq };
}

// Stands in for the sequence number, which only the database knows once it holds the chain lock.
// NUL never survives into stored content (wellFormed drops it), so it cannot collide with a value.
const SEQ_PLACEHOLDER = '\u0000seq\u0000';
const SEQ_SLOT = `"seq":${JSON.stringify(SEQ_PLACEHOLDER)}`;

/** The canonical JSON of an event split around its `seq` value, for audit_append() to complete. */
function canonicalParts(content: ChainedContent): { before: string; after: string } {
  const canonical = canonicalJson(content);
  const slot = canonical.indexOf(SEQ_SLOT);
  if (slot < 0) throw new Error('audit event content has no seq slot');
  return {
    before: `${canonical.slice(0, slot)}"seq":`,
    after: canonical.slice(slot + SEQ_SLOT.length),
  };
}

/**
 * The `events` value of an `audit_pending` row (JSON text, for a bind parameter): what
 * appendAuditEvents stages, for a caller that holds a plain pg transaction instead of an entity
 * manager (`audit archive`, in the owner's transaction that deletes the archived events).
 */
export function stagedEvents(actor: Actor, events: AuditEventInput[], at: Date): string {
  const rows = events.map((event) => {
    const { seq: _placeholder, ...content } = contentOf(actor, event, SEQ_PLACEHOLDER, at);
    return { ...content, ...canonicalParts({ ...content, seq: SEQ_PLACEHOLDER }) };
  });
  return JSON.stringify(rows);
}

/**
 * Stages events for the audit chain inside the caller's transaction; the database chains them
 * during COMMIT (deferred trigger audit_chain_pending: seq numbers and
 * hash(n) = SHA-256(hash(n-1) || canonical JSON), exactly as keylessHash() computes), so they
 * are committed with the change or not at all, and the chain lock is held only at commit. No
 * secret goes with them: the chain is anchored by signed checkpoints outside the database.
 */
export async function appendAuditEvents(
  em: EntityManager,
  actor: Actor,
  events: AuditEventInput[],
  at: Date = new Date(),
): Promise<void> {
  if (events.length === 0) return;
  // Through knex with a bind parameter: em.execute() would inline the events into the SQL text.
  const query = em
    .getKnex()
    .raw('insert into audit_pending (events) values (?::jsonb)', [stagedEvents(actor, events, at)]);
  const transaction = em.getTransactionContext();
  if (!transaction) throw new Error('appendAuditEvents must run inside a transaction');
  await query.transacting(transaction);
}
