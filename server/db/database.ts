import { join } from 'node:path';
import pg from 'pg';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { type EmbeddedServer, startEmbeddedPostgres } from './embeddedPostgres.ts';
import { type MikroORM, migrate, type OrmEntities, openOrm } from './orm.ts';

/** The open database: the ORM, a small raw pool for streaming and LISTEN, and how to close both. */
export interface Database {
  orm: MikroORM;
  /** node-postgres pool for streamed reads (exports, verification) and notifications. */
  pool: pg.Pool;
  url: string;
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

/**
 * Opens the database named by the configuration: the external `database.url`, or an embedded
 * PostgreSQL in `<dataDir>/postgres` started for the life of this process, mapping `entities`
 * (server/entities.ts). Applies migrations.
 */
export async function openDatabase(
  config: Config,
  logger: Logger,
  entities: OrmEntities,
): Promise<Database> {
  let embedded: EmbeddedServer | null = null;
  let url = config.database.url;
  if (!url) {
    const dir = join(config.dataDir, 'postgres');
    logger.info({ dir }, 'starting embedded PostgreSQL');
    embedded = await startEmbeddedPostgres(dir, {
      log: (line) => logger.debug({ postgres: line.trim() }, 'postgres'),
    });
    await ensureDatabase(embedded, EMBEDDED_DATABASE);
    url = embedded.url(EMBEDDED_DATABASE);
  }
  const orm = await openOrm(url, entities, {
    poolMax: config.database.poolMax,
    log: (message) => logger.debug({ orm: message }, 'orm'),
  });
  const applied = await migrate(orm);
  if (applied.length > 0) logger.info({ applied }, 'database migrated');
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', (error) => logger.warn({ err: error }, 'idle database connection failed'));
  const server = embedded;
  return {
    orm,
    pool,
    url,
    embedded,
    async close() {
      await pool.end();
      await orm.close(true);
      if (server) await server.stop();
    },
  };
}
