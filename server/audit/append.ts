import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../shared/actor.ts';
import type { AuditEventInput } from './actions.ts';
import { type ChainedContent, chainHash } from './chain.ts';
import { redact } from './redact.ts';

interface ChainHeadRow {
  seq: string;
  hash: Buffer;
}

// A UTF-16 surrogate without its pair: PostgreSQL cannot store it (jsonb refuses it, text turns
// it into U+FFFD), so the hashed content would differ from the stored one or the append would fail.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A deep copy with lone surrogates replaced by U+FFFD, as PostgreSQL would store them. */
function wellFormed<T>(value: T): T {
  if (typeof value === 'string') return value.replace(LONE_SURROGATE, '\uFFFD') as T;
  if (Array.isArray(value)) return value.map((item) => wellFormed(item)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [wellFormed(key), wellFormed(item)]),
    ) as T;
  return value;
}

/** Builds the stored, hashed content of one event. */
function contentOf(actor: Actor, event: AuditEventInput, seq: bigint, at: Date): ChainedContent {
  return wellFormed({
    seq: seq.toString(),
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
}

/**
 * Appends events to the audit chain inside the caller's transaction. The chain head's row lock
 * serializes writers until commit, so call this last in a transaction to keep the lock short.
 * Returns the sequence numbers assigned.
 */
export async function appendAuditEvents(
  em: EntityManager,
  key: Buffer,
  actor: Actor,
  events: AuditEventInput[],
  at: Date = new Date(),
): Promise<string[]> {
  if (events.length === 0) return [];
  const [head] = await em.execute<ChainHeadRow[]>(
    'select seq::text as seq, hash from audit_chain_head where id = 1 for update',
  );
  if (!head) throw new Error('audit chain head is missing');
  let seq = BigInt(head.seq);
  let previous = head.hash;
  const rows: (ChainedContent & { hash: string })[] = [];
  for (const event of events) {
    seq += 1n;
    const content = contentOf(actor, event, seq, at);
    const hash = chainHash(key, previous, content);
    rows.push({ ...content, hash: hash.toString('hex') });
    previous = hash;
  }
  await em.execute(
    `with inserted as (
       insert into audit_event (seq, at, actor_id, actor_label, actor_role, ip, user_agent, request_id,
         action, target_type, target_id, target_label, outcome, reason, diff, details, hash)
       select r."seq"::bigint, r."at"::timestamptz, r."actorId"::uuid, r."actorLabel", r."actorRole",
         r."ip", r."userAgent", r."requestId", r."action", r."targetType", r."targetId",
         r."targetLabel", r."outcome", r."reason", r."diff", r."details", decode(r."hash", 'hex')
       from jsonb_to_recordset(?::jsonb) as r("seq" text, "at" text, "actorId" text,
         "actorLabel" text, "actorRole" text, "ip" text, "userAgent" text, "requestId" text,
         "action" text, "targetType" text, "targetId" text, "targetLabel" text, "outcome" text,
         "reason" text, "diff" jsonb, "details" jsonb, "hash" text)
       returning 1)
     update audit_chain_head set seq = ?, hash = ? where id = 1`,
    [JSON.stringify(rows), seq.toString(), previous],
  );
  return rows.map((row) => row.seq);
}
