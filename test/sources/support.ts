import { expect } from 'vitest';
import type { Services } from '../../server/shared/services.ts';
import { useReaderFactory } from '../../server/sources/registry.ts';
import { drainRuns } from '../../server/sources/runs.ts';
import type { RunView } from '../../server/sources/schemas.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';
import type { OpenLdap } from '../support/openldap.ts';
import type { SambaDc } from '../support/samba.ts';
import { DIRECTORY_REQUEST_MS } from '../support/timeouts.ts';
import { MemoryDirectory } from './memoryDirectory.ts';

let sources = 0;

/** In-memory directories by source id, served to the engine instead of LDAP readers. */
export function memoryDirectories(services: Services): Map<string, MemoryDirectory> {
  const directories = new Map<string, MemoryDirectory>();
  useReaderFactory(services, (source) => {
    const directory = directories.get(source.id);
    if (!directory) throw new Error(`no test directory for ${source.id}`);
    return directory;
  });
  return directories;
}

/** A sync engine test's parts: the service, its in-memory directories and a superadmin. */
export interface EngineSuite {
  context: TestContext;
  directories: Map<string, MemoryDirectory>;
  /** Signed in as a superadmin. */
  api: ApiClient;
}

/**
 * The opening the sync engine's tests share, for their `beforeAll`: the service with its jobs
 * off (each test runs syncs itself), in-memory directories and a signed-in superadmin.
 */
export async function startEngineSuite(
  overrides: Record<string, unknown> = {},
): Promise<EngineSuite> {
  const context = await startTestContext({ jobs: { enabled: false }, ...overrides });
  const directories = memoryDirectories(context.services);
  const { api } = await signedIn(context, 'superadmin');
  return { context, directories, api };
}

/** The closing they share, for `afterAll`: waits for runs still going, then stops the service. */
export async function closeEngineSuite(context: TestContext | undefined): Promise<void> {
  if (!context) return;
  await drainRuns(context.services);
  await context.close();
}

/** Defines a source through the API and gives it an in-memory directory. */
export async function defineSource(
  api: ApiClient,
  directories: Map<string, MemoryDirectory>,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; directory: MemoryDirectory }> {
  sources += 1;
  const id = `src${Date.now().toString(36)}${sources}`;
  const response = await api.request('POST', '/api/v1/directory-sources', {
    body: {
      id,
      name: `Test AD ${sources}`,
      connection: {
        kind: 'active-directory',
        url: 'ldaps://dc.corp.example.test',
        bindDn: 'CN=svc-sync,CN=Users,DC=corp,DC=example,DC=test',
        bindPasswordEnv: 'DIRECTORY_BIND_PASSWORD_TEST_AD_PASSWORD',
        baseDn: 'DC=corp,DC=example,DC=test',
      },
      ...extra,
    },
  });
  expect(response.status, response.text).toBe(201);
  const directory = new MemoryDirectory();
  directories.set(id, directory);
  return { id, directory };
}

/** Runs a sync through the API and waits for it. */
export async function sync(
  api: ApiClient,
  sourceId: string,
  mode: 'full' | 'incremental' | 'dry-run' = 'full',
): Promise<RunView> {
  const response = await api.request<RunView>(
    'POST',
    `/api/v1/directory-sources/${sourceId}/sync?wait=true`,
    { body: { mode } },
  );
  expect(response.status, response.text).toBe(202);
  return response.body;
}

/** A plan item as tests compare them. */
export interface PlanLine {
  action: string;
  externalId: string | null;
  userId: string | null;
  diff: Record<string, { from: unknown; to: unknown }>;
  reason: string | null;
  blocked: string | null;
  outcome: string | null;
  outcomeReason?: string | null;
  /** The note of an item that did not take, as a code with params (issue 16). */
  outcomeNote?: { code: string; params: Record<string, unknown> } | null;
  label: string | null;
}

/** A run's whole plan. */
export async function planOf(api: ApiClient, runId: string): Promise<PlanLine[]> {
  const response = await api.request<{ data: PlanLine[] }>(
    'GET',
    `/api/v1/sync-runs/${runId}/plan?limit=200`,
  );
  expect(response.status, response.text).toBe(200);
  return response.body.data;
}

/** A person's row as the engine leaves it. */
export interface PersonRow {
  id: string;
  username: string | null;
  family_name: string;
  given_name: string;
  email: string | null;
  phone: string | null;
  title: string | null;
  status: string;
  source: string;
  source_id: string | null;
  external_id: string | null;
  employee_number: string | null;
  organization: string | null;
  version: number;
}

/** The people of a source (or any people matching `where`). */
export async function peopleOf(services: Services, sourceId: string): Promise<PersonRow[]> {
  const { rows } = await services.pool.query<PersonRow>(
    `select u.id, u.username, u.family_name, u.given_name, u.email, u.phone, u.title, u.status,
            u.source, u.source_id, u.external_id, u.employee_number, o.name as organization, u.version
       from app_user u left join organization o on o.id = u.organization_id
      where u.source_id = $1 order by u.external_id`,
    [sourceId],
  );
  return rows;
}

/** A directory source a test adds on its throw-away Samba DC or slapd. */
export interface TestSourceSpec {
  id: string;
  name: string;
  /** The variable holding the bind password (set by the caller). */
  passwordEnv: string;
  baseDn: string;
  /** Further connection settings (group mappings, filters, a lock attribute…). */
  connection?: Record<string, unknown>;
  /** The source's thresholds, when a test needs other than the defaults. */
  thresholds?: Record<string, number>;
}

async function addTestSource(
  api: ApiClient,
  spec: TestSourceSpec,
  server: { kind: 'active-directory' | 'ldap'; url: string; bindDn: string },
): Promise<unknown> {
  const created = await api.request('POST', '/api/v1/directory-sources', {
    body: {
      id: spec.id,
      name: spec.name,
      connection: {
        ...server,
        allowPlain: true,
        bindPasswordEnv: spec.passwordEnv,
        baseDn: spec.baseDn,
        timeoutMs: DIRECTORY_REQUEST_MS,
        ...spec.connection,
      },
      ...(spec.thresholds ? { thresholds: spec.thresholds } : {}),
    },
  });
  expect(created.status, created.text).toBe(201);
  return created.body;
}

/**
 * Adds an AD source through the API: plain LDAP on loopback to the test's Samba DC, bound as its
 * Administrator, with the tests' request timeout; fails the test unless it is created. Returns the created source.
 */
export async function addSambaSource(
  api: ApiClient,
  dc: SambaDc,
  spec: TestSourceSpec,
): Promise<unknown> {
  return addTestSource(api, spec, { kind: 'active-directory', url: dc.url, bindDn: dc.adminDn });
}

/**
 * Adds a generic LDAP source through the API: plain LDAP on loopback to the test's slapd, bound
 * as its root DN, with the tests' request timeout; fails the test unless it is created.
 * Returns the created source.
 */
export async function addOpenLdapSource(
  api: ApiClient,
  ldap: OpenLdap,
  spec: TestSourceSpec,
): Promise<unknown> {
  return addTestSource(api, spec, { kind: 'ldap', url: ldap.url, bindDn: ldap.rootDn });
}
