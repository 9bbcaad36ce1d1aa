import type pg from 'pg';
import { hashToken, newToken } from '../../server/shared/tokens.ts';

/** How many people the 10,000 sessions belong to (ten devices each). */
const PEOPLE = 1_000;

/**
 * Replaces the benchmark's device sessions with `count` fresh live ones (tokens exist only in
 * memory, so they are made anew each run), spread over bench people created on first use.
 * Set-based: one INSERT ... SELECT from arrays. Returns the tokens.
 *
 * Each session was last seen at a random moment of the last minute, as live sessions are. Seeded
 * all at once, every session would turn stale (and be touched) in the same second, once a minute:
 * a burst of 10,000 updates that fell on whichever server the clock of the rounds put there
 * (every third service round, with rounds of 10 s), not on both alike.
 */
export async function seedDeviceSessions(pool: pg.Pool, count: number): Promise<string[]> {
  await pool.query(
    `insert into app_user (id, username, family_name, given_name, display_name, status, rank)
     select gen_random_uuid(), 'bench.device.' || g, 'Устройствов', 'Иван', 'Иван Устройствов ' || g,
            'active', 0
       from generate_series(1, $1) g
     on conflict do nothing`,
    [PEOPLE],
  );
  const { rows } = await pool.query<{ id: string }>(
    "select id from app_user where username like 'bench.device.%' order by username",
  );
  await pool.query(
    "delete from device_session where user_id in (select id from app_user where username like 'bench.device.%')",
  );
  const tokens = Array.from({ length: count }, () => newToken());
  const userIds = tokens.map((_, i) => rows[i % rows.length]?.id ?? '');
  await pool.query(
    `insert into device_session (id, user_id, token_hash, device_name, platform, ip, user_agent,
                                 expires_at, last_seen_at)
     select gen_random_uuid(), u, h, 'Bench phone', 'android', '10.1.2.3', 'FrisbeeMessenger/1.0',
            now() + interval '30 days', now() - random() * interval '60 seconds'
       from unnest($1::uuid[], $2::bytea[]) as t(u, h)`,
    [userIds, tokens.map((token) => hashToken(token))],
  );
  await pool.query('analyze device_session');
  return tokens;
}
