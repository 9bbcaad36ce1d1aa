import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { type EmbeddedServer, startEmbeddedPostgres } from '../../server/db/embeddedPostgres.ts';
import { migrate, openOrm } from '../../server/db/orm.ts';
import { entities } from '../../server/entities.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a maintenance database on the test PostgreSQL server. */
    pgAdminUrl: string;
    /** Name of the migrated template database each test file clones. */
    pgTemplate: string;
    /** Id of this test run; prefixes every database it creates. */
    pgRunId: string;
  }
}

/**
 * Starts one real PostgreSQL for the whole run (embedded, or the server in TEST_DATABASE_URL),
 * migrates a template database once, and hands its name to the test files, which clone it.
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
  // Every database of this run carries the run id, so runs sharing a server do not collide.
  const runId = randomBytes(4).toString('hex');
  const template = `frisbee_test_${runId}_template`;
  const admin = new pg.Client(adminUrl);
  await admin.connect();
  await admin.query(`create database "${template}"`);
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${template}`;
  const orm = await openOrm(templateUrl.toString(), entities);
  await migrate(orm);
  await orm.close(true);
  await admin.end();
  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', template);
  project.provide('pgRunId', runId);
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
    if (server) await server.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}
