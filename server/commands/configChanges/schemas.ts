import { z } from 'zod';
import { paging, paragraph } from '../../shared/schemas.ts';
import {
  CONFIG_CHANGE_STATUSES,
  CONFIG_OPERATIONS,
  CONFIG_SETTINGS,
  type ConfigChange,
} from './entity.ts';

/** A configuration change as the API shows it (docs/api.md "Configuration changes"). */
export const configChangeView = z.object({
  id: z.string(),
  setting: z.enum(CONFIG_SETTINGS),
  operation: z.enum(CONFIG_OPERATIONS),
  targetId: z.string(),
  targetLabel: z.string().nullable(),
  status: z.enum(CONFIG_CHANGE_STATUSES),
  diff: z
    .object({
      before: z.record(z.string(), z.unknown()).optional(),
      after: z.record(z.string(), z.unknown()).optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    })
    .describe('The setting before and after the change, and details; secrets redacted'),
  requestedById: z.string().nullable(),
  requestedBy: z.string(),
  requestedAt: z.string(),
  expiresAt: z.string(),
  decidedById: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  reason: z.string().nullable(),
  /** Applied at once because only one active superadmin existed. */
  singleSuperadmin: z.boolean(),
});
export type ConfigChangeView = z.infer<typeof configChangeView>;

/**
 * The view of a stored change at `now`: a pending request past its expiry reads `expired` even
 * before the sweep (expireConfigChanges) records it, so nobody is invited to approve it.
 */
export function presentConfigChange(row: ConfigChange, now: Date): ConfigChangeView {
  const lapsed = row.status === 'pending' && row.expiresAt.getTime() <= now.getTime();
  return {
    id: row.id,
    setting: row.setting,
    operation: row.operation,
    targetId: row.targetId,
    targetLabel: row.targetLabel ?? null,
    status: lapsed ? 'expired' : row.status,
    // Stored by the gate as the change's audit diff and details (gate.ts, diffOf).
    diff: row.diff as ConfigChangeView['diff'],
    requestedById: row.requestedById ?? null,
    requestedBy: row.requestedBy,
    requestedAt: row.requestedAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    decidedById: row.decidedById ?? null,
    decidedBy: row.decidedBy ?? null,
    decidedAt: row.decidedAt?.toISOString() ?? null,
    reason: row.reason ?? null,
    singleSuperadmin: row.singleSuperadmin,
  };
}

/** `GET /config-changes`: the history, newest first, filterable by status, setting and target. */
export function listConfigChangesQuery(maxLimit: number, defaultLimit: number) {
  return z
    .object({
      status: z.enum(CONFIG_CHANGE_STATUSES).optional(),
      setting: z.enum(CONFIG_SETTINGS).optional(),
      targetId: z.string().min(1).max(200).optional(),
      ...paging(maxLimit, defaultLimit),
    })
    .strict();
}
export type ListConfigChangesQuery = z.infer<ReturnType<typeof listConfigChangesQuery>>;

/** `POST /config-changes/:id/reject`: the reason is required (it is what the requester reads). */
export const rejectConfigChangeBody = z
  .object({ reason: paragraph(2000).pipe(z.string().min(1, 'must not be empty')) })
  .strict();
export type RejectConfigChangeBody = z.infer<typeof rejectConfigChangeBody>;

/**
 * The answer of a gated command (POST/PATCH/DELETE of a setting): applied at once (the command's
 * own view) or waiting for a second superadmin (202 with the request).
 */
export type GateOutcome<T> =
  | { kind: 'applied'; value: T }
  | { kind: 'pending'; request: ConfigChangeView };
