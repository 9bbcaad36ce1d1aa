import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedServer, startEmbeddedPostgres } from '../../server/db/embeddedPostgres.ts';
import { SCRIPT_RUN_MS } from '../support/timeouts.ts';

const run = promisify(execFile);
let dir: string;
let server: EmbeddedServer;

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client(url);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'frisbee-embedded-'));
  chmodSync(dir, 0o755);
  server = await startEmbeddedPostgres(dir);
});

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('embedded PostgreSQL shared by the service and the CLI', () => {
  it('lets a second process attach to the running cluster instead of stopping it', async () => {
    // What `npm run cli -- ...` does while `npm start` runs on the same DATA_DIR.
    const script = `
      import { startEmbeddedPostgres } from './server/db/embeddedPostgres.ts';
      import pg from 'pg';
      const s = await startEmbeddedPostgres(${JSON.stringify(dir)});
      const c = new pg.Client(s.url('postgres')); await c.connect();
      const r = await c.query('select 1 as one'); await c.end();
      await s.stop();
      process.stdout.write(String(r.rows[0].one) + ':' + s.port);
    `;
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: process.cwd(),
        timeout: SCRIPT_RUN_MS,
      },
    );
    expect(stdout).toBe(`1:${server.port}`);
    // The owner's server is still up after the second process "stopped" its handle.
    expect(await answers(server.url('postgres'))).toBe(true);
  });
});

describe('embedded PostgreSQL settings', () => {
  it('is sized for a bulk load and keeps every durability setting on', async () => {
    const client = new pg.Client(server.url('postgres'));
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string; setting: string }>(
        `select name, current_setting(name) as setting from unnest($1::text[]) as name`,
        [
          [
            'shared_buffers',
            'wal_buffers',
            'max_wal_size',
            'min_wal_size',
            'fsync',
            'synchronous_commit',
            'full_page_writes',
          ],
        ],
      );
      expect(Object.fromEntries(rows.map((row) => [row.name, row.setting]))).toEqual({
        shared_buffers: '512MB',
        wal_buffers: '16MB',
        max_wal_size: '4GB',
        min_wal_size: '1GB',
        // The audit's commits must survive a crash: none of these may be traded for speed.
        fsync: 'on',
        synchronous_commit: 'on',
        full_page_writes: 'on',
      });
    } finally {
      await client.end();
    }
  });
});
