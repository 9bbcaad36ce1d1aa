import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openRawPool } from '../../server/db/rawPool.ts';
import { createLogger } from '../../server/logger.ts';
import { EXPECT_POLL_MS, TEST_MS, waitUntil } from '../support/timeouts.ts';

/** The log lines the pool wrote, parsed. */
const lines: Array<{ level: number; msg: string; err?: { errorCode?: string } }> = [];
const logger = createLogger('warn', { write: (line: string) => lines.push(JSON.parse(line)) });
/** The SQLSTATE PostgreSQL ends a connection with on a restart ("terminating connection"). */
const TERMINATED = '57P01';
let pool: pg.Pool;
let admin: pg.Client;

/** Ends a connection's server process as a PostgreSQL restart does (57P01 to the client). */
async function terminate(pid: number): Promise<void> {
  await admin.query('select pg_terminate_backend($1)', [pid]);
}

async function backendPid(client: pg.PoolClient): Promise<number> {
  const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
  return rows[0]?.pid ?? 0;
}

beforeAll(async () => {
  pool = openRawPool(inject('pgAdminUrl'), logger);
  admin = new pg.Client(inject('pgAdminUrl'));
  await admin.connect();
});

afterAll(async () => {
  await pool.end();
  await admin.end();
});

describe('the raw pool when PostgreSQL ends its connections', () => {
  it(
    'logs a checked-out connection lost between statements, never throws, and drops it on release',
    async () => {
      // What a checkpoint writer holds while it writes the file: a client inside a transaction,
      // no statement running. node-postgres emits the server's FATAL on the client itself.
      const client = await pool.connect();
      const before = lines.length;
      try {
        await client.query('begin');
        await terminate(await backendPid(client));
        await waitUntil('the lost connection logged', EXPECT_POLL_MS, () =>
          lines.slice(before).some((line) => line.err?.errorCode === TERMINATED),
        );
        await expect(client.query('select 1')).rejects.toThrow();
      } finally {
        client.release();
      }
      expect(lines.slice(before).every((line) => line.msg === 'database connection failed')).toBe(
        true,
      );
      expect(pool.totalCount).toBe(0);
      const { rows } = await pool.query<{ one: number }>('select 1 as one');
      expect(rows[0]?.one).toBe(1);
    },
    TEST_MS,
  );

  it(
    'logs an idle connection lost in the pool and serves the next statement on a new one',
    async () => {
      const client = await pool.connect();
      const pid = await backendPid(client);
      client.release();
      const before = lines.length;
      await terminate(pid);
      await waitUntil('the lost connection logged', EXPECT_POLL_MS, () =>
        lines.slice(before).some((line) => line.err?.errorCode === TERMINATED),
      );
      await waitUntil('the pool dropped it', EXPECT_POLL_MS, () => pool.totalCount === 0);
      const { rows } = await pool.query<{ pid: number }>('select pg_backend_pid() as pid');
      expect(rows[0]?.pid).not.toBe(pid);
    },
    TEST_MS,
  );
});
