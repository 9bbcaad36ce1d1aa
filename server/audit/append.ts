import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import type { Actor } from '../authz/actor.ts';
import type { AuditEventInput } from './actions.ts';
import { type ChainedContent, contentJson } from './chain.ts';
import { redact } from './redact.ts';

// A UTF-16 surrogate without its pair: PostgreSQL cannot store it (jsonb refuses it, text turns
// it into U+FFFD), so the hashed content would differ from the stored one or the append would fail.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// Anything wellFormed() would change; most text has none, and is then kept as it is.
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is one of the characters it looks for
const SUSPECT = /[\uD800-\uDFFF\u0000]/;

/**
 * The value as PostgreSQL can store it: lone surrogates become U+FFFD (as text would store them)
 * and NUL characters are dropped (neither text nor jsonb accepts them). Copies only what it
 * changes: staging thousands of events per statement (a sync's apply) must not copy each twice.
 */
function wellFormed<T>(value: T): T {
  if (typeof value === 'string')
    return (
      SUSPECT.test(value) ? value.replace(LONE_SURROGATE, '\uFFFD').replaceAll('\u0000', '') : value
    ) as T;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = value.map((item) => wellFormed(item));
    return (items.some((item, index) => item !== value[index]) ? items : value) as T;
  }
  const entries = Object.entries(value);
  const mapped = entries.map(([key, item]) => [wellFormed(key), wellFormed(item)] as const);
  const changed = mapped.some(([key, item], index) => {
    const [originalKey, original] = entries[index] as [string, unknown];
    return key !== originalKey || item !== original;
  });
  // Object.fromEntries defines own properties: a `__proto__` key stays a key.
  return (changed ? Object.fromEntries(mapped) : value) as T;
}

/** The part of an event's stored, hashed content that comes from who acted and when. */
export type ActorContent = Pick<
  ChainedContent,
  'at' | 'actorId' | 'actorLabel' | 'actorRole' | 'ip' | 'userAgent' | 'requestId'
>;

/** The actor's and the time's part of an event's content, as stored and hashed. */
export function actorContent(actor: Actor, at: Date): ActorContent {
  return wellFormed({
    at: at.toISOString(),
    actorId: actor.userId,
    actorLabel: actor.label,
    actorRole: actor.role,
    ip: actor.ip,
    userAgent: actor.userAgent?.slice(0, 512) ?? null,
    requestId: actor.requestId,
  });
}

/** Builds the stored, hashed content of one event. */
function contentOf(actor: Actor, event: AuditEventInput, seq: string, at: Date): ChainedContent {
  const content = wellFormed({
    seq: '',
    ...actorContent(actor, at),
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
  const canonical = contentJson(content);
  const slot = canonical.indexOf(SEQ_SLOT);
  if (slot < 0) throw new Error('audit event content has no seq slot');
  return {
    before: `${canonical.slice(0, slot)}"seq":`,
    after: canonical.slice(slot + SEQ_SLOT.length),
  };
}

// The staged row's columns, read from the JSON array the writer sends as one bind parameter.
const STAGED_COLUMNS: readonly (readonly [string, string])[] = [
  ['at', 'timestamptz'],
  ['actorId', 'uuid'],
  ['actorLabel', 'text'],
  ['actorRole', 'text'],
  ['ip', 'text'],
  ['userAgent', 'text'],
  ['requestId', 'text'],
  ['action', 'text'],
  ['targetType', 'text'],
  ['targetId', 'text'],
  ['targetLabel', 'text'],
  ['outcome', 'text'],
  ['reason', 'text'],
  ['diff', 'jsonb'],
  ['details', 'jsonb'],
  ['before', 'text'],
  ['after', 'text'],
];
const definitions = STAGED_COLUMNS.map(([name, type]) => `"${name}" ${type}`).join(', ');
const aliases = STAGED_COLUMNS.map(([name]) => `"${name}"`).join(', ');

/**
 * The statement that stages events: one however many, the events a JSON array in the one bind
 * parameter `placeholder` (`?` for knex, `$1` for pg); ROWS FROM ... WITH ORDINALITY keeps the
 * array's order. Exported for the benchmark's raw-SQL comparison.
 */
export const auditStagingSql = (
  placeholder: string,
) => `insert into audit_pending (at, actor_id, actor_label, actor_role, ip, user_agent,
    request_id, action, target_type, target_id, target_label, outcome, reason, diff, details,
    canonical_before, canonical_after)
  select e.at, e."actorId", e."actorLabel", e."actorRole", e.ip, e."userAgent", e."requestId",
    e.action, e."targetType", e."targetId", e."targetLabel", e.outcome, e.reason,
    nullif(e.diff, 'null'::jsonb), nullif(e.details, 'null'::jsonb), e.before, e.after
    from rows from (jsonb_to_recordset(${placeholder}::jsonb) as (${definitions}))
      with ordinality as e(${aliases}, n)
   order by e.n`;

/** The JSON array auditStagingSql() reads: each event's stored content and canonical halves. */
export function stagedAuditEvents(actor: Actor, events: AuditEventInput[], at: Date): string {
  const rows = events.map((event) => {
    const { seq: _placeholder, ...content } = contentOf(actor, event, SEQ_PLACEHOLDER, at);
    return { ...content, ...canonicalParts({ ...content, seq: SEQ_PLACEHOLDER }) };
  });
  return JSON.stringify(rows);
}

/**
 * The staging statement as a named prepared statement: PostgreSQL parses and plans it once per
 * connection instead of once per audited command (a quarter to a third of the database's work
 * per event with one event a command; docs/benchmarks.md "Issue 15, session 28").
 */
const STAGING_STATEMENT = {
  name: 'audit_pending_stage',
  text: auditStagingSql('$1'),
} as const;

/**
 * Stages events on a pg client that holds an open transaction: appendAuditEvents's own way in,
 * and `audit archive`'s (the owner's transaction that deletes archived events).
 */
export async function stageAuditEvents(
  client: Pick<pg.ClientBase, 'query'>,
  actor: Actor,
  events: AuditEventInput[],
  at: Date,
): Promise<void> {
  if (events.length === 0) return;
  await client.query({ ...STAGING_STATEMENT, values: [stagedAuditEvents(actor, events, at)] });
}

/**
 * What appendAuditEvents needs of MikroORM's transaction, a knex transaction: whether it is over,
 * and its one connection (a pg client, the same for every query of the transaction).
 */
interface KnexTransaction {
  isCompleted(): boolean;
  client: { acquireConnection(): Promise<pg.ClientBase> };
}

/**
 * Stages events for the audit chain inside the caller's transaction, as typed rows in
 * `audit_pending` (one statement however many events), so they are committed with the change or
 * not at all, and a value the chain could not store fails here, in the writer's own statement.
 * audit_seal() numbers and chains them after commit, in staging order: inside this COMMIT when
 * the chain is free, else in the next seal (docs/audit.md "Sealing"): hash(n) =
 * SHA-256(hash(n-1) || canonical JSON), exactly as keylessHash() computes. No secret goes with
 * them: the chain is anchored by signed checkpoints outside the database.
 */
export async function appendAuditEvents(
  em: EntityManager,
  actor: Actor,
  events: AuditEventInput[],
  at: Date = new Date(),
): Promise<void> {
  if (events.length === 0) return;
  const transaction = em.getTransactionContext<KnexTransaction>();
  if (!transaction) throw new Error('appendAuditEvents must run inside a transaction');
  // A finished transaction's connection may serve another by now, or run the statement alone.
  if (transaction.isCompleted()) throw new Error('appendAuditEvents: the transaction is over');
  // On the transaction's connection itself: knex has no prepared statements, and its query
  // pipeline cost the service more than the statement (docs/benchmarks.md, session 28).
  await stageAuditEvents(await transaction.client.acquireConnection(), actor, events, at);
}
