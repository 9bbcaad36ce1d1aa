import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { type EmbeddedServer, startEmbeddedPostgres } from '../../server/db/embeddedPostgres.ts';
import { migrate, openOrm } from '../../server/db/orm.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a maintenance database on the test PostgreSQL server. */
    pgAdminUrl: string;
    /** Name of the migrated template database each test file clones. */
    pgTemplate: string;
  }
}

const TEMPLATE = 'frisbee_test_template';

/**
 * Starts one real PostgreSQL for the whole run (embedded, or the server in TEST_DATABASE_URL),
 * migrates a template database once, and hands its name to the test files, which clone it.
 */
export default async function setup(project: TestProject) {
  let server: EmbeddedServer | null = null;
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const dir = join(process.cwd(), 'test/.artifacts/postgres');
    mkdirSync(dir, { recursive: true });
    server = await startEmbeddedPostgres(dir);
    adminUrl = server.url('postgres');
  }
  const admin = new pg.Client(adminUrl);
  await admin.connect();
  // Drop clones left by an interrupted run, then rebuild the template from the migrations.
  const stale = await admin.query<{ datname: string }>(
    "select datname from pg_database where datname like 'frisbee_test_%'",
  );
  for (const { datname } of stale.rows)
    await admin.query(`drop database if exists "${datname}" with (force)`);
  await admin.query(`create database "${TEMPLATE}"`);
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${TEMPLATE}`;
  const orm = await openOrm(templateUrl.toString());
  await migrate(orm);
  await orm.close(true);
  await admin.end();
  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', TEMPLATE);
  return async () => {
    const cleanup = new pg.Client(adminUrl);
    await cleanup.connect();
    const clones = await cleanup.query<{ datname: string }>(
      "select datname from pg_database where datname like 'frisbee_test_%'",
    );
    for (const { datname } of clones.rows)
      await cleanup.query(`drop database if exists "${datname}" with (force)`);
    await cleanup.end();
    if (server) await server.stop();
  };
}
