import { systemActor } from '../authz/actor.ts';
import { AppError } from '../shared/errors.ts';
import type { Services } from '../shared/services.ts';
import { createDisabledProbe, type DisabledProbe } from './ldap/disabledProbe.ts';
import { type DirectorySyncSource, listSources } from './registry.ts';
import { lastCursor, startRun } from './runs.ts';

/** `directorySync.watch`: how often each AD source is asked whether someone was disabled. */
export interface ChangeWatchOptions {
  intervalMs: number;
}

/** A running watch of the directory sources. */
export interface ChangeWatch {
  stop(): Promise<void>;
}

// How often the list of sources is read again (a source added, changed, disabled).
const SOURCES_EVERY_MS = 30_000;

// A pass that took t waits at least this many times t before the next: the watch keeps its own
// work, and the DCs' (Samba searches uSNChanged without an index), under a tenth of the time.
const IDLE_PER_BUSY = 9;

// After a probe failed (the DC down, the password changed), the source is left alone this long.
const PAUSE_AFTER_FAILURE_MS = 30_000;

// The source's latest run (dry runs aside) still in progress or waiting for an admin: the watch
// starts none beside it. The latest only, so each look is one probe of sync_run_source_idx,
// however many runs a source has had.
const RUN_PENDING_SQL = `select status in ('running', 'planned', 'awaiting_approval', 'applying')
  as pending from sync_run where source_id = $1 and mode <> 'dry-run'
 order by started_at desc, id desc limit 1`;

interface Watched {
  source: DirectorySyncSource;
  /** The source's connection settings and password's age as JSON: a change makes a new probe. */
  connection: string;
  probe: DisabledProbe;
  /** The cursor (its USN) a run was started for: none again until a run moves the cursor. */
  triggeredFor: string | null;
  pausedUntil: number;
  failing: boolean;
}

/**
 * Starts an incremental run of an AD source within a probe's interval of an account being
 * disabled there, instead of at the next scheduled run (every 5 minutes by default): "gone
 * means gone", whoever in AD switched the person off. Every `intervalMs` each enabled AD source
 * with a cursor is asked, on a connection of its own, whether an account under its base DNs was
 * changed after the cursor and is disabled now (disabledProbe.ts: one indexed search, no
 * attributes); if so, an incremental run starts (actor `watch`), which deactivates the person
 * through the lifecycle as any run does. Other changes (renames, groups, deletions, moves out of
 * the base DNs) wait for the schedule: AD's change counter moves for every object of the domain,
 * and a run for each would be a run every few seconds. At most one run per cursor: a run that
 * fails or waits for approval leaves the cursor, and the watch waits for the schedule's next
 * run to move it. Several processes may watch: the source's lock lets one run start.
 */
export function startChangeWatch(
  services: Services,
  options: ChangeWatchOptions,
  /** The sources to watch (the service's own by default; a benchmark passes its own). */
  sources: () => Promise<DirectorySyncSource[]> = () => listSources(services),
): ChangeWatch {
  const { logger } = services;
  const watched = new Map<string, Watched>();
  let running = true;
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<void> = Promise.resolve();
  let sourcesReadAt = Number.NEGATIVE_INFINITY;
  let passesFailing = false;

  const readSources = async () => {
    const wanted = (await sources()).filter(
      (source) => source.settings.enabled && source.connection?.kind === 'active-directory',
    );
    const ids = new Set(wanted.map((source) => source.id));
    for (const [id, entry] of watched)
      if (!ids.has(id)) {
        watched.delete(id);
        await entry.probe.close();
      }
    for (const source of wanted) {
      if (!source.connection) continue;
      // A stored password serializes as {}: its change time stands for it.
      const connection = JSON.stringify([source.connection, source.bindPasswordChangedAt]);
      const known = watched.get(source.id);
      if (known && known.connection === connection) {
        known.source = source;
        continue;
      }
      await known?.probe.close();
      watched.set(source.id, {
        source,
        connection,
        probe: createDisabledProbe(source.connection),
        triggeredFor: known?.triggeredFor ?? null,
        pausedUntil: 0,
        failing: false,
      });
    }
  };

  const watchOne = async (entry: Watched) => {
    if (Date.now() < entry.pausedUntil) return;
    const cursor = await lastCursor(services.pool, entry.source.id);
    const usn = cursor?.highestCommittedUsn;
    if (!cursor || !usn || entry.triggeredFor === usn) return;
    const { rows } = await services.pool.query<{ pending: boolean }>(RUN_PENDING_SQL, [
      entry.source.id,
    ]);
    if (rows[0]?.pending) return;
    let disabled: boolean;
    try {
      disabled = await entry.probe.disabledSince(cursor);
      if (entry.failing) logger.info({ sourceId: entry.source.id }, 'change watch recovered');
      entry.failing = false;
    } catch (error) {
      // Logged once per outage; the scheduled runs report the source's state meanwhile.
      if (!entry.failing)
        logger.warn({ err: error, sourceId: entry.source.id }, 'change watch: probe failed');
      entry.failing = true;
      entry.pausedUntil = Date.now() + PAUSE_AFTER_FAILURE_MS;
      return;
    }
    if (!disabled) return;
    entry.triggeredFor = usn;
    try {
      const started = await startRun(services, entry.source, 'incremental', systemActor('watch'));
      logger.info(
        { sourceId: entry.source.id, runId: started.runId },
        'change watch: an account was disabled; incremental run started',
      );
      started.done.catch((error: unknown) =>
        logger.warn({ err: error, sourceId: entry.source.id }, 'change watch: the run failed'),
      );
    } catch (error) {
      // Another process (or an admin) started one first; look again once it is done.
      if (error instanceof AppError && error.code === 'sync_already_running') {
        entry.triggeredFor = null;
        return;
      }
      throw error;
    }
  };

  const tick = async () => {
    if (Date.now() - sourcesReadAt >= SOURCES_EVERY_MS) {
      await readSources();
      sourcesReadAt = Date.now();
    }
    for (const entry of watched.values()) {
      if (!running) return;
      await watchOne(entry);
    }
  };

  const schedule = (delayMs: number) => {
    if (!running) return;
    timer = setTimeout(() => {
      const started = Date.now();
      ticking = tick()
        .then(
          () => {
            if (passesFailing) logger.info('change watch: passes recovered');
            passesFailing = false;
          },
          (error: unknown) => {
            // Once per outage (the database down), not every half second.
            if (!passesFailing) logger.warn({ err: error }, 'change watch: a pass failed');
            passesFailing = true;
          },
        )
        .finally(() =>
          schedule(Math.max(options.intervalMs, (Date.now() - started) * IDLE_PER_BUSY)),
        );
    }, delayMs);
    timer.unref();
  };
  schedule(options.intervalMs);
  return {
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      await ticking;
      for (const entry of watched.values()) await entry.probe.close();
      watched.clear();
    },
  };
}
