import type { AbstractSqlDriver } from '@mikro-orm/knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Migration20261204170000SourceBaseDns } from '../../server/db/migrations/Migration20261204170000SourceBaseDns.ts';
import { drainRuns } from '../../server/sources/runs.ts';
import type { SourceChangeView, SourceView } from '../../server/sources/schemas.ts';
import type { ApiClient } from '../support/api.ts';
import { signedIn } from '../support/factories.ts';
import { startTestContext, type TestContext } from '../support/harness.ts';

/**
 * Several base DNs per source through the API and config (issue 13, docs/directory-sync.md
 * "Base DNs"): the view shows `baseDns` only, the older `baseDn` still works, bad lists are
 * `400 validation_failed` naming the field, a PATCH replaces the list, and the migration turns
 * stored `baseDn` strings into one-element lists.
 */

type Answer = SourceChangeView & {
  code?: string;
  errors?: { path: string; message: string }[];
};

const CONFIG_SOURCE = {
  id: 'corp-config-bases',
  kind: 'active-directory',
  url: 'ldaps://dc1.corp.example.test',
  bindDn: 'CN=svc,DC=corp',
  bindPasswordEnv: 'DIRECTORY_BIND_PASSWORD_CORP_AD_PASSWORD',
  baseDn: 'OU=Staff,DC=corp',
};

const MOSCOW = 'OU=Moscow,DC=corp,DC=example';
const EKB = 'OU=Yekaterinburg,DC=corp,DC=example';

let context: TestContext;
let api: ApiClient;
let created = 0;

const connection = (extra: Record<string, unknown>) => ({
  kind: 'active-directory',
  url: 'ldaps://dc.corp.example.test',
  bindDn: 'CN=svc-sync,CN=Users,DC=corp,DC=example',
  bindPasswordEnv: 'DIRECTORY_BIND_PASSWORD_TEST_AD_PASSWORD',
  ...extra,
});

const create = (extra: Record<string, unknown>) => {
  created += 1;
  return api.request<Answer>('POST', '/api/v1/directory-sources', {
    body: { id: `bases${created}`, name: `Bases ${created}`, connection: connection(extra) },
  });
};

const storedConfig = async (id: string) =>
  (
    await context.services.pool.query<{ config: Record<string, unknown> }>(
      'select config from directory_source where id = $1',
      [id],
    )
  ).rows[0]?.config;

beforeAll(async () => {
  context = await startTestContext({
    jobs: { enabled: false },
    directorySources: [CONFIG_SOURCE],
  });
  ({ api } = await signedIn(context, 'superadmin'));
});

afterAll(async () => {
  await drainRuns(context.services);
  await context.close();
});

describe('base DNs of a source', () => {
  it('a config source with the older baseDn shows it as baseDns', async () => {
    const response = await api.request<SourceView>(
      'GET',
      `/api/v1/directory-sources/${CONFIG_SOURCE.id}`,
    );
    expect(response.status, response.text).toBe(200);
    expect(response.body.connection.baseDns).toEqual(['OU=Staff,DC=corp']);
    expect(response.body.connection).not.toHaveProperty('baseDn');
  });

  it('creates a source with two base DNs, and one with the older baseDn; both stored as baseDns', async () => {
    const two = await create({ baseDns: [MOSCOW, EKB] });
    expect(two.status, two.text).toBe(201);
    expect(two.body.connection.baseDns).toEqual([MOSCOW, EKB]);
    expect(two.body.connection).not.toHaveProperty('baseDn');
    expect(await storedConfig(two.body.id)).toMatchObject({ baseDns: [MOSCOW, EKB] });
    expect(await storedConfig(two.body.id)).not.toHaveProperty('baseDn');

    const old = await create({ baseDn: MOSCOW });
    expect(old.status, old.text).toBe(201);
    expect(old.body.connection.baseDns).toEqual([MOSCOW]);
    expect(await storedConfig(old.body.id)).not.toHaveProperty('baseDn');
  });

  it.each([
    ['no base DN', {}, 'connection.baseDns', /at least one base DN/],
    ['an empty list', { baseDns: [] }, 'connection.baseDns', /at least one base DN/],
    ['an empty base DN', { baseDns: [MOSCOW, '  '] }, 'connection.baseDns.1', /may not be empty/],
    [
      'a duplicate (case and spaces ignored)',
      { baseDns: [MOSCOW, 'ou=moscow, dc=corp, dc=example'] },
      'connection.baseDns.1',
      /duplicate base DN/,
    ],
    [
      'one inside another',
      { baseDns: [MOSCOW, 'OU=Sales,OU=Moscow,DC=corp,DC=example'] },
      'connection.baseDns.1',
      /may not be nested/,
    ],
    [
      'more than 20',
      { baseDns: Array.from({ length: 21 }, (_, n) => `OU=City${n},DC=corp,DC=example`) },
      'connection.baseDns',
      /at most 20/,
    ],
    [
      'baseDn naming another DN beside baseDns',
      { baseDns: [MOSCOW], baseDn: EKB },
      'connection.baseDn',
      /older spelling/,
    ],
    ['not a list', { baseDns: MOSCOW }, 'connection.baseDns', /./],
  ])('refuses %s: 400 validation_failed naming the field', async (_name, extra, path, message) => {
    const response = await create(extra);
    expect(response.status, response.text).toBe(400);
    expect(response.body.code).toBe('validation_failed');
    expect(response.body.errors).toContainEqual(
      expect.objectContaining({
        path,
        pointer: `#/${path.replaceAll('.', '/')}`,
        message: expect.stringMatching(message),
      }),
    );
  });

  it('a PATCH replaces the list (baseDns or baseDn); a nested list is refused and nothing changes', async () => {
    const source = await create({ baseDns: [MOSCOW] });
    expect(source.status, source.text).toBe(201);
    const path = `/api/v1/directory-sources/${source.body.id}`;
    const patch = (change: Record<string, unknown>) =>
      api.request<Answer>('PATCH', path, { body: { connection: change } });

    const two = await patch({ baseDns: [MOSCOW, EKB] });
    expect(two.status, two.text).toBe(200);
    expect(two.body.connection.baseDns).toEqual([MOSCOW, EKB]);

    const nested = await patch({ baseDns: [MOSCOW, EKB, `OU=IT,${EKB}`] });
    expect(nested.status, nested.text).toBe(400);
    expect(nested.body.errors).toContainEqual(
      expect.objectContaining({
        path: 'connection.baseDns.2',
        pointer: '#/connection/baseDns/2',
        code: 'nested_base_dn',
        params: { other: EKB },
        message: expect.stringMatching(/may not be nested/),
      }),
    );
    expect(await storedConfig(source.body.id)).toMatchObject({ baseDns: [MOSCOW, EKB] });

    const one = await patch({ baseDn: EKB });
    expect(one.status, one.text).toBe(200);
    expect(one.body.connection.baseDns).toEqual([EKB]);
    expect(await storedConfig(source.body.id)).not.toHaveProperty('baseDn');
  });

  it('the migration turns a stored baseDn into baseDns and keeps every other setting', async () => {
    const source = await create({ baseDns: [MOSCOW], pageSize: 250 });
    expect(source.status, source.text).toBe(201);
    // A row as an older service stored it.
    await context.services.pool.query(
      `update directory_source set config = (config - 'baseDns') || jsonb_build_object('baseDn', $2::text)
        where id = $1`,
      [source.body.id, EKB],
    );
    const legacy = await api.request<SourceView>(
      'GET',
      `/api/v1/directory-sources/${source.body.id}`,
    );
    expect(legacy.body.connection.baseDns).toEqual([EKB]);

    const orm = context.services.orm;
    const migration = new Migration20261204170000SourceBaseDns(
      orm.em.getDriver() as unknown as AbstractSqlDriver,
      orm.config,
    );
    await migration.up();
    for (const query of migration.getQueries()) await context.services.pool.query(String(query));
    const stored = await storedConfig(source.body.id);
    expect(stored).toMatchObject({ baseDns: [EKB], pageSize: 250 });
    expect(stored).not.toHaveProperty('baseDn');
  });

  it('the OpenAPI document describes baseDns on the connection', async () => {
    const response = await api.request<{ paths: Record<string, unknown> }>(
      'GET',
      '/api/v1/openapi.json',
    );
    expect(response.status).toBe(200);
    const text = JSON.stringify(response.body.paths['/api/v1/directory-sources']);
    expect(text).toContain('"baseDns"');
    expect(text).toMatch(/1 to 20 base DNs/);
  });
});
