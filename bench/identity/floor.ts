/**
 * The floor of the introspection benchmark (issue 17, scope 1): the plainest fast server for the
 * same work, run as its own process like the service. A bare `node:http` handler, a `pg` pool of
 * the service's size (4), the service's own introspection statement and its once-a-minute touch,
 * the same token hash; no framework, no key check, no schema, no logging.
 * `node --import tsx bench/identity/floor.ts <databaseUrl> <idleMs>`; prints `listening <port>`.
 */
import { createServer } from 'node:http';
import pg from 'pg';
import {
  INTROSPECT_STATEMENT,
  INTROSPECT_TOUCH,
  LAST_SEEN_GRANULARITY_MS,
} from '../../server/core/introspect.ts';
import { hashToken } from '../../server/shared/tokens.ts';
import { serveContender } from './listen.ts';

interface Row {
  sid: string;
  sub: string;
  username: string | null;
  core_account: string | null;
  iat: string;
  exp: string;
  stale: boolean;
}

const [databaseUrl = '', idle = '0'] = process.argv.slice(2);
const idleMs = Number(idle);
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });

async function answer(body: string): Promise<string> {
  const { token } = JSON.parse(body) as { token: string };
  const now = new Date();
  const staleBefore = new Date(now.getTime() - LAST_SEEN_GRANULARITY_MS);
  const { rows } = await pool.query<Row>({
    ...INTROSPECT_STATEMENT,
    values: [hashToken(token), now, staleBefore, new Date(now.getTime() - idleMs)],
  });
  const row = rows[0];
  if (!row) return '{"active":false}';
  if (row.stale) await pool.query({ ...INTROSPECT_TOUCH, values: [row.sid, now, staleBefore] });
  return JSON.stringify({
    active: true,
    sub: row.sub,
    username: row.username ?? undefined,
    core_account: row.core_account ?? undefined,
    sid: row.sid,
    exp: Number(row.exp),
    iat: Number(row.iat),
    token_type: 'device_session',
  });
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    answer(Buffer.concat(chunks).toString('utf8')).then(
      (text) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(text);
      },
      () => {
        response.writeHead(500);
        response.end();
      },
    );
  });
});
serveContender(server, pool);
