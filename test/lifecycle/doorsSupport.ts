import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { coreKey, createDeviceSession } from '../core/deviceSessions.ts';
import { upload } from '../hr/importSupport.ts';
import { CONFIG_TOKEN, HR, ScimClient, scimUser } from '../hr/scimSupport.ts';
import { GOOD_PASSWORD } from '../identity/loginFlow.ts';
import { messengerLogIn, startMessenger } from '../identity/messengerFlow.ts';
import { ApiClient, type ApiResponse } from '../support/api.ts';
import { createPerson, signedIn, signIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import {
  addLdapPerson,
  type LdapPerson,
  ldapPersonDn,
  modifyLdapEntry,
  type OpenLdap,
} from '../support/openldap.ts';
import { drainRuns, fireDueChanges } from './serverEntryPoints.ts';

/*
 * The door × verb table of issue 11 (docs/lifecycle.md): whatever door a status change enters
 * by, the person's artefacts end, the core hears it, the audit log and the status history name
 * the door. Every row goes through a door's public interface (HTTP API, SCIM, an uploaded file,
 * the schedule's sweep, a directory change and a sync run), never through the lifecycle module.
 */

/** Generous per-row limits (named, never asserted: a slow machine only takes longer). */
export const ROW_TIMEOUT = 180_000;
export const SETUP_TIMEOUT = 120_000;

export type Door = 'console' | 'bulk' | 'scim' | 'hr-import' | 'schedule' | 'directory';
export type Verb = 'deactivate' | 'suspend' | 'activate';
export type Status = 'pending' | 'active' | 'suspended' | 'deactivated';
export type Role = NonNullable<Parameters<typeof signedIn>[1]>;

/** What each verb leaves, tells the core and writes to the audit log. */
export const VERB: Record<Verb, { status: Status; event: string; audit: string }> = {
  deactivate: { status: 'deactivated', event: 'person.deactivated', audit: 'user.deactivated' },
  suspend: { status: 'suspended', event: 'person.suspended', audit: 'user.suspended' },
  activate: { status: 'active', event: 'person.reactivated', audit: 'user.activated' },
};
const LIFECYCLE_EVENTS = new Set(Object.values(VERB).map((v) => v.event));

/** The id of the OpenLDAP directory a world configures (logins bind to it, syncs read it). */
export const LDAP_SOURCE = 'lifecycle-ldap';
const LDAP_PASSWORD_ENV = 'DIRECTORY_BIND_PASSWORD_TEST_LIFECYCLE_LDAP_PASSWORD';
/** The company time zone every world runs in (no DST: a day ends at 21:00 UTC). */
export const TIME_ZONE = 'Europe/Moscow';

let counter = 0;
/** A short unique suffix (letters and digits) for names in this process. */
export function unique(): string {
  counter += 1;
  return `${Date.now().toString(36)}${process.pid.toString(36)}${counter}`;
}

// ---------------------------------------------------------------------------------------------
// A world: one cloned database and running app per row, so rows never see each other.

/** One row's service, its clients and its clock. */
export interface World {
  context: TestContext;
  /** An admin's console session (the acting person of console, bulk, imports and syncs). */
  admin: ApiClient;
  /** An auditor's session: reads the audit log, people and status histories. */
  auditor: ApiClient;
  /** The configured SCIM client. */
  scim: ScimClient;
  /** The core API key (the messenger core's, e.g. ejabberd's external auth). */
  coreApiKey: string;
  /** Asks the core API whether a device token is live. */
  introspect(token: string): Promise<ApiResponse<{ active: boolean }>>;
  /** Moves the service clock and signs the admin and the auditor in again at that time. */
  at(now: Date): Promise<void>;
  close(): Promise<void>;
}

/** Options of a world. */
export interface WorldOptions {
  /** A running OpenLDAP: configured as the directory people log in against and sync from. */
  ldap?: OpenLdap;
  /** A fixed service clock from the start (the schedule door). */
  clock?: Date;
  /** The one connector the outbox writes rows for (default: a webhook nothing delivers). */
  connector?: { name: string; kind: string };
}

/**
 * Starts a world: jobs off (nothing fires by itself), one webhook connector registered so the
 * outbox keeps a row per core event, a core API key, the SCIM token of test/hr/scimSupport, and a
 * second factor asked of every messenger user (so every login leaves a challenge to revoke).
 */
export async function openWorld(options: WorldOptions = {}): Promise<World> {
  const key = coreKey('lifecycle-core');
  const sha256 = createHash('sha256').update(CONFIG_TOKEN).digest('hex');
  if (options.ldap) process.env[LDAP_PASSWORD_ENV] = options.ldap.rootPassword;
  const context = await startTestContext({
    jobs: { enabled: false },
    core: { apiKeys: [{ name: key.name, sha256: key.sha256 }] },
    hr: { timeZone: TIME_ZONE, scim: { tokens: [{ name: 'entra', sha256 }] } },
    identity: { requireSecondFactorForEveryone: true },
    ...(options.ldap
      ? {
          directorySources: [
            {
              id: LDAP_SOURCE,
              kind: 'ldap',
              url: options.ldap.url,
              allowPlain: true,
              bindDn: options.ldap.rootDn,
              bindPasswordEnv: LDAP_PASSWORD_ENV,
              baseDn: options.ldap.peopleDn,
              lockAttribute: 'pwdAccountLockedTime',
            },
          ],
        }
      : {}),
  });
  try {
    if (options.clock) context.setNow(options.clock);
    // The outbox writes one row per registered connector: register one (nothing delivers it).
    const connector = options.connector ?? { name: 'lifecycle-hook', kind: 'webhook' };
    await context.services.pool.query(
      'insert into outbox_connector (name, kind) values ($1, $2) on conflict do nothing',
      [connector.name, connector.kind],
    );
    const admin = await signedIn(context, 'admin');
    const auditor = await signedIn(context, 'auditor');
    const world: World = {
      context,
      admin: admin.api,
      auditor: auditor.api,
      scim: new ScimClient(context.baseUrl),
      coreApiKey: key.key,
      introspect: (token) =>
        new ApiClient(context.baseUrl).request<{ active: boolean }>(
          'POST',
          '/api/v1/core/introspect',
          { body: { token }, headers: { authorization: `Bearer ${key.key}` } },
        ),
      async at(now) {
        context.setNow(now);
        world.admin = await signIn(context, admin.user);
        world.auditor = await signIn(context, auditor.user);
      },
      async close() {
        context.setNow(undefined);
        await drainRuns(context.services);
        await context.close();
      },
    };
    return world;
  } catch (error) {
    await context.close();
    throw error;
  }
}

/** Polls `check` until it holds or `timeoutMs` passes. */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs `body` in a fresh world and always closes it. */
export async function inWorld<T>(
  options: WorldOptions,
  body: (world: World) => Promise<T>,
): Promise<T> {
  const world = await openWorld(options);
  try {
    return await body(world);
  } finally {
    await world.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Subjects: the person a row acts on, created the way their door knows them.

/** The person a row acts on. */
export interface Subject {
  id: string;
  username: string;
  role: Role | null;
  /** Their rows in the HR file (theirs first, then colleagues), for HR people. */
  hr?: HrRow[];
  /** Their uid in OpenLDAP, for directory people. */
  uid?: string;
  /** They sign in against the directory (no password of ours; no enrollment). */
  ldap?: boolean;
}

/** A person as GET /users/:id shows them. */
export interface PersonView {
  id: string;
  username: string | null;
  status: Status;
  role: Role | null;
}

/** The person as the console shows them (read by the auditor). */
export async function personOf(world: World, id: string): Promise<PersonView> {
  const response = await world.auditor.get<PersonView>(`/api/v1/users/${id}`);
  expect(response.status, response.text).toBe(200);
  return response.body;
}

/** A person created by hand (factories), with a role or none. */
export async function manualSubject(world: World, role: Role | null = null): Promise<Subject> {
  const user = await createPerson(world.context.services, { role });
  return { id: user.id, username: user.username as string, role };
}

/** A person created by the SCIM client (source scim, active). */
export async function scimSubject(world: World): Promise<Subject> {
  const created = await world.scim.post('/Users', scimUser());
  expect(created.status, created.text).toBe(201);
  const id = created.body.id as string;
  const person = await personOf(world, id);
  return { id, username: person.username as string, role: null };
}

/** One person of an HR file. */
export interface HrRow {
  number: string;
  family: string;
  given: string;
  login: string;
  email: string;
  /** DD.MM.YYYY */
  hired: string;
  /** DD.MM.YYYY: the last working day. */
  left?: string;
  /** The «Состояние» column: a long leave («декрет») suspends; empty lifts HR's own suspension. */
  state?: string;
}

/** An HR row with unique names. */
export function hrRow(extra: Partial<HrRow> = {}): HrRow {
  const id = unique();
  return {
    number: `T${id}`,
    family: `Kadrov${id.replace(/[0-9]/g, '')}`,
    given: 'Ivan',
    login: `hr${id}`,
    email: `hr${id}@corp.example`,
    hired: '01.02.2020',
    ...extra,
  };
}

/** A UTF-8, `;`-separated HR export with a login column. */
export function hrFile(rows: readonly HrRow[]): Uint8Array {
  const header = 'Табельный номер;Фамилия;Имя;Логин;E-mail;Дата приема;Дата увольнения;Состояние';
  const lines = rows.map((r) =>
    [r.number, r.family, r.given, r.login, r.email, r.hired, r.left ?? '', r.state ?? ''].join(';'),
  );
  return new TextEncoder().encode(`${[header, ...lines].join('\r\n')}\r\n`);
}

/** A sync or import run as the API shows it. */
export interface Run {
  id: string;
  status: string;
  counts: Record<string, number>;
  error: string | null;
  safety: string | null;
}

/** A plan line as the API shows it. */
export interface PlanLine {
  action: string;
  userId: string | null;
  externalId: string | null;
  reason: string | null;
  blocked: string | null;
  outcome: string | null;
}

/** Uploads an HR file (POST /imports, multipart) and applies it; returns the applied run. */
export async function importHr(
  world: World,
  rows: readonly HrRow[],
  scope: 'partial' | 'complete' = 'partial',
): Promise<Run> {
  const uploaded = await upload<Run>(world.admin, {
    file: hrFile(rows),
    fileName: 'staff.csv',
    fields: { scope },
  });
  expect(uploaded.status, uploaded.text).toBe(201);
  const applied = await world.admin.post<Run>(
    `/api/v1/imports/${uploaded.body.id}/apply?wait=true`,
  );
  expect(applied.status, applied.text).toBe(202);
  expect(applied.body.status, JSON.stringify(applied.body)).toBe('succeeded');
  return applied.body;
}

/** A run's plan (imports and syncs share the sync-run plan). */
export async function planOf(api: ApiClient, runId: string, imports = false): Promise<PlanLine[]> {
  const path = imports ? `/api/v1/imports/${runId}/plan` : `/api/v1/sync-runs/${runId}/plan`;
  const response = await api.get<{ data: PlanLine[] }>(`${path}?limit=200`);
  expect(response.status, response.text).toBe(200);
  return response.body.data;
}

/** The id of the person a source created with this username (test setup lookup). */
export async function idOfUsername(world: World, username: string): Promise<string> {
  const { rows } = await world.context.services.pool.query<{ id: string }>(
    'select id from app_user where username = $1',
    [username],
  );
  if (!rows[0]) throw new Error(`nobody is called ${username}`);
  return rows[0].id;
}

/**
 * A person created by an HR file (source hr-import, active), with `colleagues` more people in the
 * same file (a complete list that leaves the subject out still lists most of the people HR manages).
 */
export async function hrSubject(world: World, colleagues = 3): Promise<Subject> {
  const rows = [hrRow(), ...Array.from({ length: colleagues }, () => hrRow())];
  await importHr(world, rows);
  const [own] = rows as [HrRow];
  return { id: await idOfUsername(world, own.login), username: own.login, role: null, hr: rows };
}

/** Runs a sync of the world's OpenLDAP source through the API (as an admin) and waits for it. */
export async function syncDirectory(
  api: ApiClient,
  mode: 'full' | 'incremental' | 'dry-run' = 'full',
): Promise<Run> {
  const response = await api.post<Run>(`/api/v1/directory-sources/${LDAP_SOURCE}/sync?wait=true`, {
    mode,
  });
  expect(response.status, response.text).toBe(202);
  return response.body;
}

/** A person in OpenLDAP (with a password to bind as), synced into the world. */
export async function ldapSubject(
  world: World,
  ldap: OpenLdap,
  extra: Partial<LdapPerson> = {},
): Promise<Subject> {
  const uid = `dir${unique()}`;
  const entry = {
    uid,
    sn: 'Katalogov',
    givenName: 'Daria',
    mail: `${uid}@corp.example`,
    employeeNumber: `D-${uid}`,
    userPassword: GOOD_PASSWORD,
    ...extra,
  };
  await addLdapPerson(ldap, entry as LdapPerson);
  const run = await syncDirectory(world.admin);
  expect(run.status, JSON.stringify(run)).toBe('succeeded');
  return { id: await idOfUsername(world, uid), username: uid, role: null, uid, ldap: true };
}

/** Disables (pwdAccountLockedTime, the source's lock attribute) or enables an LDAP person. */
export function setLdapLocked(ldap: OpenLdap, uid: string, locked: boolean): Promise<void> {
  return modifyLdapEntry(ldap, ldapPersonDn(uid), {
    pwdAccountLockedTime: locked ? '000001010000Z' : null,
  });
}

/** Deletes an LDAP person. */
export function deleteLdapPerson(ldap: OpenLdap, uid: string): Promise<void> {
  return ldap.asRoot((client) => client.del(ldapPersonDn(uid)));
}

// ---------------------------------------------------------------------------------------------
// Artefacts: what a person holds before a row acts on them.

/** The credential artefacts a person held before the change. */
export interface Armed {
  /** Messenger device tokens: one from a real login, one inserted as a second device. */
  tokens: string[];
  /** The real login's session (its token is the XMPP password, its id the resource). */
  login: { token: string; sessionId: string };
  /** Their own back-office session (people with a role). */
  backoffice: ApiClient | null;
  /** An enrollment link token nobody used. */
  enrollmentToken: string | null;
  /** Whether a messenger login was left at its second-factor step. */
  challenge: boolean;
  /** The last outbox id of the person before the row's changes. */
  outboxFrom: string;
}

/** The token of an enrollment link URL. */
export function tokenOfLink(url: string): string {
  const token = new URL(url.replace('#/', '')).searchParams.get('token');
  if (!token) throw new Error(`no token in ${url}`);
  return token;
}

/** POST /users/:id/enrollment-link {reason} as `api`. */
export function issueLink(api: ApiClient, id: string, reason = 'lifecycle test: a link') {
  return api.post<{ url: string; expiresAt: string; code?: string }>(
    `/api/v1/users/${id}/enrollment-link`,
    { reason },
  );
}

/** POST /enrollment: sets a password with a link token (anonymous). */
export function useLink(world: World, token: string, password = GOOD_PASSWORD) {
  return new ApiClient(world.context.baseUrl).post<{ code?: string }>('/api/v1/enrollment', {
    token,
    password,
  });
}

/** The person's login challenges (no API lists them). */
async function challengesOf(world: World, id: string): Promise<number> {
  const { rows } = await world.context.services.pool.query<{ n: number }>(
    'select count(*)::int as n from login_challenge where user_id = $1',
    [id],
  );
  return rows[0]?.n ?? 0;
}

/** The person's newest outbox id (0 when none). */
async function lastOutboxId(world: World, id: string): Promise<string> {
  const { rows } = await world.context.services.pool.query<{ id: string }>(
    `select coalesce(max(id), 0)::text as id from outbox_event where key = $1`,
    [id],
  );
  return rows[0]?.id ?? '0';
}

/**
 * Gives an active person every artefact the lifecycle revokes, each through its own door: a
 * password set with an enrollment link (people who sign in with a password), a second unused link,
 * a messenger login through TOTP enrollment (a device token), a second login left at its TOTP step
 * (a pending challenge), a second device's token, and a back-office session if they have a role.
 */
export async function arm(world: World, subject: Subject): Promise<Armed> {
  if (!subject.ldap) {
    const first = await issueLink(world.admin, subject.id, 'lifecycle test: first password');
    expect(first.status, first.text).toBe(201);
    const set = await useLink(world, tokenOfLink(first.body.url));
    expect(set.status, set.text).toBe(204);
  }
  // Issued before any login: a link that discloses a way in revokes what exists at that moment.
  const unused = await issueLink(world.admin, subject.id, 'lifecycle test: a link left unused');
  expect(unused.status, unused.text).toBe(201);
  const login = await messengerLogIn(world.context, subject.username);
  const pending = await startMessenger(world.context, subject.username);
  expect(pending.status, pending.text).toBe(200);
  expect(pending.body.challenge, pending.text).toBeTruthy();
  const second = await createDeviceSession(world.context.services, subject.id, {
    deviceName: 'Second phone',
  });
  const backoffice = subject.role
    ? await signIn(world.context, { id: subject.id } as Parameters<typeof signIn>[1])
    : null;
  const armed: Armed = {
    tokens: [login.token, second.token],
    login: { token: login.token, sessionId: login.sessionId },
    backoffice,
    enrollmentToken: tokenOfLink(unused.body.url),
    challenge: true,
    outboxFrom: await lastOutboxId(world, subject.id),
  };
  // Everything is live before the row acts.
  for (const token of armed.tokens) expect((await world.introspect(token)).body.active).toBe(true);
  if (backoffice) expect((await backoffice.get('/api/v1/me')).status).toBe(200);
  expect(await challengesOf(world, subject.id)).toBeGreaterThan(0);
  return armed;
}

// ---------------------------------------------------------------------------------------------
// The one expectation every (door, verb) row shares.

/** What a row expects of its change. */
export interface Expected {
  door: Door;
  verb: Verb;
  from: Status;
  /** The core events of the lifecycle (deactivated/suspended/reactivated) since arming, in order. */
  events: string[];
}

/** An audit event as the API shows it. */
interface AuditView {
  id: number;
  action: string;
  outcome: string;
  target: { id: string | null };
  details: Record<string, unknown> | null;
}

/** A status history entry as GET /users/:id/status-history shows it. */
export interface HistoryEntry {
  at: string;
  from: Status;
  to: Status;
  door: string;
  sourceId: string | null;
  actorId: string | null;
  actorLabel: string;
  reason: string | null;
  reasonNotes: { code: string; params: Record<string, unknown> }[] | null;
}

/** The person's status history, newest first (tolerates a bare array or a `{data}` page). */
export async function historyOf(
  world: World,
  id: string,
): Promise<{ response: ApiResponse<unknown>; entries: HistoryEntry[] }> {
  const response = await world.auditor.get<unknown>(`/api/v1/users/${id}/status-history`);
  const body = response.body as HistoryEntry[] | { data?: HistoryEntry[] };
  const entries = Array.isArray(body) ? body : Array.isArray(body?.data) ? body.data : [];
  return { response, entries };
}

/** The audit events of one action about one person, newest first (as the auditor reads them). */
export async function auditOf(
  world: World,
  id: string,
  action: string,
  outcome?: string,
): Promise<{ response: ApiResponse<unknown>; events: AuditView[] }> {
  const query = new URLSearchParams({ targetId: id, action, limit: '50' });
  if (outcome) query.set('outcome', outcome);
  const response = await world.auditor.get<{ data?: AuditView[] }>(`/api/v1/audit-events?${query}`);
  return { response, events: response.body?.data ?? [] };
}

/** The lifecycle core events of the person after `fromId`, oldest first. */
export async function lifecycleEventsOf(
  world: World,
  id: string,
  fromId = '0',
): Promise<{ type: string; payload: Record<string, unknown> }[]> {
  const { rows } = await world.context.services.pool.query<{
    type: string;
    payload: Record<string, unknown>;
  }>('select type, payload from outbox_event where key = $1 and id > $2::bigint order by id', [
    id,
    fromId,
  ]);
  return rows.filter((row) => LIFECYCLE_EVENTS.has(row.type));
}

/**
 * The shared expectation of every (door, verb) row, each part soft so that a row reports every
 * part that fails: the status; the artefacts held before (all dead, and still dead after a lift:
 * revoked, not merely hidden behind a status); the core events in order; the audit event naming
 * the door; the newest status history entry naming the door.
 */
export async function expectDoorEffects(
  world: World,
  subject: Subject,
  armed: Armed,
  expected: Expected,
): Promise<void> {
  const { door, verb, from } = expected;
  const { status: to, event, audit } = VERB[verb];
  const label = `${door} ${verb}`;

  // 0. The status.
  expect.soft((await personOf(world, subject.id)).status, `${label}: status`).toBe(to);

  // 1. Artefacts.
  for (const [index, token] of armed.tokens.entries()) {
    const answer = await world.introspect(token);
    expect.soft(answer.status, `${label}: introspection`).toBe(200);
    expect
      .soft(answer.body, `${label}: device token ${index + 1} after`)
      .toEqual({ active: false });
  }
  if (armed.backoffice)
    expect
      .soft((await armed.backoffice.get('/api/v1/me')).status, `${label}: back-office session`)
      .toBe(401);
  if (armed.enrollmentToken) {
    const used = await useLink(world, armed.enrollmentToken, 'another long enough passphrase');
    expect.soft(used.status, `${label}: unused enrollment link (${used.text})`).toBe(410);
  }
  if (armed.challenge)
    expect
      .soft(await challengesOf(world, subject.id), `${label}: pending login challenges`)
      .toBe(0);

  // 2. Core events: exactly the lifecycle events of the row, in order, ending with this verb's.
  const events = await lifecycleEventsOf(world, subject.id, armed.outboxFrom);
  const types = events.map((e) => e.type);
  expect.soft(types, `${label}: core events ${JSON.stringify(types)}`).toEqual(expected.events);
  expect.soft(expected.events.at(-1), `${label}: the row's own event`).toBe(event);
  const last = events.at(-1);
  if (last && verb !== 'activate')
    expect.soft(last.payload, `${label}: event payload`).toMatchObject({
      userId: subject.id,
      username: subject.username,
    });

  // 3. Audit: the newest successful event of the verb names the door.
  const audited = await auditOf(world, subject.id, audit, 'success');
  expect.soft(audited.response.status, `${label}: audit list ${audited.response.text}`).toBe(200);
  const newest = audited.events[0];
  expect.soft(newest, `${label}: audit event ${JSON.stringify(newest)}`).toMatchObject({
    action: audit,
    outcome: 'success',
    target: { id: subject.id },
    details: expect.objectContaining({ door }),
  });

  // 4. Status history: the newest entry is this change, through this door.
  const history = await historyOf(world, subject.id);
  expect
    .soft(history.response.status, `${label}: status history ${history.response.text}`)
    .toBe(200);
  const entry = history.entries[0];
  expect
    .soft(entry, `${label}: newest status history entry ${JSON.stringify(entry)}`)
    .toMatchObject({
      from,
      to,
      door,
    });
}

/** What a refused or ignored change must leave as it was. */
export interface Snapshot {
  status: Status;
  history: number;
  outboxFrom: string;
  audited: Record<Verb, number>;
}

/** The person's state before a change that must not happen. */
export async function snapshot(world: World, id: string): Promise<Snapshot> {
  const audited = {} as Record<Verb, number>;
  for (const verb of Object.keys(VERB) as Verb[])
    audited[verb] = (await auditOf(world, id, VERB[verb].audit, 'success')).events.length;
  return {
    status: (await personOf(world, id)).status,
    history: (await historyOf(world, id)).entries.length,
    outboxFrom: await lastOutboxId(world, id),
    audited,
  };
}

/** Nothing about the person's status changed since `before`: status, history, core, audit. */
export async function expectUnchanged(
  world: World,
  id: string,
  before: Snapshot,
  label: string,
): Promise<void> {
  expect.soft((await personOf(world, id)).status, `${label}: status`).toBe(before.status);
  const history = await historyOf(world, id);
  expect
    .soft(history.response.status, `${label}: status history ${history.response.text}`)
    .toBe(200);
  expect.soft(history.entries.length, `${label}: status history entries`).toBe(before.history);
  expect
    .soft(
      (await lifecycleEventsOf(world, id, before.outboxFrom)).map((e) => e.type),
      `${label}: core events`,
    )
    .toEqual([]);
  for (const verb of Object.keys(VERB) as Verb[])
    expect
      .soft(
        (await auditOf(world, id, VERB[verb].audit, 'success')).events.length,
        `${label}: successful ${VERB[verb].audit} events`,
      )
      .toBe(before.audited[verb]);
}

// ---------------------------------------------------------------------------------------------
// Doors.

/** POST /users/:id/{verb} {reason} at the console. */
export function atConsole(api: ApiClient, id: string, verb: Verb, reason = `console ${verb}`) {
  return api.post<Record<string, unknown>>(`/api/v1/users/${id}/${verb}`, { reason });
}

/** POST /users/bulk/{verb} {ids, reason}. */
export function inBulk(api: ApiClient, ids: string[], verb: Verb, reason = `bulk ${verb}`) {
  return api.post<{
    changed?: unknown[];
    skipped?: { id: string; label: string | null; code: string; message: string }[];
    code?: string;
  }>(`/api/v1/users/bulk/${verb}`, { ids, reason });
}

/** Asserts a console change went through. */
export async function consoleOk(world: World, id: string, verb: Verb): Promise<void> {
  const response = await atConsole(world.admin, id, verb);
  expect(response.status, response.text).toBe(200);
}

/** Asserts a bulk change went through for this one person. */
export async function bulkOk(world: World, id: string, verb: Verb): Promise<void> {
  const response = await inBulk(world.admin, [id], verb);
  expect(response.status, response.text).toBe(200);
  expect(response.body.skipped, response.text).toEqual([]);
  expect(JSON.stringify(response.body.changed), response.text).toContain(id);
}

/** A SCIM PATCH of the person that must succeed. */
export async function scimPatch(world: World, id: string, operations: unknown[]): Promise<void> {
  const response = await world.scim.patch(`/Users/${id}`, operations);
  expect(response.status, response.text).toBe(200);
}

/** SCIM operations of the rows. */
export const SCIM_OPS = {
  deactivate: [{ op: 'replace', path: 'active', value: false }],
  activate: [{ op: 'replace', path: 'active', value: true }],
  suspend: [{ op: 'replace', path: `${HR}:suspended`, value: true }],
  lift: [{ op: 'replace', path: `${HR}:suspended`, value: false }],
};

/** DD.MM.YYYY of a YYYY-MM-DD date. */
export function ddmmyyyy(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}.${m}.${y}`;
}

/** Runs the sweep the scheduled-changes job runs, at the world's clock. */
export function fireSchedule(world: World): Promise<{ fired: number; skipped: number }> {
  return fireDueChanges(world.context.services);
}

/** A step that brings a person to a row's starting status, through some door. */
export interface Step {
  verb: Verb;
  run: (world: World, subject: Subject) => Promise<void>;
}

/** A console step (an admin). */
export const consoleStep = (verb: Verb): Step => ({
  verb,
  run: (world, subject) => consoleOk(world, subject.id, verb),
});
