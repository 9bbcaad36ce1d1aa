import type { PlanAction, RunMode, RunStatus } from '../../../server/sources/vocabulary';

/** Run modes, run statuses and plan actions: the server's lists. */
export {
  PLAN_ACTIONS,
  type PlanAction,
  RUN_MODES,
  RUN_STATUSES,
  type RunMode,
  type RunStatus,
} from '../../../server/sources/vocabulary';

/** How a source matches directory entries to people. */
export const CORRELATION_KEYS = ['employeeId', 'email', 'username'] as const;

/** A directory source (no secrets: only the name of the variable holding the bind password). */
export interface DirectorySourceRecord {
  id: string;
  name: string;
  origin: 'config' | 'api';
  kind: 'active-directory' | 'ldap';
  connection: Record<string, unknown>;
  /** Whether a stored bind password is set (write-only: the password itself is never sent). */
  bindPasswordSet: boolean;
  /** When the stored bind password was last set or cleared; null if never. */
  bindPasswordChangedAt: string | null;
  enabled: boolean;
  schedule: { incremental: string | null; full: string | null };
  thresholds: { minShareOfManaged: number; maxDeactivationShare: number; maxDeactivations: number };
  correlateBy: (typeof CORRELATION_KEYS)[number];
}

/** A sync run. */
export interface SyncRunRecord {
  id: string;
  sourceId: string;
  mode: RunMode;
  readMode: string | null;
  status: RunStatus;
  counts: Record<string, number>;
  cursorBefore: Record<string, unknown> | null;
  cursorAfter: Record<string, unknown> | null;
  requestedBy: string;
  requestedById: string | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  error: string | null;
  safety: string | null;
  approvedById: string | null;
  approvedAt: string | null;
}

/** One person's line of a run's plan. */
export interface PlanItem {
  seq: number;
  action: PlanAction;
  userId: string | null;
  externalId: string | null;
  locator: string | null;
  label: string | null;
  diff: Record<string, { from: unknown; to: unknown }>;
  record: Record<string, unknown> | null;
  link: boolean;
  reason: string | null;
  blocked: string | null;
  outcome: string | null;
  outcomeReason: string | null;
}

/** Delivery counts per connector of the messaging core's outbox. */
export interface DeliverySummary {
  data: {
    connector: string;
    pending: number;
    dead: number;
    delivered: number;
    skipped: number;
    oldestPendingAt: string | null;
  }[];
}
