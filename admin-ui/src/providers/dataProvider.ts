import {
  type CreateParams,
  type DataProvider,
  type DeleteManyParams,
  type DeleteParams,
  type GetListParams,
  type GetManyParams,
  type GetManyReferenceParams,
  type GetOneParams,
  HttpError,
  type Identifier,
  type RaRecord,
  type UpdateParams,
} from 'react-admin';
import { call, nonEmpty, type Operation } from '../api/call';
import { type ConfigChangeRecord, isPendingChange } from '../api/configChangeTypes';
import type { ApiBodies, ApiResponses } from '../api/generated/openapi';
import type {
  CreatedScimToken,
  ImportMapping,
  ImportRunRecord,
  ImportScope,
  ScheduledChangeRecord,
} from '../api/hrTypes';
import type { ProblemErrorBody } from '../api/http';
import { api, problemFieldErrors, upload } from '../api/http';
import { queryString } from '../api/paths';
import type {
  ConnectionTestResult,
  DeliverySummary,
  PlanAction,
  PlanDecision,
  PlanDecisionRecord,
  PlanItem,
  RunMode,
  SourceDeletedRecord,
  SyncRunRecord,
} from '../api/syncTypes';
import type {
  BulkStatusAction,
  BulkStatusResult,
  LoginMethod,
  Page,
  Role,
  SessionRecord,
  UserRecord,
} from '../api/types';
import { submissionErrors } from '../resources/sources/sourceForm';
import { RESOURCES, type ResourceSpec } from './resources';

function spec(resource: string): ResourceSpec {
  const found = RESOURCES[resource];
  if (!found) throw new Error(`Unknown resource ${resource}`);
  return found;
}

/** Adds what react-admin inputs need (`organizationId` for a person's organization). */
function normalize(resource: string, record: Record<string, unknown>): RaRecord {
  const row = record as RaRecord;
  // An access view's rows are people: their id is the person's.
  if (resource.startsWith('access-')) return { ...row, id: record.userId as string };
  if (resource === 'users' || resource === 'backoffice-accounts') {
    const organization = record.organization as { id: string } | null | undefined;
    return { ...row, organizationId: organization?.id ?? null };
  }
  return row;
}

function filterParams(allowed: readonly string[], filter: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const key of allowed) {
    const value = filter[key];
    if (value === undefined || value === null || value === '') continue;
    out[key] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}

function listQuery(s: ResourceSpec, params: Partial<GetListParams>): string {
  const { page = 1, perPage = 25 } = params.pagination ?? {};
  const sort = params.sort && s.sorts ? s.sorts[params.sort.field] : undefined;
  return queryString({
    ...filterParams(s.filters, params.filter ?? {}),
    offset: (page - 1) * perPage,
    limit: perPage,
    ...(sort ? { sort, order: params.sort?.order === 'DESC' ? 'desc' : 'asc' } : {}),
  });
}

/** The body of a create/update: only writable fields, empty nullable values as null. */
function bodyOf(
  s: ResourceSpec,
  data: Record<string, unknown>,
  previous?: Record<string, unknown>,
) {
  const body: Record<string, unknown> = {};
  for (const key of s.writable ?? []) {
    if (!(key in data)) continue;
    let value = data[key];
    if (value === '' || value === undefined) value = s.nullable?.includes(key) ? null : undefined;
    if (value === undefined) continue;
    if (previous && (previous[key] ?? null) === value) continue;
    body[key] = value;
  }
  return body;
}

async function listSessions(userId: Identifier, query: string) {
  const page = await api<Page<Omit<SessionRecord, 'userId'>>>(
    'GET',
    `/users/${encodeURIComponent(String(userId))}/sessions${query}`,
  );
  return { data: page.data.map((row) => ({ ...row, userId: String(userId) })), total: page.total };
}

async function listMembers(spaceId: Identifier, query: string) {
  const page = await api<Page<{ userId: string }>>(
    'GET',
    `/spaces/${encodeURIComponent(String(spaceId))}/members${query}`,
  );
  return { data: page.data.map((row) => ({ ...row, id: row.userId, spaceId })), total: page.total };
}

const id = (value: Identifier) => encodeURIComponent(String(value));

/** The operation behind each bulk status change of the people's list. */
const BULK_STATUS_OPERATIONS = {
  deactivate: 'deactivateUsers',
  suspend: 'suspendUsers',
  activate: 'activateUsers',
} as const satisfies Record<BulkStatusAction, Operation>;

/**
 * Creates or changes a directory source: the body is the one the form's transform built (its
 * write-only `bindPassword` included as is); field errors come back keyed by form path, so the
 * form shows each under its field.
 */
async function writeSource(method: 'POST' | 'PATCH', path: string, body: Record<string, unknown>) {
  try {
    return await api<Record<string, unknown>>(method, path, body);
  } catch (error) {
    const fieldErrors = problemFieldErrors(error);
    if (!(error instanceof HttpError) || fieldErrors.length === 0) throw error;
    throw new HttpError(error.message, error.status, {
      ...(error.body as ProblemErrorBody),
      errors: { ...submissionErrors(fieldErrors), root: { serverError: error.message } },
    });
  }
}

/** The actions on people and spaces beyond CRUD; each answers what the API answers. */
export interface CustomMethods {
  deactivate(userId: Identifier, reason: string): Promise<UserRecord>;
  activate(userId: Identifier, reason?: string): Promise<UserRecord>;
  suspend(userId: Identifier, reason: string): Promise<UserRecord>;
  /** One request for many people; the server answers who changed and who was skipped, why. */
  bulkStatus(
    action: BulkStatusAction,
    userIds: Identifier[],
    reason?: string,
  ): Promise<BulkStatusResult>;
  statusHistory(userId: Identifier): Promise<ApiResponses['getStatusHistory']>;
  setLoginMethod(
    userId: Identifier,
    loginMethod: LoginMethod,
  ): Promise<ApiResponses['changeLoginMethod']>;
  setRole(userId: Identifier, role: Role | null, reason?: string): Promise<UserRecord>;
  resetSecondFactor(userId: Identifier, reason: string): Promise<ApiResponses['resetSecondFactor']>;
  revokeAllSessions(
    userId: Identifier,
    reason: string,
  ): Promise<ApiResponses['revokeAllUserSessions']>;
  /** A reason is needed (422 `reason_required`) when the person already has credentials. */
  issueEnrollmentLink(
    userId: Identifier,
    reason?: string,
  ): Promise<ApiResponses['issueEnrollmentLink']>;
  /** Mails the person a link to set a new password; only the masked address comes back. */
  sendPasswordReset(userId: Identifier, reason: string): Promise<ApiResponses['sendPasswordReset']>;
  addSpaceMembers(spaceId: Identifier, userIds: string[]): Promise<ApiResponses['addSpaceMembers']>;
  verifyAudit(): Promise<ApiResponses['verifyAuditEvents']>;
  countUsers(filter: Record<string, string>): Promise<number>;
  syncSource(sourceId: Identifier, mode: RunMode): Promise<SyncRunRecord>;
  /** Connects, binds and reads a few entries through the mapping; nothing is stored. */
  testSource(sourceId: Identifier): Promise<ConnectionTestResult>;
  /** Deletes a disabled API source; its people are released to manual management. */
  deleteSource(sourceId: Identifier): Promise<SourceDeletedRecord | ConfigChangeRecord>;
  /** A second superadmin's word on a pending configuration change (dual control, issue 18). */
  approveConfigChange(changeId: Identifier): Promise<ConfigChangeRecord>;
  rejectConfigChange(changeId: Identifier, reason: string): Promise<ConfigChangeRecord>;
  approveRun(runId: Identifier): Promise<SyncRunRecord>;
  cancelRun(runId: Identifier): Promise<SyncRunRecord>;
  /** An admin's decision on a plan item's reconnection proposal, applied by the next run. */
  decidePlanItem(
    runId: Identifier,
    seq: number,
    decision: PlanDecision,
  ): Promise<PlanDecisionRecord>;
  /** A run's plan; an import's through `/imports` (whose readers may not read sync runs). */
  getPlan(runId: Identifier, query: PlanQuery, base?: PlanBase): Promise<Page<PlanItem>>;
  listRuns(query: Record<string, string | number>): Promise<Page<SyncRunRecord>>;
  deliverySummary(): Promise<DeliverySummary>;
  uploadImport(file: File, scope: ImportScope, mapping?: ImportMapping): Promise<ImportRunRecord>;
  applyImport(runId: Identifier): Promise<ImportRunRecord>;
  discardImport(runId: Identifier): Promise<ImportRunRecord>;
  createScimToken(name: string): Promise<CreatedScimToken>;
  revokeScimToken(tokenId: Identifier): Promise<unknown>;
  scheduleChange(input: ScheduleInput): Promise<ScheduledChangeRecord>;
  cancelScheduledChange(changeId: Identifier): Promise<ScheduledChangeRecord>;
  listScheduledChanges(
    query: Record<string, string | number>,
  ): Promise<Page<ScheduledChangeRecord>>;
}

/** Where a plan is read: a sync run's or an import's. */
export type PlanBase = 'sync-runs' | 'imports';

/**
 * A status change of a person planned for a date (YYYY-MM-DD): through the console and the API,
 * a deactivation (activations are planned by HR's hire dates).
 */
export type ScheduleInput = ApiBodies['createScheduledChange'];

/** A page of a run's plan, optionally one action only or matching a text. */
export interface PlanQuery {
  action?: PlanAction;
  q?: string;
  offset: number;
  limit: number;
}

/** The app's data provider: react-admin's methods plus {@link CustomMethods}. */
export type AppDataProvider = DataProvider & CustomMethods;

const core = {
  async getList(resource: string, params: GetListParams) {
    const s = spec(resource);
    const page = await api<Page<Record<string, unknown>>>(
      'GET',
      `${s.path}${listQuery(s, params)}`,
    );
    const data = page.data.map((row) => normalize(resource, row));
    // A broad search stops counting (`totalIsEstimate`: the total is a lower bound): the list
    // pages on without a last page («1–25 из более чем 25»), and "everyone matching" asks for
    // the exact count when it needs one (useMatchingCount).
    if (page.totalIsEstimate) {
      const { page: number, perPage } = params.pagination ?? { page: 1, perPage: data.length };
      return {
        data,
        pageInfo: { hasNextPage: data.length >= perPage, hasPreviousPage: number > 1 },
      };
    }
    // Short lists (SCIM tokens) come whole, without a total.
    const total = page.total ?? page.data.length;
    return { data, total };
  },
  async getOne(resource: string, params: GetOneParams) {
    const row = await api<Record<string, unknown>>(
      'GET',
      `${spec(resource).path}/${id(params.id)}`,
    );
    return { data: normalize(resource, row) };
  },
  async getMany(resource: string, params: GetManyParams) {
    const path = spec(resource === 'backoffice-accounts' ? 'users' : resource).path;
    const rows = await Promise.all(
      params.ids.map((one) => api<Record<string, unknown>>('GET', `${path}/${id(one)}`)),
    );
    return { data: rows.map((row) => normalize(resource, row)) };
  },
  async getManyReference(resource: string, params: GetManyReferenceParams) {
    const query = listQuery({ path: '', filters: ['q'] }, params);
    if (resource === 'user-sessions') return listSessions(params.id, query);
    if (resource === 'space-members') return listMembers(params.id, query);
    const s = spec(resource);
    const filter = { ...params.filter, [params.target]: params.id };
    const page = await api<Page<Record<string, unknown>>>(
      'GET',
      `${s.path}${listQuery(s, { ...params, filter })}`,
    );
    return { data: page.data.map((row) => normalize(resource, row)), total: page.total };
  },
  async create(resource: string, params: CreateParams) {
    const s = spec(resource);
    if (resource === 'directory-sources') {
      const row = await writeSource('POST', s.path, params.data);
      // Waiting for a second superadmin (202): the source does not exist yet.
      if (isPendingChange(row))
        return { data: { id: String(params.data.id ?? ''), pendingChange: row } };
      return { data: normalize(resource, row) };
    }
    const row = await api<Record<string, unknown>>('POST', s.path, bodyOf(s, params.data));
    return { data: normalize(resource, row) };
  },
  async update(resource: string, params: UpdateParams) {
    const s = spec(resource);
    const previous = params.previousData as Record<string, unknown>;
    if (resource === 'directory-sources') {
      const { id: _id, ...body } = params.data as Record<string, unknown>;
      const row = await writeSource('PATCH', `${s.path}/${id(params.id)}`, body);
      // Waiting for a second superadmin (202): the source is as it was.
      if (isPendingChange(row)) return { data: { ...previous, id: params.id, pendingChange: row } };
      return { data: normalize(resource, row) };
    }
    const body = { ...bodyOf(s, params.data, previous), version: previous.version };
    const row = await api<Record<string, unknown>>('PATCH', `${s.path}/${id(params.id)}`, body);
    return { data: normalize(resource, row) };
  },
  async updateMany() {
    throw new Error('Not supported');
  },
  async delete(resource: string, params: DeleteParams) {
    const previous = (params.previousData ?? {}) as Record<string, unknown>;
    if (resource === 'user-sessions') {
      // One session is revoked with a reason (required by the server), passed as `meta.reason`.
      await call('revokeUserSession', {
        params: { id: String(previous.userId), sessionId: String(params.id) },
        body: { reason: (params.meta as { reason?: string } | undefined)?.reason ?? '' },
      });
    } else if (resource === 'space-members') {
      await call('removeSpaceMember', {
        params: { id: String(previous.spaceId), userId: String(params.id) },
      });
    } else {
      await api('DELETE', `${spec(resource).path}/${id(params.id)}`);
    }
    return { data: { ...previous, id: params.id } };
  },
  async deleteMany(resource: string, params: DeleteManyParams) {
    await Promise.all(params.ids.map((one) => api('DELETE', `${spec(resource).path}/${id(one)}`)));
    return { data: params.ids };
  },
};

/**
 * react-admin data provider for `/api/v1`: pagination and sort become `offset`/`limit`/`sort`/
 * `order`, filters become query parameters, updates are PATCHes of the changed fields with the
 * `version` last read, and errors are problem+json mapped to react-admin errors.
 */
export const dataProvider: AppDataProvider = {
  // The methods are written for plain records; react-admin's signatures are generic over them.
  ...(core as unknown as DataProvider),
  deactivate: (userId, reason) =>
    call('deactivateUser', { params: { id: String(userId) }, body: { reason } }),
  activate: (userId, reason) =>
    call('activateUser', { params: { id: String(userId) }, body: reason ? { reason } : {} }),
  suspend: (userId, reason) =>
    call('suspendUser', { params: { id: String(userId) }, body: { reason } }),
  bulkStatus: (action, userIds, reason) =>
    call(BULK_STATUS_OPERATIONS[action], {
      body: { ids: nonEmpty(userIds.map(String)), ...(reason ? { reason } : {}) },
    }),
  statusHistory: (userId) => call('getStatusHistory', { params: { id: String(userId) } }),
  setLoginMethod: (userId, loginMethod) =>
    call('changeLoginMethod', { params: { id: String(userId) }, body: { loginMethod } }),
  setRole: (userId, role, reason) =>
    call('changeRole', {
      params: { id: String(userId) },
      body: reason ? { role, reason } : { role },
    }),
  resetSecondFactor: (userId, reason) =>
    call('resetSecondFactor', { params: { id: String(userId) }, body: { reason } }),
  revokeAllSessions: (userId, reason) =>
    call('revokeAllUserSessions', { params: { id: String(userId) }, body: { reason } }),
  issueEnrollmentLink: (userId, reason) =>
    call('issueEnrollmentLink', {
      params: { id: String(userId) },
      body: reason ? { reason } : {},
    }),
  sendPasswordReset: (userId, reason) =>
    call('sendPasswordReset', { params: { id: String(userId) }, body: { reason } }),
  addSpaceMembers: (spaceId, userIds) =>
    call('addSpaceMembers', {
      params: { id: String(spaceId) },
      body: { userIds: nonEmpty(userIds) },
    }),
  verifyAudit: () => call('verifyAuditEvents'),
  syncSource: (sourceId, mode) =>
    call('syncDirectorySource', { params: { id: String(sourceId) }, body: { mode } }),
  testSource: (sourceId) =>
    call('testDirectorySource', { params: { id: String(sourceId) }, body: {} }),
  deleteSource: (sourceId) => call('deleteDirectorySource', { params: { id: String(sourceId) } }),
  approveRun: (runId) => call('approveSyncRun', { params: { id: String(runId) } }),
  approveConfigChange: (changeId) =>
    call('approveConfigChange', { params: { id: String(changeId) } }),
  rejectConfigChange: (changeId, reason) =>
    call('rejectConfigChange', { params: { id: String(changeId) }, body: { reason } }),
  cancelRun: (runId) => call('cancelSyncRun', { params: { id: String(runId) } }),
  decidePlanItem: (runId, seq, decision) =>
    call('decideSyncRunPlanItem', {
      params: { id: String(runId), seq: String(seq) },
      body: { decision },
    }),
  getPlan: (runId, query, base = 'sync-runs') =>
    base === 'imports'
      ? call('getImportPlan', { params: { id: String(runId) }, query })
      : call('getSyncRunPlan', { params: { id: String(runId) }, query }),
  listRuns: (query) => call('listSyncRuns', { query }),
  deliverySummary: () => call('summarizeCoreDeliveries'),
  uploadImport(file, scope, mapping) {
    const form = new FormData();
    form.append('scope', scope);
    if (mapping) form.append('mapping', JSON.stringify(mapping));
    // The file last: a streaming multipart parser has read the other fields by then.
    form.append('file', file, file.name);
    return upload('/imports', form);
  },
  applyImport: (runId) => call('applyImport', { params: { id: String(runId) } }),
  discardImport: (runId) => call('discardImport', { params: { id: String(runId) } }),
  createScimToken: (name) => call('createScimToken', { body: { name } }),
  revokeScimToken: (tokenId) => call('revokeScimToken', { params: { id: String(tokenId) } }),
  scheduleChange: (input) => call('createScheduledChange', { body: input }),
  cancelScheduledChange: (changeId) =>
    call('cancelScheduledChange', { params: { id: String(changeId) }, body: {} }),
  listScheduledChanges: (query) => call('listScheduledChanges', { query }),
  async countUsers(filter) {
    return (await call('listUsers', { query: { ...filter, limit: 1 } })).total;
  },
};
