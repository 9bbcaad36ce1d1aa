/**
 * Issue 18, "Done when": a scoped admin and a scoped staff member can do nothing outside their
 * organization subtree, through any API, list, export, bulk job or import.
 *
 * The route table below names every operation of the OpenAPI document the service serves; a
 * route added to the API and missing here fails the first test, so no route escapes the matrix.
 * Each operation is called by both scoped people, aimed at what lies outside their subtree (a
 * person of another branch, a space and an organization there), and:
 *  - `denied` operations must answer 403 or 404 (valid requests, so that validation does not
 *    stand in for authorization);
 *  - `filtered` operations (lists, exports, the caller's own things) may answer, but nothing of
 *    the other branch may appear in any answer at all (names, e-mails, logins are searched for in
 *    every body);
 *  - afterwards nothing outside the subtree has changed (the person, their memberships, their
 *    sessions and invitation, the space, the organization).
 * Positive controls show the same calls work inside the subtree, so the test can fail.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Action,
  accessibleWhere,
  asOrganizationSubject,
  asSpaceSubject,
  asUserSubject,
  defineAbilityFor,
  type SubjectName,
} from '../../server/authz/index.ts';
import type { User } from '../../server/directory/entities.ts';
import { drainBulkJobs } from '../../server/identity/bulkJobs/runner.ts';
import type { BulkJobView } from '../../server/identity/bulkJobs/schemas.ts';
import { drainRuns } from '../../server/sources/runs.ts';
import type { PlanItemView, RunView } from '../../server/sources/schemas.ts';
import { oneCFile, upload } from '../hr/importSupport.ts';
import type { ApiClient } from '../support/api.ts';
import {
  createDeviceSession,
  createOrganization,
  createPerson,
  signedIn,
  signIn,
} from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import { BULK_JOB_MS, waitUntil } from '../support/timeouts.ts';

// Started at load time: the route table's tests are generated from the served document.
const context: TestContext = await startTestContext();
let superadmin: ApiClient;
/** The scoped people under test: admin and staff of the Ural branch (and its subtree). */
const scoped: Record<'admin' | 'staff', ApiClient> = {} as Record<'admin' | 'staff', ApiClient>;

const tag = randomUUID().slice(0, 8);
/** Names unique to this run, searched for in every answer a scoped person gets. */
const OUTSIDE = {
  organization: `Московский офис ${tag}`,
  family: `Чужаков${tag}`,
  space: `Московские новости ${tag}`,
};

let ural: string;
let yekaterinburg: string;
let moscow: string;
let insider: User;
let outsider: User;
/** A second outside person holding a grant (for the grant routes). */
let outsideHolder: User;
let outsideGrantId: string;
let insideSpace: string;
let outsideSpace: string;
let outsideDeviceSession: string;
let outsideScheduledChange: string;
let superadminJob: string;

const organization = (name: string, parentId: string | null) =>
  createOrganization(context.services, name, parentId);

async function space(name: string, organizationId: string): Promise<string> {
  const created = await superadmin.post<{ id: string }>('/api/v1/spaces', {
    name,
    organizationId,
  });
  expect(created.status, created.text).toBe(201);
  return created.body.id;
}

async function grant(userId: string, role: 'admin' | 'staff', scope: string[]): Promise<string> {
  const granted = await superadmin.post<{ id: string }>(`/api/v1/users/${userId}/grants`, {
    role,
    scope,
    reason: 'Администратор филиала',
  });
  expect(granted.status, granted.text).toBe(201);
  return granted.body.id;
}

/** Everything outside the subtree that a scoped person must not be able to change. */
async function outsideState(): Promise<unknown> {
  const q = async (sql: string, params: unknown[]) =>
    (await context.services.pool.query(sql, params)).rows;
  return {
    people: await q(
      `select id, version, status, organization_id, role, rank, login_method, family_name
         from app_user where id = any($1::uuid[]) order by id`,
      [[outsider.id, outsideHolder.id]],
    ),
    memberships: await q(
      'select space_id, user_id from space_member where user_id = $1 or space_id = $2 order by 1, 2',
      [outsider.id, outsideSpace],
    ),
    sessions: await q('select id, revoked_at from device_session where user_id = $1 order by id', [
      outsider.id,
    ]),
    invitation: await q('select status, revoked_at from invitation where user_id = $1', [
      outsider.id,
    ]),
    grants: await q('select id, ended_at from role_grant where user_id = $1', [outsideHolder.id]),
    space: await q('select name, organization_id, version from space where id = $1', [
      outsideSpace,
    ]),
    organization: await q('select name, parent_id, version from organization where id = $1', [
      moscow,
    ]),
    scheduled: await q('select cancelled_at from scheduled_change where id = $1', [
      outsideScheduledChange,
    ]),
  };
}

let before: unknown;

beforeAll(async () => {
  ({ api: superadmin } = await signedIn(context, 'superadmin'));
  ural = await organization(`Уральский филиал ${tag}`, null);
  yekaterinburg = await organization(`Екатеринбург ${tag}`, ural);
  moscow = await organization(OUTSIDE.organization, null);
  insider = await createPerson(context.services, {
    organizationId: yekaterinburg,
    familyName: `Свояков${tag}`,
  });
  outsider = await createPerson(context.services, {
    organizationId: moscow,
    familyName: OUTSIDE.family,
    username: `outsider${tag}`,
    email: `outsider${tag}@corp.example`,
  });
  outsideHolder = await createPerson(context.services, {
    organizationId: moscow,
    familyName: `${OUTSIDE.family}Второй`,
  });
  outsideGrantId = await grant(outsideHolder.id, 'staff', [moscow]);
  // The scoped people sit in head office, outside the subtree they administer: a bulk job of
  // one of them over "everyone" must not reach the other.
  const headOffice = await organization(`Кадровая служба ${tag}`, null);
  for (const role of ['admin', 'staff'] as const) {
    const person = await createPerson(context.services, { organizationId: headOffice });
    await grant(person.id, role, [ural]);
    scoped[role] = await signIn(context, person);
  }
  insideSpace = await space(`Уральские новости ${tag}`, yekaterinburg);
  outsideSpace = await space(OUTSIDE.space, moscow);
  // The outsider is a member of a space inside the subtree too: its member list must hide them.
  for (const spaceId of [insideSpace, outsideSpace]) {
    const added = await superadmin.post(`/api/v1/spaces/${spaceId}/members`, {
      userIds: [outsider.id, insider.id],
    });
    expect(added.status, added.text).toBe(200);
  }
  outsideDeviceSession = (await createDeviceSession(context.services, outsider)).sessionId;
  const scheduled = await superadmin.post<{ id: string }>('/api/v1/scheduled-changes', {
    userId: outsider.id,
    kind: 'deactivate',
    date: '2099-01-31',
    reason: 'Перевод',
  });
  expect(scheduled.status, scheduled.text).toBe(201);
  outsideScheduledChange = scheduled.body.id;
  const job = await superadmin.post<BulkJobView>('/api/v1/bulk-jobs', {
    verb: 'activate',
    filter: { organizationId: moscow },
  });
  expect(job.status, job.text).toBe(202);
  superadminJob = job.body.id;
  await drainBulkJobs(context.services);
  before = await outsideState();
});

afterAll(async () => {
  await drainBulkJobs(context.services);
  await drainRuns(context.services);
  await context.close();
});

// ---------------------------------------------------------------------------------------------
// The route table: every operation of the API (read from the served OpenAPI document).
// ---------------------------------------------------------------------------------------------

type Outcome = 'denied' | 'filtered' | 'not back-office';
interface Call {
  outcome: Outcome;
  /** The request; `{name}` placeholders are filled by `fill`. */
  body?: unknown;
  query?: string;
  /**
   * A company-wide configuration body too large to write out here: its 400 (validation runs
   * before the command) is accepted; scoped roles hold no such right at all (checked on the
   * abilities below).
   */
  validatedFirst?: boolean;
}

const reason = 'Проверка границ филиала';
/** What each operation is called with, aimed outside the subtree. */
const ROUTES: Record<string, Call> = {
  // People: one person of another branch.
  getUser: { outcome: 'denied' },
  updateUser: { outcome: 'denied', body: { version: 1, title: 'Чужой' } },
  changeLoginMethod: { outcome: 'denied', body: { loginMethod: 'email_code' } },
  changeRole: { outcome: 'denied', body: { role: 'staff', reason } },
  deactivateUser: { outcome: 'denied', body: { reason } },
  suspendUser: { outcome: 'denied', body: { reason } },
  activateUser: { outcome: 'denied', body: {} },
  getStatusHistory: { outcome: 'denied' },
  getInvitation: { outcome: 'denied' },
  revokeInvitation: { outcome: 'denied', body: { reason } },
  approveInvitation: { outcome: 'denied', body: {} },
  showInvitationLink: { outcome: 'denied', body: {} },
  inviteUser: { outcome: 'denied', body: { locale: 'ru' } },
  resendInvitation: { outcome: 'denied', body: { locale: 'ru' } },
  getHeldAddresses: { outcome: 'denied' },
  approveDeliveryAddress: { outcome: 'denied', body: {} },
  issueEnrollmentLink: { outcome: 'denied', body: { reason } },
  sendPasswordReset: { outcome: 'denied', body: { reason } },
  resetSecondFactor: { outcome: 'denied', body: { reason } },
  listUserSessions: { outcome: 'denied' },
  revokeUserSession: { outcome: 'denied', body: { reason } },
  revokeAllUserSessions: { outcome: 'denied', body: { reason } },
  listRoleGrants: { outcome: 'denied' },
  grantRole: { outcome: 'denied', body: { role: 'staff', reason } },
  endRoleGrant: { outcome: 'denied', body: { reason } },
  // Creating a person in another branch.
  createUser: {
    outcome: 'denied',
    body: { familyName: 'Новиков', givenName: 'Олег', organizationId: '{moscow}' },
  },
  // Lists, exports and requests over many people: answers may come, the other branch never.
  listUsers: { outcome: 'filtered', query: '?limit=200' },
  exportUsers: { outcome: 'filtered', query: '?format=csv' },
  listBackofficeAccounts: { outcome: 'denied' },
  activateUsers: { outcome: 'filtered', body: { ids: ['{outsider}'], reason } },
  deactivateUsers: { outcome: 'filtered', body: { ids: ['{outsider}'], reason } },
  suspendUsers: { outcome: 'filtered', body: { ids: ['{outsider}'], reason } },
  startBulkJob: { outcome: 'filtered', body: { verb: 'suspend', filter: {}, reason } },
  listBulkJobs: { outcome: 'filtered' },
  getBulkJob: { outcome: 'denied' },
  getBulkJobReport: { outcome: 'denied' },
  cancelBulkJob: { outcome: 'denied', body: {} },
  startBulkInvitation: { outcome: 'filtered', body: { filter: {} } },
  getInvitationBatch: { outcome: 'denied' },
  getStatistics: { outcome: 'filtered' },
  getMe: { outcome: 'filtered' },
  listScheduledChanges: { outcome: 'filtered', query: '?state=all' },
  createScheduledChange: {
    outcome: 'denied',
    body: { userId: '{outsider}', kind: 'deactivate', date: '2099-02-28', reason },
  },
  cancelScheduledChange: { outcome: 'denied', body: { reason } },
  // Spaces and organizations of another branch.
  listSpaces: { outcome: 'filtered', query: '?limit=200' },
  getSpace: { outcome: 'denied' },
  createSpace: { outcome: 'denied', body: { name: 'Чужое', organizationId: '{moscow}' } },
  updateSpace: { outcome: 'denied', body: { version: 1, name: 'Переименовано' } },
  deleteSpace: { outcome: 'denied' },
  listSpaceMembers: { outcome: 'denied' },
  addSpaceMembers: { outcome: 'denied', body: { userIds: ['{insider}'] } },
  removeSpaceMember: { outcome: 'denied' },
  listOrganizations: { outcome: 'filtered', query: '?limit=200' },
  getOrganization: { outcome: 'denied' },
  createOrganization: {
    outcome: 'denied',
    body: { name: 'Новый отдел', kind: 'department', parentId: '{moscow}' },
  },
  updateOrganization: { outcome: 'denied', body: { version: 1, name: 'Переименовано' } },
  deleteOrganization: { outcome: 'denied' },
  // Imports: a scoped person may import; rows outside are blocked (tested below). Lists of
  // imports show files and counts, never people.
  uploadImport: { outcome: 'not back-office' },
  listImports: { outcome: 'filtered' },
  getImport: { outcome: 'denied' },
  getImportPlan: { outcome: 'denied' },
  applyImport: { outcome: 'denied', body: {} },
  discardImport: { outcome: 'denied', body: {} },
  // Company-wide things stay with company-wide roles.
  listAuditEvents: { outcome: 'denied' },
  exportAuditEvents: { outcome: 'denied' },
  getAuditEvent: { outcome: 'denied' },
  verifyAuditEvents: { outcome: 'denied', body: {} },
  getSiemStatus: { outcome: 'denied' },
  listCoreDeliveries: { outcome: 'denied' },
  summarizeCoreDeliveries: { outcome: 'denied' },
  retryCoreDelivery: { outcome: 'denied', body: {} },
  skipCoreDelivery: { outcome: 'denied', body: {} },
  listDirectorySources: { outcome: 'denied' },
  getDirectorySource: { outcome: 'denied' },
  createDirectorySource: {
    outcome: 'denied',
    body: { id: 'ad-branch', name: 'AD', connection: {} },
    validatedFirst: true,
  },
  updateDirectorySource: { outcome: 'denied', body: {} },
  deleteDirectorySource: { outcome: 'denied' },
  testDirectorySource: { outcome: 'denied', body: {} },
  syncDirectorySource: { outcome: 'denied', body: {} },
  listSyncRuns: { outcome: 'denied' },
  getSyncRun: { outcome: 'denied' },
  getSyncRunPlan: { outcome: 'denied' },
  decideSyncRunPlanItem: { outcome: 'denied', body: { decision: 'ignore' } },
  approveSyncRun: { outcome: 'denied', body: {} },
  cancelSyncRun: { outcome: 'denied', body: {} },
  getMailSettings: { outcome: 'denied' },
  sendTestMail: { outcome: 'denied', body: { to: 'check@corp.example' } },
  listMailMessages: { outcome: 'denied' },
  listScimTokens: { outcome: 'denied' },
  createScimToken: { outcome: 'denied', body: { name: 'HR' } },
  revokeScimToken: { outcome: 'denied' },
  // Access views (issue 18, scope 4): a person or space of another branch is refused; the
  // company views and their files list only the subtree's people.
  getPersonAccess: { outcome: 'denied' },
  exportPersonAccess: { outcome: 'denied' },
  exportSpaceMembers: { outcome: 'denied' },
  listAccessView: { outcome: 'filtered', query: '?limit=200' },
  exportAccessView: { outcome: 'filtered' },
  // Access reviews (issue 18, scope 5): campaigns are the superadmins'; a reviewer decides only
  // the items assigned to them (the scoped people have none).
  listReviewCampaigns: { outcome: 'denied' },
  createReviewCampaign: {
    outcome: 'denied',
    body: {
      name: 'Пересмотр филиала',
      kind: 'space_members',
      organizationId: '{moscow}',
      reviewerRule: 'named',
      reviewerId: '{insider}',
      dueAt: '2099-01-31T00:00:00Z',
    },
  },
  getReviewCampaign: { outcome: 'denied' },
  closeReviewCampaign: { outcome: 'denied', body: {} },
  getReviewReport: { outcome: 'denied' },
  listReviewItems: { outcome: 'filtered' },
  confirmReviewItems: { outcome: 'denied', body: { ids: ['999999999'] } },
  decideReviewItem: { outcome: 'denied', body: { decision: 'revoke' } },
  // Dual control (issue 18, scope 3): superadmins' and auditors' only.
  listConfigChanges: { outcome: 'denied' },
  getConfigChange: { outcome: 'denied' },
  approveConfigChange: { outcome: 'denied', body: {} },
  rejectConfigChange: { outcome: 'denied', body: { reason } },
  // Elevation (issue 18, scope 2): anyone with a role may ask (company-wide here: a request
  // names no other branch) and reads only their own; superadmins decide.
  requestElevation: {
    outcome: 'filtered',
    body: { role: 'admin', scope: [], durationMinutes: 60, reason },
  },
  listElevationRequests: { outcome: 'filtered' },
  getElevationRequest: { outcome: 'denied' },
  approveElevationRequest: { outcome: 'denied', body: {} },
  rejectElevationRequest: { outcome: 'denied', body: { reason } },
  getMyElevation: { outcome: 'filtered' },
  // The caller's own session: nothing of anyone else.
  logout: { outcome: 'not back-office' },
};

interface Operation {
  method: string;
  path: string;
  operationId: string;
  security: string | null;
}

/** Fills `{id}`-style parameters and `{name}` placeholders with what lies outside. */
function fill(text: string, operation: Operation): string {
  const idOf: Record<string, string> = {
    users: outsider.id,
    spaces: outsideSpace,
    organizations: moscow,
    'bulk-jobs': superadminJob,
    'scheduled-changes': outsideScheduledChange,
  };
  const segments = operation.path.split('/');
  return text
    .replace(/\{(\w+)\}/g, (whole, name: string) => {
      const index = segments.indexOf(whole);
      const owner = segments[index - 1] ?? '';
      if (name === 'id' && (owner === 'deliveries' || owner === 'items')) return '999999999';
      // A company view of people: the dormant (the outsider has never signed in).
      if (name === 'view') return 'dormant';
      if (name === 'id') return idOf[owner] ?? randomUUID();
      if (name === 'userId') return outsider.id;
      if (name === 'grantId') return outsideGrantId;
      if (name === 'sessionId') return outsideDeviceSession;
      if (name === 'seq') return '1';
      if (name === 'outsider') return outsider.id;
      if (name === 'insider') return insider.id;
      if (name === 'moscow') return moscow;
      return whole;
    })
    .replace(`/users/${outsider.id}/grants`, `/users/${outsideHolder.id}/grants`);
}

/** Whether an answer mentions anything of the other branch. */
function leaks(text: string): string | null {
  const lowered = text.toLowerCase();
  for (const marker of [
    OUTSIDE.family,
    OUTSIDE.organization,
    OUTSIDE.space,
    outsider.username ?? '',
    outsider.email ?? '',
  ])
    if (marker && lowered.includes(marker.toLowerCase())) return marker;
  return null;
}

const operations: Operation[] = await (async () => {
  const response = await fetch(`${context.baseUrl}/api/v1/openapi.json`);
  const document = (await response.json()) as {
    paths: Record<string, Record<string, { operationId: string; security?: object[] }>>;
  };
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      operationId: operation.operationId,
      security: Object.keys(operation.security?.[0] ?? {})[0] ?? null,
    })),
  );
})();
const backOffice = operations.filter((operation) => operation.security === 'session');

describe('the route table', () => {
  it('names every back-office operation the API serves, and nothing else', () => {
    const served = backOffice;
    const missing = served.map((o) => o.operationId).filter((id) => !(id in ROUTES));
    expect(missing, 'operations missing from ROUTES').toEqual([]);
    const stale = Object.keys(ROUTES).filter((id) => !served.some((o) => o.operationId === id));
    expect(stale, 'ROUTES naming no served operation').toEqual([]);
  });
});

describe.each(['admin', 'staff'] as const)('a scoped %s', (role) => {
  it.each(
    backOffice.filter((operation) => ROUTES[operation.operationId]?.outcome !== 'not back-office'),
  )('$operationId ($method $path): nothing outside the subtree', async (operation) => {
    const call = ROUTES[operation.operationId];
    expect(call, `${operation.operationId} is in ROUTES`).toBeDefined();
    if (!call) return;
    // The document's paths carry the /api/v1 prefix already.
    const path = `${fill(operation.path, operation)}${call.query ?? ''}`;
    const body =
      call.body === undefined ? undefined : JSON.parse(fill(JSON.stringify(call.body), operation));
    const response = await scoped[role].request(operation.method, path, { body });
    expect(response.status, response.text).toBeLessThan(500);
    // A call that reached no route proves nothing.
    expect(response.text).not.toContain('route_not_found');
    const denials = call.validatedFirst ? [400, 403, 404] : [403, 404];
    if (call.outcome === 'denied') expect(denials, response.text).toContain(response.status);
    const { instance: _, ...shown } =
      typeof response.body === 'object' && response.body !== null
        ? (response.body as Record<string, unknown>)
        : { instance: null };
    expect(leaks(typeof response.body === 'string' ? response.text : JSON.stringify(shown))).toBe(
      null,
    );
  });
});

describe('after every call of both scoped people', () => {
  it('nothing outside the subtree has changed', async () => {
    await drainBulkJobs(context.services);
    expect(await outsideState()).toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------------
// Positive controls and the doors that act on many people.
// ---------------------------------------------------------------------------------------------

describe('inside the subtree', () => {
  it('the same calls work: card, lists, spaces, members, organizations', async () => {
    const api = scoped.admin;
    expect((await api.get(`/api/v1/users/${insider.id}`)).status).toBe(200);
    const users = await api.get<{ data: { id: string }[] }>('/api/v1/users?limit=200');
    expect(users.body.data.map((row) => row.id)).toContain(insider.id);
    const spaces = await api.get<{ data: { id: string }[] }>('/api/v1/spaces?limit=200');
    expect(spaces.body.data.map((row) => row.id)).toEqual([insideSpace]);
    const members = await api.get<{ data: { userId: string }[] }>(
      `/api/v1/spaces/${insideSpace}/members`,
    );
    expect(members.status).toBe(200);
    expect(members.body.data.map((row) => row.userId)).toEqual([insider.id]);
    const tree = await api.get<{ data: { id: string }[] }>('/api/v1/organizations?tree=true');
    expect(tree.body.data.map((row) => row.id).sort()).toEqual([ural, yekaterinburg].sort());
    expect((await api.get(`/api/v1/organizations/${yekaterinburg}`)).status).toBe(200);
    // An outside id among people to add is as unknown as a missing one.
    const add = await api.post<{ code: string }>(`/api/v1/spaces/${insideSpace}/members`, {
      userIds: [outsider.id],
    });
    expect(add.status).toBe(422);
    expect(add.body.code).toBe('unknown_users');
    const me = await api.get<{ grants: { role: string; scope: { id: string; name: string }[] }[] }>(
      '/api/v1/me',
    );
    expect(me.body.grants).toEqual([
      { role: 'admin', scope: [{ id: ural, name: `Уральский филиал ${tag}` }], expiresAt: null },
    ]);
  });

  it('the dashboard counts the people of the subtree only', async () => {
    // The matrix's bulk jobs (suspend everyone in reach) end first: the count is then stable.
    await drainBulkJobs(context.services);
    const { rows } = await context.services.pool.query<{ n: number }>(
      `select count(*)::int as n from app_user
        where status = 'active' and organization_id = any($1::uuid[])`,
      [[ural, yekaterinburg]],
    );
    const stats = await scoped.admin.get<{ people: { secondFactor: { active: number } } }>(
      '/api/v1/statistics',
    );
    expect(stats.status).toBe(200);
    expect(stats.body.people.secondFactor.active).toBe(rows[0]?.n);
  });

  it('creating a person needs their organization inside the subtree', async () => {
    const inside = await scoped.staff.post('/api/v1/users', {
      familyName: 'Новикова',
      givenName: 'Анна',
      organizationId: yekaterinburg,
    });
    expect(inside.status, inside.text).toBe(201);
    const nowhere = await scoped.staff.post('/api/v1/users', {
      familyName: 'Ничейный',
      givenName: 'Олег',
    });
    expect(nowhere.status).toBe(403);
  });
});

describe('moving people across scopes', () => {
  it('needs the right where the person is and where they go', async () => {
    const person = await createPerson(context.services, { organizationId: yekaterinburg });
    const move = (to: string, version: number) =>
      scoped.admin.patch<{ version: number; organizationId: string }>(
        `/api/v1/users/${person.id}`,
        { version, organizationId: to },
      );
    const out = await move(moscow, 1);
    expect(out.status, out.text).toBe(403);
    const within = await move(ural, 1);
    expect(within.status, within.text).toBe(200);
    // A superadmin moves them out: the scoped admin loses them at once.
    const away = await superadmin.patch(`/api/v1/users/${person.id}`, {
      version: within.body.version,
      organizationId: moscow,
    });
    expect(away.status).toBe(200);
    expect((await scoped.admin.get(`/api/v1/users/${person.id}`)).status).toBe(403);
  });

  it('a bulk move to another branch is refused at the start; within the subtree it runs', async () => {
    const refused = await scoped.admin.post('/api/v1/bulk-jobs', {
      verb: 'move',
      filter: { organizationId: yekaterinburg },
      organizationId: moscow,
    });
    expect(refused.status, refused.text).toBe(403);
    const person = await createPerson(context.services, { organizationId: yekaterinburg });
    const job = await scoped.admin.post<BulkJobView>('/api/v1/bulk-jobs', {
      verb: 'move',
      filter: { q: person.familyName },
      organizationId: ural,
    });
    expect(job.status, job.text).toBe(202);
    const done = await waitForJob(scoped.admin, job.body.id);
    expect(done.ok).toBe(1);
  });
});

async function waitForJob(api: ApiClient, id: string): Promise<BulkJobView> {
  let job: BulkJobView | undefined;
  await waitUntil(`bulk job ${id} to end`, BULK_JOB_MS, async () => {
    const response = await api.get<BulkJobView>(`/api/v1/bulk-jobs/${id}`);
    expect(response.status).toBe(200);
    job = response.body;
    return job.status !== 'running' && job.status !== 'queued';
  });
  return job as BulkJobView;
}

describe('a bulk job over a filter that would reach outside', () => {
  it('acts on the subtree only, also on someone moved out after the start', async () => {
    const name = `Общий${tag}`;
    const inside = await createPerson(context.services, {
      organizationId: yekaterinburg,
      familyName: name,
    });
    const leaving = await createPerson(context.services, {
      organizationId: ural,
      familyName: name,
    });
    const outside = await createPerson(context.services, {
      organizationId: moscow,
      familyName: name,
    });
    const job = await scoped.staff.post<BulkJobView>('/api/v1/bulk-jobs', {
      verb: 'deactivate',
      filter: { q: name },
      reason,
    });
    expect(job.status, job.text).toBe(202);
    expect(job.body.total).toBe(2);
    // Moved out between the start and its chunk: the chunk re-checks and skips them. The job
    // may already have run; either way the person outside is never touched.
    await context.services.pool.query('update app_user set organization_id = $1 where id = $2', [
      moscow,
      leaving.id,
    ]);
    await waitForJob(scoped.staff, job.body.id);
    const { rows } = await context.services.pool.query<{ id: string; status: string }>(
      'select id, status from app_user where id = any($1::uuid[])',
      [[inside.id, outside.id]],
    );
    const status = new Map(rows.map((row) => [row.id, row.status]));
    expect(status.get(inside.id)).toBe('deactivated');
    expect(status.get(outside.id)).toBe('active');
  });
});

describe('an HR import by a scoped admin', () => {
  it('blocks rows outside the subtree: new people elsewhere, changes and moves of others', async () => {
    const inPlace = await createPerson(context.services, {
      organizationId: yekaterinburg,
      email: `stay${tag}@corp.example`,
      familyName: 'Оставшийся',
      givenName: 'Пётр',
    });
    const row = (number: string, extra: Record<string, string>) => ({
      number,
      family: 'Кузнецов',
      given: 'Пётр',
      middle: 'Сергеевич',
      title: 'Инженер',
      department: `Екатеринбург ${tag}`,
      phone: '',
      email: `n${number}${tag}@corp.example`,
      hired: '01.02.2020',
      ...extra,
    });
    const preview = await upload<RunView>(scoped.admin, {
      file: oneCFile([
        row('9101', { family: 'Свой' }),
        row('9102', { family: 'Чужой', department: OUTSIDE.organization }),
        row('9103', {
          family: outsider.familyName,
          given: outsider.givenName,
          email: outsider.email ?? '',
          title: 'Переписан',
          department: OUTSIDE.organization,
        }),
        row('9104', {
          family: inPlace.familyName,
          given: inPlace.givenName,
          email: inPlace.email ?? '',
          department: OUTSIDE.organization,
        }),
      ]),
    });
    expect(preview.status, preview.text).toBe(201);
    const plan = await scoped.admin.get<{ data: PlanItemView[] }>(
      `/api/v1/imports/${preview.body.id}/plan?limit=200`,
    );
    const byLocator = (family: string) =>
      plan.body.data.find((item) => item.label?.includes(family));
    expect(byLocator('Свой')?.blocked ?? null).toBeNull();
    expect(byLocator('Чужой')).toMatchObject({
      action: 'create',
      blocked: 'outside_scope',
      blockedNote: { code: 'blocked_outside_scope', params: {} },
    });
    expect(byLocator(outsider.familyName)?.blocked).toBe('outside_scope');
    expect(byLocator(inPlace.familyName)?.blocked).toBe('outside_scope');
    const applied = await scoped.admin.post<RunView>(
      `/api/v1/imports/${preview.body.id}/apply?wait=true`,
    );
    expect(applied.status, applied.text).toBe(202);
    const { rows } = await context.services.pool.query<{ family_name: string; org: string }>(
      `select family_name, organization_id::text as org from app_user
        where employee_number in ('9101', '9102') or id = any($1::uuid[])`,
      [[outsider.id, inPlace.id]],
    );
    const orgOf = new Map(rows.map((r) => [r.family_name, r.org]));
    expect(orgOf.get('Свой')).toBe(yekaterinburg);
    expect(orgOf.has('Чужой')).toBe(false);
    expect(orgOf.get(outsider.familyName)).toBe(moscow);
    expect(orgOf.get(inPlace.familyName)).toBe(yekaterinburg);
  });
});

// ---------------------------------------------------------------------------------------------
// The abilities themselves: what scoped roles hold on things that are not people or spaces.
// ---------------------------------------------------------------------------------------------

describe('scoped abilities on company-wide things', () => {
  const scope = ['00000000-0000-4000-8000-0000000000aa'];
  const of = (role: 'admin' | 'staff') =>
    defineAbilityFor({
      userId: '00000000-0000-4000-8000-0000000000bb',
      role: null,
      grants: [{ role, organizations: scope, expiresAt: null, grantId: 'g' }],
    });
  /** What a scoped role may do on subjects that carry no organization (by hand, from DESIGN.md). */
  const EXPECTED: Record<'admin' | 'staff', Partial<Record<SubjectName, readonly Action[]>>> = {
    admin: { Import: ['read', 'create'], ScheduledChange: ['read', 'create', 'delete'] },
    staff: { Import: ['read', 'create'], ScheduledChange: ['read', 'create', 'delete'] },
  };
  const COMPANY_WIDE: readonly SubjectName[] = [
    'BackofficeAccount',
    'RoleGrant',
    'AuditEvent',
    'DirectorySource',
    'SyncRun',
    'CoreDelivery',
    'Import',
    'ScimToken',
    'ScheduledChange',
    'MailSettings',
    'MailMessage',
    'SiemStream',
  ];
  const ACTIONS: readonly Action[] = [
    'read',
    'create',
    'update',
    'delete',
    'grant',
    'manageMembers',
    'export',
    'verify',
    'configure',
    'run',
    'approve',
    'retry',
  ];
  it.each(
    (['admin', 'staff'] as const).flatMap((role) =>
      COMPANY_WIDE.map((subjectType) => ({ role, subjectType })),
    ),
  )('a scoped $role on $subjectType', ({ role, subjectType }) => {
    const ability = of(role);
    const allowed = ACTIONS.filter((action) => ability.can(action, subjectType));
    expect(allowed).toEqual(EXPECTED[role][subjectType] ?? []);
  });

  it('organizations, spaces and people are reached inside the scope only, as SQL filters too', () => {
    const ability = of('admin');
    const [inside] = scope;
    const outside = '00000000-0000-4000-8000-0000000000cc';
    for (const organizationId of [inside ?? '', outside, null]) {
      const expected = organizationId === inside;
      const person = { id: 'p', rank: 0, organizationId };
      expect(ability.can('read', asUserSubject(person))).toBe(expected);
      expect(ability.can('deactivate', asUserSubject(person))).toBe(expected);
      expect(ability.can('manageMembers', asSpaceSubject({ id: 's', organizationId }))).toBe(
        expected,
      );
    }
    expect(ability.can('read', asOrganizationSubject({ id: inside ?? '' }))).toBe(true);
    expect(ability.can('read', asOrganizationSubject({ id: outside }))).toBe(false);
    expect(accessibleWhere(ability, 'read', 'User')).toEqual({
      $or: [{ organizationId: { $in: scope } }],
    });
  });
});
