import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { type EmbeddedServer, startEmbeddedPostgres } from '../../server/db/embeddedPostgres.ts';
import { dropRoles, prepareTemplate, type TestRoles } from './roles.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a maintenance database on the test PostgreSQL server. */
    pgAdminUrl: string;
    /** Name of the migrated template database each test file clones. */
    pgTemplate: string;
    /** Id of this test run; prefixes every database it creates. */
    pgRunId: string;
    /** This run's owner role (migrations) and runtime role (the service's connections). */
    pgRoles: TestRoles;
  }
}

/**
 * Starts one real PostgreSQL for the whole run (embedded, or the server in TEST_DATABASE_URL),
 * makes this run's two roles, migrates a template database once as the owner role, and hands its
 * name to the test files, which clone it and connect the service as the runtime role.
 */
export default async function setup(project: TestProject) {
  let server: EmbeddedServer | null = null;
  let dir: string | null = null;
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    // A cluster of this run's own, so concurrent runs never share a data directory.
    dir = mkdtempSync(join(tmpdir(), 'frisbee-test-pg-'));
    // PostgreSQL runs as the unprivileged `postgres` user, which must be able to enter it.
    chmodSync(dir, 0o755);
    server = await startEmbeddedPostgres(dir);
    adminUrl = server.url('postgres');
  }
  // Every database and role of this run carries the run id, so runs sharing a server do not collide.
  const runId = randomBytes(4).toString('hex');
  const template = `frisbee_test_${runId}_template`;
  const roles: TestRoles = {
    owner: `frisbee_test_${runId}_owner`,
    ownerPassword: randomBytes(18).toString('base64url'),
    runtime: `frisbee_test_${runId}_app`,
    runtimePassword: randomBytes(18).toString('base64url'),
  };
  await prepareTemplate(adminUrl, template, roles);
  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', template);
  project.provide('pgRunId', runId);
  project.provide('pgRoles', roles);
  return async () => {
    const cleanup = new pg.Client(adminUrl);
    await cleanup.connect();
    const ours = await cleanup.query<{ datname: string }>(
      'select datname from pg_database where datname like $1',
      [`frisbee_test_${runId}_%`],
    );
    for (const { datname } of ours.rows) {
      await cleanup.query(`drop database if exists "${datname}" with (force)`);
    }
    await cleanup.end();
    await dropRoles(adminUrl, roles).catch(() => undefined);
    if (server) await server.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}
