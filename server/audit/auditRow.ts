import type { ChainedContent, HashHex } from './chain.ts';

/** A stored audit row as read for verification and export. */
export interface AuditRow {
  seq: string;
  at: Date;
  actor_id: string | null;
  actor_label: string;
  actor_role: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  target_label: string | null;
  outcome: string;
  reason: string | null;
  diff: unknown;
  details: unknown;
  hash: Buffer;
}

/** The column list matching AuditRow. */
export const AUDIT_ROW_COLUMNS = `seq::text as seq, at, actor_id, actor_label, actor_role, ip, user_agent,
  request_id, action, target_type, target_id, target_label, outcome, reason, diff, details, hash`;

/**
 * AUDIT_ROW_COLUMNS with `at` as the very text toISOString() gives (UTC, milliseconds) and the
 * hash as hex, for the walk: parsing a Date and printing it again per event was a tenth of a
 * verification's time, and a Buffer per hash costs more than comparing hex text. It trusts the
 * database no more than reading the columns does.
 */
export const WALK_COLUMNS = AUDIT_ROW_COLUMNS.replace(
  ' at,',
  ` to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at,`,
).replace(/ hash$/, ` encode(hash, 'hex') as hash`);

/** An audit row as the walk reads it (WALK_COLUMNS): `at` in ISO form, `hash` in hex. */
export type WalkRow = Omit<AuditRow, 'at' | 'hash'> & { at: string; hash: HashHex };

/** The content an audit row's hash covers. */
export function contentOfRow(row: AuditRow | WalkRow): ChainedContent {
  return {
    seq: row.seq,
    at: typeof row.at === 'string' ? row.at : row.at.toISOString(),
    actorId: row.actor_id,
    actorLabel: row.actor_label,
    actorRole: row.actor_role,
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    targetLabel: row.target_label,
    outcome: row.outcome,
    reason: row.reason,
    diff: row.diff,
    details: row.details,
  };
}
