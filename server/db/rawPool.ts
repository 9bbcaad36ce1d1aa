import pg from 'pg';
import type { Logger } from '../logger.ts';

/**
 * A small node-postgres pool (4 connections by default) for what goes around the ORM: streamed
 * reads, notifications, and the hot statements of introspection. A connection that fails is
 * logged and dropped, never thrown: idle in the pool, and also while checked out but between
 * statements (a transaction writing a checkpoint file, a stream waiting on its reader), when
 * node-postgres emits the server's "terminating connection" on the client itself. Without a
 * listener there, a PostgreSQL restart ended the whole process. The next statement on such a
 * client rejects, and the pool drops it on release.
 */
export function openRawPool(url: string, logger: Logger, max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('connect', (client) => {
    client.on('error', (error) => logger.warn({ err: error }, 'database connection failed'));
  });
  // The pool re-emits an idle client's error here; the client's own listener has logged it.
  pool.on('error', () => undefined);
  return pool;
}
