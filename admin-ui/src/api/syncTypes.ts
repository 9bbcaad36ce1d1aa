import type { ApiBodies, ApiResponses } from './generated/openapi';

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
export const CORRELATION_KEYS = [
  'employeeId',
  'email',
  'username',
] as const satisfies readonly DirectorySourceRecord['correlateBy'][];

/**
 * How a re-created account or a rehire finds its person again (the server's
 * `RECONNECT_POLICIES`; docs/directory-sync.md, "Reconnection").
 */
export const RECONNECT_POLICIES = [
  'employeeId',
  'never',
] as const satisfies readonly DirectorySourceRecord['reconnect'][];
export type ReconnectPolicy = DirectorySourceRecord['reconnect'];

/** A directory source (no secrets: only whether a bind password is stored, and since when). */
export type DirectorySourceRecord = ApiResponses['getDirectorySource'];

/** A sync run. */
export type SyncRunRecord = ApiResponses['getSyncRun'];

/** One person's line of a run's plan. */
export type PlanItem = ApiResponses['getSyncRunPlan']['data'][number];

/** Delivery counts per connector of the messaging core's outbox. */
export type DeliverySummary = ApiResponses['summarizeCoreDeliveries'];

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

/** A source's connection settings of either kind, as the API shows them. */
type ConnectionOfKind = DirectorySourceRecord['connection'];

/**
 * The connection settings of a source as the API shows them (no password): the settings both
 * kinds have, and generic LDAP's own (`idAttribute`, `lockAttribute`) as optional.
 */
export type SourceConnection = Pick<ConnectionOfKind, keyof ConnectionOfKind> &
  Partial<Omit<Extract<ConnectionOfKind, { kind: 'ldap' }>, keyof ConnectionOfKind>>;

/** A group whose members get spaces (by name) and an organization. */
export type GroupMapping = NonNullable<SourceConnection['groupMappings']>[number];

/** The body of POST / PATCH /directory-sources (`bindPassword` is write-only). */
export type SourceBody = ApiBodies['updateDirectorySource'] & { id?: string };

/**
 * An admin's decision on a reconnection proposal: link the entry to the proposed person, create
 * a new person (the proposed one releases the login and e-mail), or ignore the entry.
 */
export type PlanDecision = 'link' | 'create' | 'ignore';

/** The answer of POST /sync-runs/:id/plan/:seq/decision: applied by the source's next run. */
export type PlanDecisionRecord = ApiResponses['decideSyncRunPlanItem'];

/** The answer of POST /directory-sources/:id/test. */
export type ConnectionTestResult = ApiResponses['testDirectorySource'];

/** One step of a connection test; `code` is stable, `message` is English. */
export type ConnectionTestStep = ConnectionTestResult['steps'][number];

/** One directory entry read through the mapping by a connection test. */
export type ConnectionTestPreview = ConnectionTestResult['preview'][number];

/** The answer of DELETE /directory-sources/:id. */
export type SourceDeletedRecord = ApiResponses['deleteDirectorySource'];
