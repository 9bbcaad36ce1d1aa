import fc from 'fast-check';
import type { Role } from '../../server/authz/roles.ts';
import { coreKey, createDeviceSession } from '../core/deviceSessions.ts';
import { CONFIG_TOKEN, startScimContext } from '../hr/scimSupport.ts';
import { ApiClient, type ApiResponse } from '../support/api.ts';
import { createPerson, signIn } from '../support/factories.ts';
import type { TestContext } from '../support/harness.ts';
import type { IdPool } from './arbitraries.ts';

/**
 * The fuzz tests' shared set-up (issue 12): a service with a SCIM token and a core API key, one
 * signed-in actor per back-office role, and people, a space and an organization to act on.
 *
 * Reproducible: every property runs with {@link FUZZ_SEED} (override with `FUZZ_SEED=`) and
 * {@link FUZZ_RUNS} runs per operation and actor (`FUZZ_RUNS=`); a failure prints the request.
 */

/** The fixed seed of every property (a failure names it, so the run can be replayed). */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261212);
/** Runs per operation and actor: modest, so `npm test` stays within minutes on a busy machine. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 20);

fc.configureGlobal({ seed: FUZZ_SEED, numRuns: FUZZ_RUNS, endOnFailure: true });

/** Who sends a request: a back-office role, a messenger device, the core, or nobody. */
export type ActorKind = Role | 'device' | 'core' | 'anonymous';

/** A caller whose credential can be renewed when a fuzzed request revoked it. */
export interface Actor {
  kind: ActorKind;
  client: ApiClient;
  /** Extra headers (a bearer token) sent with every request. */
  headers: Record<string, string>;
  /** Makes a fresh credential after a 401 (a fuzzed logout or revocation of the actor's own). */
  renew(): Promise<void>;
}

/** One request as sent, printable for a reproduction. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** A raw body (JSON text or bytes); absent: no body. */
  body?: string | Uint8Array;
}

/** The fuzz world: the context, the actors, and the ids of the people they must not touch. */
export interface FuzzWorld {
  context: TestContext;
  actors: Map<ActorKind, Actor>;
  /** Ids of the actors themselves: never offered as path parameters (see README of the fuzz). */
  protectedIds: Set<string>;
  coreKey: string;
}

/** Starts the service and signs in one actor of each kind. */
export async function startFuzzWorld(): Promise<FuzzWorld> {
  const key = coreKey('fuzz-core');
  const context = await startScimContext({
    core: { apiKeys: [{ name: key.name, sha256: key.sha256 }] },
  });
  const actors = new Map<ActorKind, Actor>();
  const protectedIds = new Set<string>();
  for (const role of ['superadmin', 'admin', 'staff', 'auditor'] as const) {
    const user = await createPerson(context.services, { role });
    protectedIds.add(user.id);
    const actor: Actor = {
      kind: role,
      client: await signIn(context, user),
      headers: {},
      async renew() {
        actor.client = await signIn(context, user);
      },
    };
    actors.set(role, actor);
  }
  const messengerUser = await createPerson(context.services, { role: null });
  protectedIds.add(messengerUser.id);
  const device: Actor = {
    kind: 'device',
    client: new ApiClient(context.baseUrl),
    headers: {},
    async renew() {
      const session = await createDeviceSession(context.services, messengerUser.id);
      device.headers = { authorization: `Bearer ${session.token}` };
    },
  };
  await device.renew();
  actors.set('device', device);
  actors.set('core', {
    kind: 'core',
    client: new ApiClient(context.baseUrl),
    headers: { authorization: `Bearer ${key.key}` },
    async renew() {},
  });
  actors.set('anonymous', {
    kind: 'anonymous',
    client: new ApiClient(context.baseUrl),
    headers: {},
    async renew() {},
  });
  // People to act on: plain users of each status, a staff member, device sessions.
  for (const status of ['active', 'active', 'pending', 'deactivated', 'suspended'] as const) {
    const person = await createPerson(context.services, { status });
    await createDeviceSession(context.services, person.id);
  }
  await createPerson(context.services, { role: 'staff' });
  return { context, actors, protectedIds, coreKey: key.key };
}

/** The SCIM client's headers (bearer token of the configured SCIM client). */
export const SCIM_HEADERS = { authorization: `Bearer ${CONFIG_TOKEN}` };

// Which table a path parameter names, by the resource before it in the path.
const TABLE_BY_RESOURCE: Record<string, string> = {
  users: 'app_user',
  organizations: 'organization',
  spaces: 'space',
  members: 'app_user',
  'directory-sources': 'directory_source',
  'sync-runs': 'sync_run',
  imports: 'sync_run',
  'scheduled-changes': 'scheduled_change',
  'scim-tokens': 'scim_token',
  sessions: 'device_session',
  Users: 'app_user',
  Groups: 'space',
};

/**
 * Real ids for the path parameter after `resource` (the segment before it): existing objects of
 * the right kind, so that handlers get past "not found" and go deep. The actors are left out.
 */
export async function idPool(world: FuzzWorld, resource: string): Promise<IdPool> {
  const { pool } = world.context.services;
  const table = TABLE_BY_RESOURCE[resource];
  const uuids: string[] = [];
  if (table) {
    // SCIM knows a person by coalesce(scim_id, id); a group is a space, by id.
    const column = resource === 'Users' ? 'coalesce(scim_id, id)' : 'id';
    const { rows } = await pool.query<{ id: string | null }>(
      `select (${column})::text as id from ${table} ${table === 'app_user' ? 'where not (id = any($1::uuid[]))' : 'where $1::uuid[] is not null'} order by random() limit 30`,
      [[...world.protectedIds]],
    );
    for (const row of rows) if (row.id) uuids.push(row.id);
  }
  const numbers: string[] = [];
  const numeric = resource === 'deliveries' ? 'outbox_event' : 'audit_event';
  const column = numeric === 'audit_event' ? 'seq' : 'id';
  const { rows } = await pool.query<{ n: string }>(
    `select ${column}::text as n from ${numeric} order by ${column} desc limit 20`,
  );
  for (const row of rows) numbers.push(row.n);
  return { uuids, numbers };
}

/** A request printed so that it can be replayed (bodies cut at 2,000 characters). */
export function describeRequest(actor: ActorKind, request: FuzzRequest): string {
  let body = '';
  if (typeof request.body === 'string') {
    body = JSON.stringify(request.body.slice(0, 2000));
    if (request.body.length > 2000) body += ` (… ${request.body.length} characters)`;
  } else if (request.body) body = `<${request.body.length} bytes>`;
  const headers = Object.fromEntries(
    Object.entries(request.headers ?? {}).map(([name, value]) => [
      name,
      value.length > 200 ? `${value.slice(0, 200)}… (${value.length} characters)` : value,
    ]),
  );
  const path =
    request.path.length > 2000
      ? `${request.path.slice(0, 2000)}… (${request.path.length})`
      : request.path;
  return `as ${actor}: ${request.method} ${path} headers=${JSON.stringify(headers)} body=${body} (seed ${FUZZ_SEED})`;
}

/** What one request led to: a response, or a connection the server dropped. */
export type Outcome = { response: ApiResponse } | { dropped: string };

/** How many answers of each status the fuzz got (printed with `FUZZ_STATS=1`). */
export const statusCounts = new Map<number, number>();

/** Sends `request` as `actor`; renews the actor's credential after a 401 for the next request. */
export async function send(actor: Actor, request: FuzzRequest): Promise<Outcome> {
  try {
    const response = await actor.client.request(request.method, request.path, {
      headers: { ...actor.headers, ...request.headers },
      ...(request.body === undefined ? {} : { raw: request.body }),
    });
    statusCounts.set(response.status, (statusCounts.get(response.status) ?? 0) + 1);
    if (response.status === 401) await actor.renew();
    return { response };
  } catch (error) {
    // undici refuses some headers itself (a TypeError before anything is sent): not a finding.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (error instanceof TypeError && !cause) throw error;
    return { dropped: `${(error as Error).message}: ${cause?.code ?? cause?.message ?? ''}` };
  }
}

/** A server error or a dropped connection, as a finding; null when the answer was < 500. */
export function findingOf(outcome: Outcome, actor: ActorKind, request: FuzzRequest): string | null {
  if ('dropped' in outcome)
    return `connection dropped (${outcome.dropped}) ${describeRequest(actor, request)}`;
  if (outcome.response.status < 500) return null;
  return `${outcome.response.status} ${outcome.response.text.slice(0, 300)} ${describeRequest(actor, request)}`;
}

/**
 * Runs `numRuns` generated requests as `actor` and returns the first finding (fast-check stops at
 * the first failure; `endOnFailure`: no shrinking, the failing request itself is printed).
 * `prepare` turns a generated value into the request to send (for bodies built asynchronously,
 * such as multipart forms).
 */
export async function fuzz<T extends FuzzRequest>(
  actor: Actor,
  requests: fc.Arbitrary<T>,
  numRuns = FUZZ_RUNS,
  prepare: (generated: T) => Promise<FuzzRequest> = async (generated) => generated,
): Promise<string | null> {
  let finding: string | null = null;
  await fc.check(
    fc.asyncProperty(requests, async (generated) => {
      const request = await prepare(generated);
      finding = findingOf(await send(actor, request), actor.kind, request);
      return finding === null;
    }),
    { numRuns },
  );
  return finding;
}
