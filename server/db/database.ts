import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { type EmbeddedServer, startEmbeddedPostgres } from './embeddedPostgres.ts';
import { type MikroORM, migrateAsOwner, type OrmEntities, openOrm } from './orm.ts';
import { openRawPool } from './rawPool.ts';
import {
  ensureLoginRole,
  ident,
  OWNER_ROLE,
  RUNTIME_ROLE,
  transferOwnership,
  userOf,
  withCredentials,
} from './roles.ts';

/** The open database: the ORM, a small raw pool for streaming and LISTEN, and how to close both. */
export interface Database {
  orm: MikroORM;
  /** node-postgres pool for streamed reads (exports, verification) and notifications. */
  pool: pg.Pool;
  /** The runtime role's URL (the service's connections). */
  url: string;
  /** The owner role's URL (migrations, operator tools that write history); null: one role. */
  ownerUrl: string | null;
  embedded: EmbeddedServer | null;
  close(): Promise<void>;
}

const EMBEDDED_DATABASE = 'frisbee';

async function ensureDatabase(server: EmbeddedServer, name: string): Promise<void> {
  const client = new pg.Client(server.url('postgres'));
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
}

/** A random password kept in `path` (mode 0600), made on first use like the other secrets. */
function passwordIn(path: string): string {
  if (!existsSync(path)) {
    writeFileSync(path, randomBytes(24).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(path, 'utf8').trim();
}

/**
 * The embedded database's two roles (docs/database.md): the owner, which owns the database and
 * runs migrations, and the runtime role the service connects as. Created on first start with
 * random passwords kept beside the cluster; a database made before the split is handed over.
 */
async function provisionEmbeddedRoles(
  server: EmbeddedServer,
  dir: string,
): Promise<{ ownerUrl: string; runtimeUrl: string }> {
  const ownerPassword = passwordIn(join(dir, 'owner-password'));
  const runtimePassword = passwordIn(join(dir, 'runtime-password'));
  const superuserUrl = server.url(EMBEDDED_DATABASE);
  const admin = new pg.Client(superuserUrl);
  await admin.connect();
  try {
    await ensureLoginRole(admin, OWNER_ROLE, ownerPassword);
    await ensureLoginRole(admin, RUNTIME_ROLE, runtimePassword);
    await admin.query(`alter database "${EMBEDDED_DATABASE}" owner to ${ident(OWNER_ROLE)}`);
    await admin.query(`revoke create on schema public from public`);
    await transferOwnership(admin, OWNER_ROLE, RUNTIME_ROLE);
  } finally {
    await admin.end();
  }
  return {
    ownerUrl: withCredentials(superuserUrl, OWNER_ROLE, ownerPassword),
    runtimeUrl: withCredentials(superuserUrl, RUNTIME_ROLE, runtimePassword),
  };
}

/**
 * Opens the database named by the configuration: the external `database.url`, or an embedded
 * PostgreSQL in `<dataDir>/postgres` started for the life of this process, mapping `entities`
 * (server/entities.ts). Applies migrations as the owner role and connects as the runtime role.
 */
export async function openDatabase(
  config: Config,
  logger: Logger,
  entities: OrmEntities,
): Promise<Database> {
  let embedded: EmbeddedServer | null = null;
  let url = config.database.url;
  let ownerUrl = config.database.ownerUrl;
  if (!url) {
    const dir = join(config.dataDir, 'postgres');
    logger.info({ dir }, 'starting embedded PostgreSQL');
    embedded = await startEmbeddedPostgres(dir, {
      log: (line) => logger.debug({ postgres: line.trim() }, 'postgres'),
    });
    await ensureDatabase(embedded, EMBEDDED_DATABASE);
    const roles = await provisionEmbeddedRoles(embedded, dir);
    url = roles.runtimeUrl;
    ownerUrl = roles.ownerUrl;
  } else if (!ownerUrl || ownerUrl === url) {
    ownerUrl = null;
    logger.warn(
      'least privilege is off: only DATABASE_URL is set, so the service migrates and runs as one role that can alter the audit tables. Set DATABASE_OWNER_URL for migrations and give DATABASE_URL the runtime role (docs/database.md)',
    );
  }
  const applied = await migrateAsOwner(ownerUrl ?? url, entities, {
    runtimeRole: ownerUrl ? userOf(url) : null,
    log: (message) => logger.debug({ orm: message }, 'orm'),
  });
  if (applied.length > 0) logger.info({ applied }, 'database migrated');
  const orm = await openOrm(url, entities, {
    poolMax: config.database.poolMax,
    log: (message) => logger.debug({ orm: message }, 'orm'),
  });
  const pool = openRawPool(url, logger);
  const server = embedded;
  return {
    orm,
    pool,
    url,
    ownerUrl,
    embedded,
    async close() {
      await pool.end();
      await orm.close(true);
      if (server) await server.stop();
    },
  };
}
