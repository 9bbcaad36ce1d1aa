import type { Services } from '../../server/shared/services.ts';
import { hashToken, newToken } from '../../server/shared/tokens.ts';
import { fmt, latency } from '../support/stats.ts';

/** How often a trial looks whether the person's session was revoked. */
export const POLL_MS = 10;

/** The change watch's interval in the watch stages: the configuration's default. */
export const WATCH_INTERVAL_MS = 500;

/** What a watch trial's row names the watch's path. */
export const WATCHED = 'the change watch (nobody runs a sync)';

/** Waits `ms` (none when negative). */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * A person about to be cut: active now, given a device session; says whether it is revoked.
 */
export async function cut(
  services: Services,
  n: number,
  login: string,
): Promise<() => Promise<boolean>> {
  const { rows } = await services.pool.query<{ id: string }>(
    'select id from app_user where username = $1 and status = $2',
    [login, 'active'],
  );
  const userId = rows[0]?.id;
  if (!userId) throw new Error(`person ${n} (${login}) is not active`);
  const session = await services.pool.query<{ id: string }>(
    `insert into device_session (id, user_id, token_hash, device_name, platform, ip,
       user_agent, expires_at, last_seen_at)
     values (gen_random_uuid(), $1, $2, 'Bench phone', 'android', '10.1.2.3', 'bench',
       now() + interval '30 days', now()) returning id`,
    [userId, hashToken(newToken())],
  );
  const sessionId = session.rows[0]?.id;
  return async () => {
    const revoked = await services.pool.query<{ revoked: boolean }>(
      'select revoked_at is not null as revoked from device_session where id = $1',
      [sessionId],
    );
    return revoked.rows[0]?.revoked === true;
  };
}

/**
 * Polls `done` every POLL_MS; returns the milliseconds since `start` (performance.now()) when
 * it says so. A trial that sees nothing in two minutes fails the stage.
 */
export async function timeUntil(
  done: () => Promise<boolean>,
  start: number,
  what: string,
): Promise<number> {
  for (;;) {
    if (await done()) return performance.now() - start;
    if (performance.now() - start > 120_000) throw new Error(`${what}: no change seen`);
    await sleep(POLL_MS);
  }
}

/** A table row per door and path: n, p50, p95 and max of its trials, in ms. */
export function latencyRow(door: string, path: string, times: readonly number[]): string[] {
  const stats = latency([...times]);
  return [door, path, String(stats.n), fmt(stats.p50), fmt(stats.p95), fmt(stats.max)];
}
