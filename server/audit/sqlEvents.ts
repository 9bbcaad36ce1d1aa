import type { Actor } from '../authz/actor.ts';
import type { AuditAction } from './actions.ts';
import { actorContent } from './append.ts';

/**
 * Audit events of one fixed shape, one per row of a query: what a bulk statement (a sync batch's
 * creates) records without bringing its rows back to build the events in JavaScript. Every
 * value is a SQL text expression over `from`; `details` keys are identifiers (ASCII), so that
 * their canonical order is the same in PostgreSQL and in canonicalJson().
 */
export interface SqlAuditEvents {
  action: AuditAction;
  targetType: string;
  /** SQL text expressions over the rows of `from`. */
  targetId: string;
  targetLabel: string;
  /** Key → SQL text expression (null stays null); no secret may be among them (nothing redacts). */
  details: Readonly<Record<string, string>>;
  /** The rows: a CTE name or a FROM clause (its `?` placeholders bound by `fromParams`). */
  from: string;
  fromParams?: readonly (string | null)[];
  /** The events' order in the chain. */
  orderBy: string;
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9]*$/;

// The JSON text of a SQL text expression, escaped by PostgreSQL exactly as JSON.stringify
// escapes a string (both escape only ", \, the named controls and the other C0 controls as
// lower-case \u00XX; PostgreSQL text holds no lone surrogate and no NUL).
const jsonText = (expression: string) => `coalesce(to_json((${expression})::text)::text, 'null')`;

// canonicalJson()'s key order: UTF-16 code units, which for ASCII keys is byte order.
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The statement that stages the events (`?` placeholders, knex style) and its parameters: an
 * INSERT … SELECT into audit_pending with each event's canonical JSON built by PostgreSQL, the
 * actor's part and the time built here once (the same code as appendAuditEvents). Meant as a
 * data-modifying CTE beside the statement whose rows it records, or on its own after it; the
 * events must come after those the command recorded before (CommandContext.flushAudit).
 */
export function sqlAuditStaging(
  events: SqlAuditEvents,
  actor: Actor,
  at: Date,
): { sql: string; params: (string | null)[] } {
  const keys = Object.keys(events.details).sort(byCodeUnits);
  for (const key of keys)
    if (!IDENTIFIER.test(key)) throw new Error(`audit details key ${key} is not an identifier`);
  const details = keys.map((key) => `'${key}', (${events.details[key]})::text`).join(', ');
  const canonicalDetails = keys
    .map(
      (key, index) =>
        `'${index === 0 ? '{' : ','}"${key}":' || ${jsonText(events.details[key] ?? 'null')}`,
    )
    .join(' || ');
  const content = actorContent(actor, at);
  const json = (value: string | null) => JSON.stringify(value);
  const sql = `insert into audit_pending (at, actor_id, actor_label, actor_role, ip, user_agent,
    request_id, action, target_type, target_id, target_label, outcome, reason, diff, details,
    canonical_before, canonical_after)
  select ?::timestamptz, ?::uuid, ?, ?, ?, ?, ?, ?, ?, (${events.targetId})::text,
    (${events.targetLabel})::text, 'success', null, null,
    ${keys.length > 0 ? `jsonb_build_object(${details})` : 'null'},
    ? || ${keys.length > 0 ? `${canonicalDetails} || '}'` : `'null'`} || ?,
    ',"targetId":' || ${jsonText(events.targetId)} || ',"targetLabel":' || ${jsonText(events.targetLabel)} || ?
    from ${events.from} order by ${events.orderBy}`;
  const before = `{"action":${json(events.action)},"actorId":${json(content.actorId)},"actorLabel":${json(content.actorLabel)},"actorRole":${json(content.actorRole)},"at":${json(content.at)},"details":`;
  const middle = `,"diff":null,"ip":${json(content.ip)},"outcome":"success","reason":null,"requestId":${json(content.requestId)},"seq":`;
  const after = `,"targetType":${json(events.targetType)},"userAgent":${json(content.userAgent)}}`;
  return {
    sql,
    params: [
      content.at,
      content.actorId,
      content.actorLabel,
      content.actorRole,
      content.ip,
      content.userAgent,
      content.requestId,
      events.action,
      events.targetType,
      before,
      middle,
      after,
      ...(events.fromParams ?? []),
    ],
  };
}
