import type { AuditDiff } from '../../audit/actions.ts';

/**
 * SQL for a timestamptz column rendered as an ISO 8601 UTC string with milliseconds: raw
 * `em.execute` rows carry timestamps as PostgreSQL text, which is not what the API promises.
 */
export function isoSql(column: string): string {
  return `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** A `like` pattern matching `text` anywhere, with LIKE's own wildcards taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The audit diff of a change: `{before, after}` of the fields whose value actually changes.
 * Returns null when nothing changes (no write, no audit event).
 */
export function changedFields<T extends object>(current: T, patch: Partial<T>): AuditDiff | null {
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const old = (current as Record<string, unknown>)[key] ?? null;
    if (old === value) continue;
    before[key] = old;
    after[key] = value;
  }
  return Object.keys(after).length === 0 ? null : { before, after };
}

/** Sources whose records a directory feed owns: their source-owned attributes are not edited by hand. */
export const SYNCED_SOURCES: ReadonlySet<string> = new Set(['ad', 'hr', 'scim']);
