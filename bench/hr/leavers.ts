import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { freePort } from '../../server/shared/freePort.ts';
import { hashToken, newToken } from '../../server/shared/tokens.ts';
import { startBenchService } from '../core/service.ts';
import { openBenchDatabase } from '../support/database.ts';
import { signInSuperadmin } from '../support/session.ts';
import { fmt, table } from '../support/stats.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);

/** How far ahead of its write the date's changes fall due: the timer has long been asleep. */
const DUE_IN_MS = 3_000;

/** The bulk API's largest request (`POST /users/bulk/deactivate`). */
const BULK_IDS = 1_000;

/** How often the date's side is looked at while it fires. */
const POLL_MS = 20;

/**
 * Makes `count` active people named `<prefix><n>`, one live messenger device session each
 * (set-based), and returns their ids.
 */
async function seedPeople(pool: pg.Pool, prefix: string, count: number): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `insert into app_user (id, username, family_name, given_name, display_name, status, rank)
     select gen_random_uuid(), $1 || g, 'Уволенный', 'Иван', 'Иван Уволенный ' || g, 'active', 0
       from generate_series(1, $2) g
     returning id`,
    [prefix, count],
  );
  const ids = rows.map((row) => row.id);
  await pool.query(
    `insert into device_session (id, user_id, token_hash, device_name, platform, ip, user_agent,
                                 expires_at, last_seen_at)
     select gen_random_uuid(), u, h, 'Bench phone', 'android', '10.1.2.3', 'FrisbeeMessenger/1.0',
            now() + interval '30 days', now()
       from unnest($1::uuid[], $2::bytea[]) as t(u, h)`,
    [ids, ids.map(() => hashToken(newToken()))],
  );
  return ids;
}

/** How many of `prefix`'s people still hold a live device session. */
async function stillIn(pool: pg.Pool, prefix: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `select count(*)::int as n from device_session d join app_user u on u.id = d.user_id
      where u.username like $1 || '%' and d.revoked_at is null`,
    [prefix],
  );
  return rows[0]?.n ?? 0;
}

/**
 * `npm run bench -- hr leavers [--people 5000]`: many leavers on one date. `people` people, each
 * with a messenger session, get one scheduled deactivation at the same instant, written a few
 * seconds ahead as an HR channel writes them; the service (one `server/main.ts` process with its
 * jobs on) fires them by its due timer. Timed from the instant to the first and the last person
 * cut (every session revoked), polled every 20 ms. The floor, in the same run and on the same
 * service: as many other people deactivated through the lifecycle by the plainest way an admin
 * has, `POST /users/bulk/deactivate` with 1,000 ids a request, one request after another, timed
 * from the first request to the last answer.
 */
export async function runLeaversBench(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { people: { type: 'string', default: '5000' } },
    allowPositionals: true,
  });
  const people = Number(values.people);
  const db = await openBenchDatabase('leavers', { fresh: true, poolMax: 4 });
  const { pool } = db.services;
  const service = await startBenchService(await freePort(), {
    DATABASE_URL: db.url,
    SECRET_KEY: db.services.config.secretKey ?? '',
  });
  try {
    log(`leavers: ${people} on one date, ${people} through the bulk API`);
    await seedPeople(pool, 'bench.leaver.date.', people);
    const bulkIds = await seedPeople(pool, 'bench.leaver.bulk.', people);
    await pool.query('analyze app_user; analyze device_session');

    // The date: every change at one instant, a few seconds after it is written.
    const instant = new Date(Date.now() + DUE_IN_MS);
    const instantAt = performance.now() + (instant.getTime() - Date.now());
    await pool.query(
      `insert into scheduled_change (id, user_id, kind, effective_date, effective_at, source_id,
         created_by)
       select gen_random_uuid(), u.id, 'deactivate', current_date, $2, 'hr-import',
              'source:hr-import'
         from app_user u where u.username like $1 || '%'`,
      ['bench.leaver.date.', instant],
    );
    let first = Number.NaN;
    let left = people;
    while (left > 0) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      left = await stillIn(pool, 'bench.leaver.date.');
      if (left < people && Number.isNaN(first)) first = performance.now() - instantAt;
      if (performance.now() - instantAt > 600_000) throw new Error(`${left} leavers still in`);
    }
    const last = performance.now() - instantAt;
    const loadAfterDate = loadavg();

    // The floor: the same lifecycle through the bulk API.
    const { client: admin } = await signInSuperadmin(db.services, service.baseUrl);
    const bulkStart = performance.now();
    for (let i = 0; i < bulkIds.length; i += BULK_IDS) {
      const answer = await admin.timed('POST', '/api/v1/users/bulk/deactivate', {
        ids: bulkIds.slice(i, i + BULK_IDS),
        reason: 'bench',
      });
      if (answer.status !== 200)
        throw new Error(`bulk deactivate: ${answer.status} ${answer.body}`);
    }
    const bulk = performance.now() - bulkStart;
    const bulkLeft = await stillIn(pool, 'bench.leaver.bulk.');
    if (bulkLeft > 0) throw new Error(`${bulkLeft} people still in after the bulk API`);

    const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(' / ');
    process.stdout.write(
      [
        `Leavers on one date: ${people.toLocaleString('en-US')} people with a messenger session each, one scheduled deactivation each at the same instant, written ${DUE_IN_MS / 1000} s ahead; one \`server/main.ts\` process with its jobs on fires them (the due timer; 500 a transaction). Cut = every session of the person revoked, polled every ${POLL_MS} ms. The floor: ${people.toLocaleString('en-US')} other people through \`POST /api/v1/users/bulk/deactivate\`, ${BULK_IDS.toLocaleString('en-US')} ids a request, one after another, same service. Load average (1 / 5 / 15 min) after the date: ${load(loadAfterDate)}; at the end: ${load(loadavg())}.`,
        '',
        table(
          ['door', 'people', 'first cut', 'last cut', 'people/s', 'vs the floor'],
          [
            [
              'date (from its instant)',
              String(people),
              `${fmt(first)} ms`,
              `${fmt(last / 1000)} s`,
              fmt(people / (last / 1000)),
              `${(last / bulk).toFixed(2)}×`,
            ],
            [
              'floor: bulk API (from the first request)',
              String(people),
              '—',
              `${fmt(bulk / 1000)} s`,
              fmt(people / (bulk / 1000)),
              '1.00×',
            ],
          ],
        ),
        '',
        '',
      ].join('\n'),
    );
  } finally {
    await service.stop();
    await db.close();
  }
}
