import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { directorySourceSchema, withBaseDns } from '../../server/shared/config/directorySources.ts';
import type { Services } from '../../server/shared/services.ts';
import { hashToken, newToken } from '../../server/shared/tokens.ts';
import { startChangeWatch } from '../../server/sources/changeWatch.ts';
import { useReaderFactory } from '../../server/sources/registry.ts';
import { sambaMissing } from '../../test/support/samba.ts';
import { escapeDnValue, setDisabled } from '../../test/support/sambaPeople.ts';
import { fmt, latency, table } from '../support/stats.ts';
import { syncSource, timedRun } from './engineRuns.ts';
import { benchPerson } from './people.ts';
import { buildSambaDirectory10k } from './sambaDirectory.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Trials through each path. */
const TRIALS = 20;

/** How often a trial looks whether the person's session was revoked. */
const POLL_MS = 10;

/** The watch's interval in this stage: the configuration's default. */
const WATCH_INTERVAL_MS = 500;

/**
 * `npm run bench -- sync --only watch`: an account disabled in AD, to the person's messenger
 * session revoked, on a copy of the 10,000-person Samba template after a full sync. Through the
 * change watch (its default interval, 1 s), and beside it the floor: the same disable followed at
 * once by an incremental run started by hand, which is what the watch does without its wait.
 * The two take turns, each trial a different person; timed from just before the LDAP modify.
 */
export async function watchStage(services: Services): Promise<void> {
  if (sambaMissing) throw new Error(`Samba is needed: ${sambaMissing}`);
  log('Samba DC from the 10k template…');
  const directory = await buildSambaDirectory10k();
  try {
    const { dc } = directory;
    const staff = `OU=Staff,${dc.baseDn}`;
    const connection = directorySourceSchema.parse({
      ...withBaseDns(directory.source, [staff]),
      id: 'bench-watch',
    });
    const source = syncSource(connection);
    const watched = { ...source, settings: { ...source.settings, enabled: true } };
    useReaderFactory(services, null);
    log('full sync…');
    await timedRun(services, source, 'full');
    const watch = startChangeWatch(services, { intervalMs: WATCH_INTERVAL_MS }, async () => [
      watched,
    ]);
    const through: Record<'watch' | 'floor', number[]> = { watch: [], floor: [] };
    try {
      for (let trial = 0; trial < TRIALS * 2; trial += 1) {
        const path = trial % 2 === 0 ? 'watch' : 'floor';
        // Enabled people only (the template disables or expires a few in every hundred).
        let n = 100 + trial * 37;
        while (benchPerson(n).disabled || benchPerson(n).expired) n += 1;
        const person = benchPerson(n);
        const { rows } = await services.pool.query<{ id: string }>(
          'select id from app_user where username = $1 and status = $2',
          [person.login, 'active'],
        );
        const userId = rows[0]?.id;
        if (!userId) throw new Error(`person ${n} (${person.login}) is not active`);
        const session = await services.pool.query<{ id: string }>(
          `insert into device_session (id, user_id, token_hash, device_name, platform, ip,
             user_agent, expires_at, last_seen_at)
           values (gen_random_uuid(), $1, $2, 'Bench phone', 'android', '10.1.2.3', 'bench',
             now() + interval '30 days', now()) returning id`,
          [userId, hashToken(newToken())],
        );
        const sessionId = session.rows[0]?.id;
        const dn = `CN=${escapeDnValue(`${person.displayName} ${n}`)},${staff}`;
        const start = performance.now();
        await setDisabled(dc, dn, true);
        if (path === 'floor') await timedRun(services, source, 'incremental');
        for (;;) {
          const revoked = await services.pool.query<{ revoked: boolean }>(
            'select revoked_at is not null as revoked from device_session where id = $1',
            [sessionId],
          );
          if (revoked.rows[0]?.revoked) break;
          if (performance.now() - start > 120_000) throw new Error(`person ${n} still in`);
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        }
        through[path].push(performance.now() - start);
        // Let a run the watch started end before the next trial's disable.
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      await watch.stop();
    }
    const row = (name: string, ms: number[]) => {
      const stats = latency(ms);
      return [name, String(stats.n), fmt(stats.p50), fmt(stats.p95), fmt(stats.max)];
    };
    process.stdout.write(
      [
        `An account disabled in Samba AD (10,000 people, after a full sync), to the person's messenger session revoked; ${TRIALS} trials each way, taking turns, each a different person, timed from just before the LDAP modify; polled every ${POLL_MS} ms. The watch asks every ${WATCH_INTERVAL_MS} ms (the default); the floor starts an incremental run right after the modify, as the watch does once it has asked. Load average at the end: ${loadavg()
          .map((v) => v.toFixed(2))
          .join(' / ')}.`,
        '',
        table(
          ['path', 'n', 'p50 ms', 'p95 ms', 'max ms'],
          [
            row('the change watch (nobody runs a sync)', through.watch),
            row('floor: an incremental run started at once', through.floor),
          ],
        ),
        '',
        '',
      ].join('\n'),
    );
  } finally {
    await directory.stop();
  }
}
