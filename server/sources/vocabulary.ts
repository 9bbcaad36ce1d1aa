/*
 * The words of directory sync and HR imports that the server and the admin UI share. This
 * module imports nothing, so the UI can import it as it is (as server/audit/actions.ts).
 */

/** Kinds of LDAP directory a source can be. */
export const SOURCE_KINDS = ['active-directory', 'ldap'] as const;
/** What a run was asked to do. A dry run reads everything and stops after the plan. */
export const RUN_MODES = ['full', 'incremental', 'dry-run'] as const;
export type RunMode = (typeof RUN_MODES)[number];
/** Where a run is: `running` reads and plans; `planned` is the end of a dry run or a preview. */
export const RUN_STATUSES = [
  'running',
  'planned',
  'awaiting_approval',
  'applying',
  'succeeded',
  'failed',
  'cancelled',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** What a plan does to one person. */
export const PLAN_ACTIONS = [
  'create',
  'update',
  'deactivate',
  'suspend',
  'reactivate',
  'conflict',
  'unchanged',
] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

/** The attributes an HR import column can feed. */
export const IMPORT_FIELDS = [
  'fullName',
  'familyName',
  'givenName',
  'middleName',
  'title',
  'department',
  'phone',
  'email',
  'employeeId',
  'hireDate',
  'terminationDate',
  'suspended',
  'username',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
