import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../../server/config.ts';
import { type EmbeddedServer, startEmbeddedPostgres } from '../../server/db/embeddedPostgres.ts';
import { migrate, openOrm } from '../../server/db/orm.ts';
import { entities } from '../../server/entities.ts';
import { createLogger } from '../../server/logger.ts';
import { deriveKeys } from '../../server/shared/secrets.ts';
import type { Services } from '../../server/shared/services.ts';

/** bench/.data: clusters and state kept between runs (gitignored). */
export const BENCH_DATA_DIR = resolve(fileURLToPath(new URL('..', import.meta.url)), '.data');

/** A benchmark's own embedded PostgreSQL and real Services on it. */
export interface BenchDatabase {
  services: Services;
  url: string;
  dir: string;
  /** Closes the pools and stops PostgreSQL (the server this process started). */
  close(): Promise<void>;
}

function masterKey(dir: string): string {
  const path = join(dir, 'secret.key');
  if (!existsSync(path)) writeFileSync(path, randomBytes(32).toString('base64'), { mode: 0o600 });
  return readFileSync(path, 'utf8').trim();
}

/**
 * Starts (initialising on first use, or after wiping it when `fresh`) an embedded PostgreSQL in
 * bench/.data/<name>, migrates database `bench`, and assembles Services with an ORM pool of
 * `poolMax` connections. The audit key is kept beside the cluster so reused data still verifies.
 */
export async function openBenchDatabase(
  name: string,
  options: { fresh: boolean; poolMax: number },
): Promise<BenchDatabase> {
  const dir = join(BENCH_DATA_DIR, name);
  if (options.fresh) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const server: EmbeddedServer = await startEmbeddedPostgres(join(dir, 'postgres'));
  try {
    const admin = new pg.Client(server.url('postgres'));
    await admin.connect();
    const found = await admin.query("select 1 from pg_database where datname = 'bench'");
    if (found.rowCount === 0) await admin.query('create database bench');
    await admin.end();
    const url = server.url('bench');
    const config = loadConfig(
      {},
      {
        dataDir: dir,
        database: { url, poolMax: options.poolMax },
        secretKey: masterKey(dir),
        log: { level: 'silent' },
        http: { port: 0 },
      },
    );
    const orm = await openOrm(url, entities, { poolMax: options.poolMax });
    await migrate(orm);
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    const services: Services = {
      config,
      orm,
      pool,
      keys: deriveKeys(Buffer.from(config.secretKey ?? '', 'base64')),
      // Errors (a 500's stack) go to stderr; stdout stays the report.
      logger: createLogger('error', { write: (line: string) => process.stderr.write(line) }),
      now: () => new Date(),
    };
    return {
      services,
      url,
      dir,
      async close() {
        await pool.end();
        await orm.close(true);
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
