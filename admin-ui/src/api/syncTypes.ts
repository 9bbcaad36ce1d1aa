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

/**
 * How a re-created account or a rehire finds its person again (the server's
 * `RECONNECT_POLICIES`; docs/directory-sync.md, "Reconnection").
 */
export const RECONNECT_POLICIES = ['employeeId', 'never'] as const;
export type ReconnectPolicy = (typeof RECONNECT_POLICIES)[number];

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
  /** How a re-created account or a rehire finds its person again. */
  reconnect: ReconnectPolicy;
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
  /** Why it failed or was cancelled, as a registered code with its params. */
  errorCode?: string | null;
  errorParams?: Record<string, unknown>;
  safety: string | null;
  /** Why the plan is held back, as a registered code with its params. */
  safetyCode?: string | null;
  safetyParams?: Record<string, unknown>;
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
  /** A reconnection proposal: the deactivated person the entry may be (login or e-mail match). */
  proposed: { userId: string; label: string; deactivatedOn: string | null } | null;
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

/** Person fields a source's attributes map onto (`groups` reads DN-valued attributes). */
export const SYNC_ATTRIBUTE_FIELDS = [
  'username',
  'givenName',
  'familyName',
  'middleName',
  'displayName',
  'email',
  'phone',
  'title',
  'department',
  'employeeId',
  'groups',
] as const;
export type SyncAttributeField = (typeof SYNC_ATTRIBUTE_FIELDS)[number];

/** A group whose members get spaces (by name) and an organization. */
export interface GroupMapping {
  group: string;
  spaces: string[];
  organization: string | null;
}

/** The connection settings of a source as the API takes and shows them (no password). */
export interface SourceConnection {
  kind: 'active-directory' | 'ldap';
  url: string;
  startTls?: boolean;
  allowPlain?: boolean;
  tls?: { ca?: string; caFile?: string; rejectUnauthorized?: boolean };
  bindDn: string;
  bindPasswordEnv?: string | null;
  /** Where people are searched: one or more subtrees, each searched and the results merged. */
  baseDns: string[];
  /** The older spelling of a single base DN: accepted in a body, never in an answer. */
  baseDn?: string;
  userFilter?: string;
  loginAttribute?: string;
  idAttribute?: string;
  groupBaseDn?: string | null;
  groupFilter?: string | null;
  groupMappings?: GroupMapping[];
  nestedGroups?: boolean;
  attributes?: Partial<Record<SyncAttributeField, string | string[] | null>>;
  timeoutMs?: number;
  pageSize?: number;
}

/** The body of POST / PATCH /directory-sources (`bindPassword` is write-only). */
export interface SourceBody {
  id?: string;
  name?: string;
  connection?: Partial<Record<keyof SourceConnection, unknown>>;
  /** A string sets or replaces the stored password, null clears it, absent keeps it. */
  bindPassword?: string | null;
  enabled?: boolean;
  schedule?: DirectorySourceRecord['schedule'];
  thresholds?: DirectorySourceRecord['thresholds'];
  correlateBy?: DirectorySourceRecord['correlateBy'];
  reconnect?: ReconnectPolicy;
}

/**
 * An admin's decision on a reconnection proposal: link the entry to the proposed person, create
 * a new person (the proposed one releases the login and e-mail), or ignore the entry.
 */
export type PlanDecision = 'link' | 'create' | 'ignore';

/** The answer of POST /sync-runs/:id/plan/:seq/decision: applied by the source's next run. */
export interface PlanDecisionRecord {
  runId: string;
  seq: number;
  sourceId: string;
  externalId: string;
  decision: PlanDecision;
  userId: string;
}

/** The steps of a connection test, in order. */
export const CONNECTION_TEST_STEPS = [
  'dns',
  'tcp',
  'tls',
  'bind',
  'root_dse',
  'base_dn',
  'filter',
  'mapping',
  'deletion_detection',
] as const;

/** One step of a connection test; `code` is stable, `message` is English. */
export interface ConnectionTestStep {
  step: string;
  ok: boolean;
  code: string;
  message: string;
  params: Record<string, string | number | boolean | null | string[]>;
  ms: number;
}

/** One directory entry read through the mapping by a connection test. */
export interface ConnectionTestPreview {
  dn: string;
  externalId: string | null;
  record: {
    username?: string | null;
    displayName?: string | null;
    email?: string | null;
    title?: string | null;
    organization?: string | null;
  };
  /** Values cut, dropped or unusable, and errors that would make the entry a conflict. */
  problems: string[];
}

/** The answer of DELETE /directory-sources/:id. */
export interface SourceDeletedRecord {
  id: string;
  name: string;
  /** People the source owned, now managed by hand (status, memberships and history kept). */
  releasedPeople: number;
  /** Runs that waited for an approval or an apply, cancelled with the source. */
  cancelledRuns: string[];
}

/** The answer of POST /directory-sources/:id/test. */
export interface ConnectionTestResult {
  ok: boolean;
  steps: ConnectionTestStep[];
  preview: ConnectionTestPreview[];
}
