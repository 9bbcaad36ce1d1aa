import type pg from 'pg';
import { systemActor } from '../authz/actor.ts';
import { AppError } from '../shared/errors.ts';
import { type OutageLog, outageLog } from '../shared/outageLog.ts';
import type { Services } from '../shared/services.ts';
import {
  type AccountProbe,
  type ChangedAccounts,
  createAccountProbe,
} from './ldap/accountProbe.ts';
import { newInScopeAmong } from './newInScope.ts';
import { type DirectorySyncSource, listSources, readerFor } from './registry.ts';
import { lastCursor, startRun } from './runs.ts';
import { targetedReader } from './targetedReader.ts';
import type { SyncCursor } from './types.ts';

/** `directorySync.watch`: how often each directory source is asked whether someone is out. */
export interface ChangeWatchOptions {
  intervalMs: number;
  /** How long a source whose probe failed is left alone; default 30 s (a test shortens it). */
  pauseAfterFailureMs?: number;
  /**
   * A run for a deletion in generic LDAP waits this many times the last one's length after it
   * ended before the next (Watched.deletionRunsFrom); IDLE_PER_BUSY by default (a test raises it).
   */
  deletionIdlePerBusy?: number;
}

/** A running watch of the directory sources. */
export interface ChangeWatch {
  /** Passes finished so far (a test or a benchmark waits for the watch to have looked). */
  readonly passes: number;
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
  probe: AccountProbe;
  /** The cursor an ordinary run was started for: none again until a run moves the cursor. */
  triggeredFor: string | null;
  /**
   * The earliest expiry ahead that the watch knows of (ms): read after each run of the source
   * (expiryReadFor: that run's cursor), lowered by expiries set since; null when none.
   */
  expiresAt: number | null;
  expiryReadFor: string | null;
  /** The people a run of their own was started for, at the cursor `key`: not again there. */
  tried: { key: string | null; ids: Set<string> };
  pausedUntil: number;
  /**
   * Generic LDAP: no ordinary run for a deletion before this instant (ms): IDLE_PER_BUSY times
   * the last one's length after it ended. A deletion is told by a contextCSN no entry carries,
   * which changes of entries the service account cannot read look like too; those must not
   * keep the source enumerating.
   */
  deletionRunsFrom: number;
  /**
   * The cursor at which a deletion was found while its runs kept their pace: its run starts
   * once they may, even if a later change hid it from the probe (contextCSN moved on). A run
   * that moves the cursor enumerates, and so finds it: then this no longer matches.
   */
  deletionPendingAt: string | null;
  /** The probe's failures: the first logged, then its recovery. */
  outage: OutageLog;
}

// Which of the source's people not deactivated yet are not among these external ids.
const NOT_AMONG_SQL = `select u.external_id from app_user u where u.source_id = $1
  and u.status <> 'deactivated' and u.external_id is not null
  and not exists (select 1 from unnest($2::text[]) m(id) where m.id = u.external_id)`;

async function notAmong(
  pool: pg.Pool,
  sourceId: string,
  externalIds: ReadonlySet<string>,
): Promise<string[]> {
  const { rows } = await pool.query<{ external_id: string }>(NOT_AMONG_SQL, [
    sourceId,
    [...externalIds],
  ]);
  return rows.map((row) => row.external_id);
}

// Which of the source's people with these external ids are not deactivated yet.
const STILL_IN_SQL = `select external_id from app_user where source_id = $1
  and external_id = any($2::text[]) and status <> 'deactivated'`;

async function stillIn(pool: pg.Pool, sourceId: string, externalIds: string[]): Promise<string[]> {
  const { rows } = await pool.query<{ external_id: string }>(STILL_IN_SQL, [sourceId, externalIds]);
  return rows.map((row) => row.external_id);
}

/**
 * A cursor's identity: its USN, and the instant its run read (a run started for an expiry may
 * end with the same USN, AD having committed nothing meanwhile).
 */
function cursorKey(cursor: SyncCursor): string | null {
  if (cursor.highestCommittedUsn) return `${cursor.highestCommittedUsn}@${cursor.readAt ?? ''}`;
  // Generic LDAP: only entryCSN cursors can be asked (accountProbe.ts).
  if (cursor.ldapTracking === 'entryCSN' && cursor.contextCsn?.length)
    return cursor.contextCsn.join(' ');
  return null;
}

/**
 * Starts a run of an AD source within a probe's interval of an account being disabled, deleted
 * or moved out of the base DNs there, or at the instant an account's expiry passes, instead of
 * at the next scheduled run (every 5 minutes by default): "gone means gone", whoever in AD
 * switched the person off or whenever AD said they would be. Every `intervalMs` each enabled
 * AD source with a cursor is asked, on a connection of its own, which users of the domain
 * changed since the cursor (and since its last ask): those under its base DNs disabled or
 * expired now, or no longer matched by the user filter, those now outside every base DN, the
 * expiries the changed accounts carry (accountProbe.ts: a search on the indexed uSNChanged,
 * and the same window through the user filter when someone changed under the base DNs; each
 * change looked at once), and,
 * where the account may see tombstones, who was deleted from under them. The earliest expiry
 * ahead is read once after each run of the source (a scan: AD does not index accountExpires),
 * and the watch wakes for it. A generic LDAP source with an entryCSN cursor (OpenLDAP with
 * syncprov) is asked the same of its entries changed since: locked by its lock attribute, no
 * longer matched by the user filter, or moved out of the base DNs; and whether an entry was
 * deleted (the suffix's contextCSN on a change no entry carries), which starts an ordinary
 * incremental run: its enumeration of the ids in scope tells whose entry it was (such runs
 * keep to a tenth of the time, as passes do). Someone found
 * so and still in here is read again by id in a run of their own (targetedReader.ts: the entry,
 * the tombstone, or the entry out of scope; the cursor stays for the next ordinary run); an
 * expiry due starts an ordinary incremental run. So does a change of a group the user filter
 * names (an access group), unless the filter only requires groups directly: then those in here
 * and no longer in their member lists, and those in them the service has no word for (added to
 * the group: newInScope.ts), get a run of their own as above. Either is requested by
 * `watch` and deactivates the person through the lifecycle as any run does. Other changes
 * (renames, mapped groups) wait for the schedule. At most one ordinary run per cursor, and one
 * run per person found at a cursor: a run that fails or waits for approval leaves the cursor,
 * and the watch waits for the schedule's next run to move it. Several processes may watch: the
 * source's lock lets one run start.
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
  const passesOutage = outageLog(logger, {
    failed: 'change watch: a pass failed',
    recovered: 'change watch: passes recovered',
  });
  let passes = 0;

  const readSources = async () => {
    const wanted = (await sources()).filter(
      (source) =>
        source.settings.enabled &&
        (source.connection?.kind === 'active-directory' || source.connection?.kind === 'ldap'),
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
        probe: createAccountProbe(source.connection),
        triggeredFor: known?.triggeredFor ?? null,
        expiresAt: null,
        expiryReadFor: null,
        tried: known?.tried ?? { key: null, ids: new Set() },
        pausedUntil: 0,
        deletionRunsFrom: known?.deletionRunsFrom ?? 0,
        deletionPendingAt: known?.deletionPendingAt ?? null,
        outage: outageLog(logger, {
          failed: 'change watch: probe failed',
          recovered: 'change watch recovered',
        }),
      });
    }
  };

  const watchOne = async (entry: Watched) => {
    if (Date.now() < entry.pausedUntil) return;
    const cursor = await lastCursor(services.pool, entry.source.id);
    const key = cursor ? cursorKey(cursor) : null;
    if (!cursor || !key || entry.triggeredFor === key) return;
    const { rows } = await services.pool.query<{ pending: boolean }>(RUN_PENDING_SQL, [
      entry.source.id,
    ]);
    if (rows[0]?.pending) return;
    const now = services.now();
    let changed: ChangedAccounts;
    // Those found out (disabled, expired, locked, deleted or moved out) and still in here, or
    // found added to the access group, not tried at this cursor.
    let targets: string[];
    try {
      if (entry.expiryReadFor !== key) {
        // From the run's start: an expiry that passed while it ran is due now.
        const after = cursor.readAt ? new Date(cursor.readAt) : now;
        entry.expiresAt = (await entry.probe.earliestExpiry(after))?.getTime() ?? null;
        entry.expiryReadFor = key;
      }
      changed = await entry.probe.changedSince(cursor, now);
      // A filter group changed: those in here no longer in the groups it requires left, and
      // those in them the service has no word for may have joined. By DirSync, only those
      // removed and those added since the last look.
      const members = changed.filterMembers;
      const delta = changed.filterChanges;
      const left = members
        ? await notAmong(services.pool, entry.source.id, members)
        : (delta?.left ?? []);
      const candidates = members ?? new Set(delta?.joined ?? []);
      const joined = await newInScopeAmong(services.pool, entry.source.id, candidates);
      const found = [
        ...changed.out,
        ...changed.deleted,
        ...changed.movedOut,
        ...changed.unmatched,
        ...left,
      ];
      // Only someone still in here counts: a disabled account that a script keeps touching,
      // long since deactivated, or a user of another OU, starts no run.
      const inHere = new Set(
        found.length > 0 ? await stillIn(services.pool, entry.source.id, found) : [],
      );
      if (entry.tried.key !== key) entry.tried = { key, ids: new Set() };
      const { ids: tried } = entry.tried;
      targets = [
        ...new Set(
          [...found.filter((id) => inHere.has(id)), ...joined].filter((id) => !tried.has(id)),
        ),
      ];
      if (changed.nextExpiry)
        entry.expiresAt = Math.min(entry.expiresAt ?? Infinity, changed.nextExpiry.getTime());
      entry.outage.succeeded({ sourceId: entry.source.id });
    } catch (error) {
      // The scheduled runs report the source's state meanwhile.
      entry.outage.failed(error, { sourceId: entry.source.id });
      entry.pausedUntil = Date.now() + (options.pauseAfterFailureMs ?? PAUSE_AFTER_FAILURE_MS);
      return;
    }
    // An expiry due, a change of a group the user filter names, or a deletion in generic LDAP:
    // the watch does not know whose, the ordinary run finds out (and reads everything else
    // changed since the cursor).
    let started = true;
    // A deletion found while its runs keep their pace waits for them (deletionPendingAt); the
    // people found out meanwhile get their run of their own as usual.
    const deletion = changed.entryDeleted || entry.deletionPendingAt === key;
    const deletionPaced = deletion && Date.now() < entry.deletionRunsFrom;
    if (deletionPaced) entry.deletionPendingAt = key;
    if (entry.expiresAt !== null && entry.expiresAt <= now.getTime())
      started = await startOrdinaryRun(entry, key, 'an account expired');
    else if (
      changed.filterGroupChanged &&
      changed.filterMembers === null &&
      changed.filterChanges === null
    )
      started = await startOrdinaryRun(entry, key, 'a group the user filter names changed');
    else if (deletion && !deletionPaced) {
      started = await startOrdinaryRun(
        entry,
        key,
        'an entry was deleted in the directory',
        (ms) => {
          entry.deletionRunsFrom = Date.now() + ms * (options.deletionIdlePerBusy ?? IDLE_PER_BUSY);
        },
      );
      if (started) entry.deletionPendingAt = null;
    } else if (targets.length > 0) started = await startTargetedRun(entry, targets);
    // Acted on: the next ask looks at later changes only. A run refused (another was starting)
    // leaves them to be found again.
    if (started) changed.seen();
  };

  // An ordinary incremental run, at most one per cursor: for an expiry due (the watch knows the
  // instant, not whose it is: the expiry search after each run reads instants only), a change
  // of a group the user filter names, or a deletion in generic LDAP (only the run's
  // enumeration tells who left). `ended` is told how long the run took, once it has ended.
  const startOrdinaryRun = async (
    entry: Watched,
    key: string,
    why: string,
    ended?: (ms: number) => void,
  ): Promise<boolean> => {
    entry.triggeredFor = key;
    try {
      const startedAt = Date.now();
      const started = await startRun(services, entry.source, 'incremental', systemActor('watch'));
      logger.info(
        { sourceId: entry.source.id, runId: started.runId },
        `change watch: ${why}; incremental run started`,
      );
      started.done
        .finally(() => ended?.(Date.now() - startedAt))
        .catch((error: unknown) =>
          logger.warn({ err: error, sourceId: entry.source.id }, 'change watch: the run failed'),
        );
      return true;
    } catch (error) {
      // Another process (or an admin) started one first; look again once it is done.
      if (error instanceof AppError && error.code === 'sync_already_running') {
        entry.triggeredFor = null;
        return false;
      }
      throw error;
    }
  };

  // An incremental run of the people found out, deleted, moved or joined only, read again by
  // id, the cursor left where it was (targetedReader.ts): each is tried once per cursor, so a
  // run that fails is not started again and again.
  const startTargetedRun = async (entry: Watched, targets: string[]): Promise<boolean> => {
    for (const id of targets) entry.tried.ids.add(id);
    try {
      const reader = targetedReader(await readerFor(services, entry.source), targets);
      const started = await startRun(
        services,
        entry.source,
        'incremental',
        systemActor('watch'),
        reader,
        { details: { watchTargets: targets.length } },
      );
      logger.info(
        { sourceId: entry.source.id, runId: started.runId, people: targets.length },
        'change watch: accounts disabled, locked, deleted, moved out or added to the access group; a run of them started',
      );
      started.done.catch((error: unknown) =>
        logger.warn({ err: error, sourceId: entry.source.id }, 'change watch: the run failed'),
      );
      return true;
    } catch (error) {
      if (error instanceof AppError && error.code === 'sync_already_running') {
        for (const id of targets) entry.tried.ids.delete(id);
        return false;
      }
      throw error;
    }
  };

  // How long until the earliest expiry ahead of any source: the next pass wakes for it, so an
  // account is cut at its expiry, not up to a pass later.
  const untilNextExpiry = (): number => {
    const now = services.now().getTime();
    let soonest = Number.POSITIVE_INFINITY;
    for (const entry of watched.values())
      if (entry.expiresAt !== null && entry.expiresAt > now)
        soonest = Math.min(soonest, entry.expiresAt - now);
    return soonest;
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
          () => passesOutage.succeeded(),
          (error: unknown) => passesOutage.failed(error),
        )
        .finally(() => {
          passes += 1;
          schedule(
            Math.min(
              Math.max(options.intervalMs, (Date.now() - started) * IDLE_PER_BUSY),
              untilNextExpiry(),
            ),
          );
        });
    }, delayMs);
    timer.unref();
  };
  schedule(options.intervalMs);
  return {
    get passes() {
      return passes;
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      await ticking;
      for (const entry of watched.values()) await entry.probe.close();
      watched.clear();
    },
  };
}
