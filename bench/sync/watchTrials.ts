import { Attribute, Change, type Client } from 'ldapts';
import type { Services } from '../../server/shared/services.ts';
import { hashToken, newToken } from '../../server/shared/tokens.ts';
import { type ChangeWatch, startChangeWatch } from '../../server/sources/changeWatch.ts';
import type { DirectorySyncSource } from '../../server/sources/registry.ts';
import { fmt, latency } from '../support/stats.ts';
import { timedRun } from './engineRuns.ts';

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
async function timeUntil(
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
function latencyRow(door: string, path: string, times: readonly number[]): string[] {
  const stats = latency([...times]);
  return [door, path, String(stats.n), fmt(stats.p50), fmt(stats.p95), fmt(stats.max)];
}

/** Who acts on a trial's change: the watch, or a run started by hand (the floor). */
export type WatchPath = 'watch' | 'floor';

/** One trial, prepared: its change, and how to tell the person was cut (or let in). */
export interface Trial {
  /** Says whether the change took effect in the service (a session revoked, a person created). */
  done: () => Promise<boolean>;
  /**
   * Makes the change in the directory; returns the instant (performance.now()) the trial is
   * timed from: just before it, or a later instant it set (an expiry).
   */
  change: () => Promise<number>;
  /** The floor's wait before its run (until an expiry's instant). */
  beforeFloor?: () => Promise<void>;
  /** With the watch on and past its first looks, an untimed step before the change. */
  warm?: (watch: ChangeWatch) => Promise<void>;
}

/**
 * Runs `trials` turns of every door and path in `turns`, each prepared by `prepare`, and gives
 * each door and path's times (ms). A watch trial starts the change watch of `source` alone (its
 * default interval) and waits for its first two looks before the change; a floor trial starts
 * an incremental run of `source` right after it. A short pause after each trial lets a run the
 * watch started end.
 */
export async function runWatchTrials<Door extends string>(
  services: Services,
  source: DirectorySyncSource,
  turns: ReadonlyArray<readonly [Door, WatchPath]>,
  trials: number,
  prepare: (trial: number, door: Door, path: WatchPath) => Promise<Trial>,
): Promise<Map<string, number[]>> {
  const watched = { ...source, settings: { ...source.settings, enabled: true } };
  const through = new Map<string, number[]>();
  for (let trial = 0; trial < trials * turns.length; trial += 1) {
    const turn = turns[trial % turns.length];
    if (!turn) continue;
    const [door, path] = turn;
    const prepared = await prepare(trial, door, path);
    const watch =
      path === 'watch'
        ? startChangeWatch(services, { intervalMs: WATCH_INTERVAL_MS }, async () => [watched])
        : null;
    try {
      while (watch && watch.passes < 2) await sleep(POLL_MS);
      if (watch) await prepared.warm?.(watch);
      const start = await prepared.change();
      if (path === 'floor') {
        await prepared.beforeFloor?.();
        await timedRun(services, source, 'incremental');
      }
      const times = through.get(`${door} ${path}`) ?? [];
      times.push(await timeUntil(prepared.done, start, `trial ${trial} (${door})`));
      through.set(`${door} ${path}`, times);
    } finally {
      await watch?.stop();
    }
    await sleep(200);
  }
  return through;
}

/** The table's rows of runWatchTrials' times, in the turns' order; `floor` names a door's floor. */
export function watchRows<Door extends string>(
  turns: ReadonlyArray<readonly [Door, WatchPath]>,
  through: Map<string, number[]>,
  floor: (door: Door) => string,
): string[][] {
  return turns.map(([door, path]) =>
    latencyRow(
      door,
      path === 'watch' ? WATCHED : floor(door),
      through.get(`${door} ${path}`) ?? [],
    ),
  );
}

/** Replaces one attribute of an entry with a single value. */
export function replaceValue(client: Client, dn: string, type: string, value: string) {
  return client.modify(
    dn,
    new Change({ operation: 'replace', modification: new Attribute({ type, values: [value] }) }),
  );
}
