import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import {
  AUDIT_ACTIONS,
  type AuditAction,
  type AuditDiff,
  type AuditEventInput,
} from '../../audit/actions.ts';
import { ACTOR_KINDS } from '../../audit/actorKind.ts';
import { loadCheckpointAnchors } from '../../audit/anchors.ts';
import type { AuditRow } from '../../audit/auditRow.ts';
import { CHECKPOINT_FILE, checkpointDir } from '../../audit/checkpoints.ts';
import { sealStagedEvents } from '../../audit/seal.ts';
import { verifyAuditChain } from '../../audit/verify.ts';
import type { VerifyResult } from '../../audit/verifyResult.ts';
import type { Actor } from '../../authz/actor.ts';
import { authorize } from '../../authz/index.ts';
import { notFound } from '../../shared/errors.ts';
import { paging, timestamp, uuid } from '../../shared/schemas.ts';
import type { Services } from '../../shared/services.ts';
import { runCommand } from '../runCommand.ts';
import {
  type AuditPerson,
  actorKind,
  auditPersonView,
  loadEventPeople,
  targetPersonId,
} from './people.ts';

/**
 * Counting stops here: an exact count(*) over millions of events costs more than the page
 * itself, so `total` is exact up to this many matches and `totalIsEstimate` says when it is not.
 */
export const COUNT_CAP = 10_000;

const actionList = z
  .string()
  .max(4000)
  .transform((value) => [
    ...new Set(
      value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    ),
  ])
  .pipe(
    z
      .array(z.enum(AUDIT_ACTIONS, { message: 'unknown audit action' }))
      .min(1)
      .max(50),
  );

/** The filters shared by the list and the export (query parameters). */
export const auditFilterShape = {
  actorId: uuid.optional(),
  action: actionList.optional().describe('One action or a comma-separated list'),
  targetId: z.string().min(1).max(200).optional(),
  targetType: z.string().min(1).max(100).optional(),
  outcome: z.enum(['success', 'denied', 'failure']).optional(),
  from: timestamp.optional().describe('Events at or after this instant (ISO 8601)'),
  to: timestamp.optional().describe('Events at or before this instant (ISO 8601)'),
};

/** The parsed filters. */
export interface AuditFilters {
  actorId?: string;
  action?: AuditAction[];
  targetId?: string;
  targetType?: string;
  outcome?: 'success' | 'denied' | 'failure';
  from?: Date;
  to?: Date;
}

/** Refuses `from` after `to` (a query that can only be empty is a client bug). */
export function checkRange(value: AuditFilters, ctx: z.RefinementCtx): void {
  if (value.from && value.to && value.from > value.to)
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
}

/** `GET /audit-events` query: filters, offset/limit paging, or a keyset `cursor` (a seq). */
export function listAuditQuery(maxLimit: number, defaultLimit: number) {
  return z
    .object({
      ...auditFilterShape,
      cursor: z
        .string()
        .regex(/^[1-9][0-9]{0,17}$/, 'must be the nextCursor of a previous page')
        .optional()
        .describe('Continue after this event (the nextCursor of the previous page)'),
      ...paging(maxLimit, defaultLimit),
    })
    .strict()
    .superRefine(checkRange);
}
export type ListAuditQuery = z.infer<ReturnType<typeof listAuditQuery>>;

/**
 * The WHERE clause of the filters. `bind` records a parameter and returns its placeholder, so
 * the same filters serve `em.execute` (`?`) and the raw pool (`$n`).
 */
export function auditWhere(filters: AuditFilters, bind: (value: unknown) => string): string[] {
  const where: string[] = [];
  if (filters.actorId) where.push(`actor_id = ${bind(filters.actorId)}::uuid`);
  if (filters.action) where.push(`action in (${filters.action.map(bind).join(', ')})`);
  if (filters.targetId) where.push(`target_id = ${bind(filters.targetId)}`);
  if (filters.targetType) where.push(`target_type = ${bind(filters.targetType)}`);
  if (filters.outcome) where.push(`outcome = ${bind(filters.outcome)}`);
  if (filters.from) where.push(`at >= ${bind(filters.from.toISOString())}::timestamptz`);
  if (filters.to) where.push(`at <= ${bind(filters.to.toISOString())}::timestamptz`);
  return where;
}

/** The filters as recorded in the details of `audit.listed` / `audit.exported`. */
export function describeFilters(filters: AuditFilters): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filters))
    if (value !== undefined) out[key] = value instanceof Date ? value.toISOString() : value;
  return out;
}

/** The columns of an audit row as presented (timestamps as ISO text with milliseconds, as hashed). */
export const AUDIT_VIEW_COLUMNS = `seq::text as seq,
  to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at, actor_id, actor_label,
  actor_role, ip, user_agent, request_id, action, target_type, target_id, target_label, outcome,
  reason, diff, details`;

/** A row of AUDIT_VIEW_COLUMNS: a stored row with its time as text and without its hash. */
export interface AuditViewRow extends Omit<AuditRow, 'at' | 'hash'> {
  at: string;
}

/** An audit event as the API presents it. */
export const auditEventView = z.object({
  id: z.number().int().describe('The sequence number in the chain'),
  at: z.string(),
  actor: z.object({
    id: z.string().nullable(),
    label: z.string(),
    role: z.string().nullable(),
    kind: z
      .enum(ACTOR_KINDS)
      .describe('A person, or what else acted (a source, SCIM, the service…)'),
    person: auditPersonView.nullable().describe("The acting person's current names"),
  }),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
  action: z.string(),
  target: z.object({
    type: z.string().nullable(),
    id: z.string().nullable(),
    label: z.string().nullable(),
    person: auditPersonView.nullable().describe('When the target is a person: their current names'),
  }),
  outcome: z.string(),
  reason: z.string().nullable(),
  diff: z
    .object({
      before: z.record(z.string(), z.unknown()).optional(),
      after: z.record(z.string(), z.unknown()).optional(),
    })
    .nullable()
    .describe('The fields the action changed: their values before and after, secrets redacted'),
  details: z.unknown(),
});
export type AuditEventView = z.infer<typeof auditEventView>;

/**
 * Presents an audit row; `people` holds the current names of the people it refers to
 * (`loadEventPeople`, one query per page).
 */
export function presentAuditEvent(
  row: AuditViewRow,
  people: Map<string, AuditPerson>,
): AuditEventView {
  const target = targetPersonId(row);
  return {
    id: Number(row.seq),
    at: row.at,
    actor: {
      id: row.actor_id,
      label: row.actor_label,
      role: row.actor_role,
      kind: actorKind(row),
      person: (row.actor_id && people.get(row.actor_id)) || null,
    },
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
    action: row.action,
    target: {
      type: row.target_type,
      id: row.target_id,
      label: row.target_label,
      person: (target && people.get(target)) || null,
    },
    outcome: row.outcome,
    reason: row.reason,
    // Every writer appends an AuditDiff or nothing (audit/append.ts); the column is jsonb.
    diff: row.diff as AuditDiff | null,
    details: row.details,
  };
}

/** A page of events, newest first. */
export interface AuditPage {
  data: AuditEventView[];
  total: number;
  /** True when there are more than COUNT_CAP matches: `total` is then a lower bound. */
  totalIsEstimate: boolean;
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

async function fetchPage(em: EntityManager, query: ListAuditQuery): Promise<AuditPage> {
  const params: unknown[] = [];
  const bind = (value: unknown) => {
    params.push(value);
    return '?';
  };
  const where = auditWhere(query, bind);
  const filterParams = [...params];
  const filterSql = where.length ? `where ${where.join(' and ')}` : '';
  if (query.cursor) {
    // The plain `at <=` bound is what an (x, at) index can seek on; the row comparison breaks ties.
    const cursor = `(select c.at from audit_event c where c.seq = ${bind(query.cursor)}::bigint)`;
    where.push(`at <= ${cursor}`);
    where.push(
      `(at, seq) < (select c.at, c.seq from audit_event c where c.seq = ${bind(query.cursor)}::bigint)`,
    );
  }
  // Newest first by (at, seq): every filter index ends in `at`, so the scan stops at the limit.
  // Qualified (e.at, e.seq): bare names in ORDER BY would sort the text output columns instead.
  const rows = await em.execute<AuditViewRow[]>(
    `select ${AUDIT_VIEW_COLUMNS} from audit_event e ${where.length ? `where ${where.join(' and ')}` : ''}
      order by e.at desc, e.seq desc limit ${bind(query.limit)} offset ${bind(query.offset)}`,
    params,
  );
  const people = await loadEventPeople(em, rows);
  const data = rows.map((row) => presentAuditEvent(row, people));
  const nextCursor = rows.length === query.limit ? (rows.at(-1)?.seq ?? null) : null;
  if (!query.cursor && rows.length < query.limit && (rows.length > 0 || query.offset === 0))
    return { data, total: query.offset + rows.length, totalIsEstimate: false, nextCursor };
  const [count] = await em.execute<{ n: number }[]>(
    `select count(*)::int as n from (select 1 from audit_event ${filterSql} limit ${COUNT_CAP + 1}) t`,
    filterParams,
  );
  const n = count?.n ?? 0;
  if (n <= COUNT_CAP) return { data, total: n, totalIsEstimate: false, nextCursor };
  return {
    data,
    total: Math.max(COUNT_CAP, query.offset + rows.length),
    totalIsEstimate: true,
    nextCursor,
  };
}

/** Lists audit events (superadmin, auditor); the read itself is recorded as `audit.listed`. */
export async function listAuditEvents(
  services: Services,
  actor: Actor,
  query: ListAuditQuery,
): Promise<AuditPage> {
  // The newest events may still be staged (committed while another commit held the chain).
  await sealStagedEvents(services.pool);
  return runCommand(services, actor, async ({ em, ability, audit }) => {
    authorize(ability, 'read', 'AuditEvent', {
      auditAction: 'audit.listed',
      targetType: 'AuditEvent',
    });
    const page = await fetchPage(em, query);
    const { offset, limit, cursor, ...filters } = query;
    audit({
      action: 'audit.listed',
      targetType: 'AuditEvent',
      details: {
        filters: describeFilters(filters),
        offset,
        limit,
        cursor,
        returned: page.data.length,
      },
    });
    return page;
  });
}

/** One audit event (superadmin, auditor); recorded as `audit.viewed`. */
export async function getAuditEvent(
  services: Services,
  actor: Actor,
  seq: string,
): Promise<AuditEventView> {
  await sealStagedEvents(services.pool);
  return runCommand(services, actor, async ({ em, ability, audit }) => {
    const target = { targetType: 'AuditEvent', targetId: seq };
    authorize(ability, 'read', 'AuditEvent', { auditAction: 'audit.viewed', ...target });
    const [row] = await em.execute<AuditViewRow[]>(
      `select ${AUDIT_VIEW_COLUMNS} from audit_event where seq = ?::bigint`,
      [seq],
    );
    if (!row) throw notFound('Audit event');
    audit({ action: 'audit.viewed', ...target, targetLabel: row.action });
    return presentAuditEvent(row, await loadEventPeople(em, [row]));
  });
}

/** The `audit.verified` event of a verification: outcome `failure` when the chain is broken. */
export function verifiedEvent(result: VerifyResult): AuditEventInput {
  return {
    action: 'audit.verified',
    targetType: 'AuditEvent',
    outcome: result.ok ? 'success' : 'failure',
    reason: result.firstProblem?.detail ?? null,
    details: { ...result },
  };
}

/**
 * Walks the chain with the service's legacy HMAC key and, when the configured checkpoint
 * directory holds a checkpoint file, against its signed checkpoints (keyring of that directory).
 */
export async function verifyWithConfiguredCheckpoints(services: Services): Promise<VerifyResult> {
  const dir = checkpointDir(services.config);
  const checkpoints = existsSync(join(dir, CHECKPOINT_FILE))
    ? loadCheckpointAnchors(dir)
    : undefined;
  return verifyAuditChain(services.pool, { legacyKey: services.keys.audit, checkpoints });
}

/** Walks the whole chain (superadmin, auditor) and records the result as `audit.verified`. */
export async function verifyAuditLog(services: Services, actor: Actor): Promise<VerifyResult> {
  return runCommand(services, actor, async ({ ability, audit }) => {
    authorize(ability, 'verify', 'AuditEvent', {
      auditAction: 'audit.verified',
      targetType: 'AuditEvent',
    });
    const result = await verifyWithConfiguredCheckpoints(services);
    audit(verifiedEvent(result));
    return result;
  });
}
