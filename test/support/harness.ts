import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { createApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { openOrm } from '../../server/db/orm.ts';
import { openRawPool } from '../../server/db/rawPool.ts';
import { ident } from '../../server/db/roles.ts';
import { entities } from '../../server/entities.ts';
import { createLogger } from '../../server/logger.ts';
import { deriveKeys } from '../../server/shared/secrets.ts';
import type { Services } from '../../server/shared/services.ts';
import { databaseUrlOn, roleUrls } from './roles.ts';

/** A test's own database, services and running HTTP server. */
export interface TestContext {
  services: Services;
  baseUrl: string;
  /** The superuser's URL of this test's database (the database administrator, in tests). */
  databaseUrl: string;
  /** The runtime role's URL: the service's connections (docs/database.md). */
  runtimeUrl: string;
  /** The owner role's URL: migrations. */
  ownerUrl: string;
  /** DATABASE_URL and DATABASE_OWNER_URL for a service or CLI process on this database. */
  databaseEnv: { DATABASE_URL: string; DATABASE_OWNER_URL: string };
  /** Sets the service clock (undefined: real time). */
  setNow(now: Date | undefined): void;
  close(): Promise<void>;
}

/**
 * Clones the migrated template into a database of this test file's own, then starts the real
 * app on a loopback port. Nothing is mocked: the database is a real PostgreSQL.
 */
export async function startTestContext(
  overrides: Record<string, unknown> = {},
  /** Another PostgreSQL server than the run's (a test that restarts its own): its maintenance URL and a migrated template there. */
  database?: { adminUrl: string; template: string },
  /** Environment variables for loadConfig besides the database's (a secret such as MAIL_SMTP_PASSWORD). */
  env: Record<string, string> = {},
): Promise<TestContext> {
  const adminUrl = database?.adminUrl ?? inject('pgAdminUrl');
  const template = database?.template ?? inject('pgTemplate');
  const name = `frisbee_test_${inject('pgRunId')}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Client(adminUrl);
  await admin.connect();
  const roles = inject('pgRoles');
  await admin.query(`create database "${name}" template "${template}" owner ${ident(roles.owner)}`);
  await admin.end();
  const databaseUrl = databaseUrlOn(adminUrl, name);
  // The service connects as the runtime role, so a missing grant fails the test that needs it.
  const { ownerUrl, runtimeUrl } = roleUrls(adminUrl, name, roles);
  const databaseEnv = { DATABASE_URL: runtimeUrl, DATABASE_OWNER_URL: ownerUrl };
  // A data directory of its own: the audit checkpoints and their signing key live there.
  const dataDir = mkdtempSync(join(tmpdir(), 'frisbee-test-data-'));
  const config = loadConfig(
    { ...env, ...databaseEnv, SECRET_KEY: randomBytes(32).toString('base64') },
    {
      log: { level: process.env.TEST_LOG_LEVEL ?? 'silent' },
      http: { port: 0, checkResponses: true },
      dataDir,
      ...overrides,
    },
  );
  const orm = await openOrm(runtimeUrl, entities, { poolMax: 10 });
  const logger = createLogger(config.log.level);
  // The service's own pool: a failing connection is dropped, not thrown. pool.end() resolves
  // before its sockets close, so close() below can drop the database while one is still closing.
  const pool = openRawPool(runtimeUrl, logger);
  let fixedNow: Date | undefined;
  const services: Services = {
    config,
    orm,
    pool,
    keys: deriveKeys(Buffer.from(config.secretKey ?? '', 'base64')),
    logger,
    now: () => fixedNow ?? new Date(),
  };
  const { listener, prepareServer } = createApp(services);
  const server: Server = createServer(listener).listen(0, '127.0.0.1');
  prepareServer(server);
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    services,
    databaseUrl,
    runtimeUrl,
    ownerUrl,
    databaseEnv,
    baseUrl: `http://127.0.0.1:${port}`,
    setNow: (now) => {
      fixedNow = now;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
      await orm.close(true);
      const cleanup = new pg.Client(adminUrl);
      await cleanup.connect();
      await cleanup.query(`drop database if exists "${name}" with (force)`);
      await cleanup.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
