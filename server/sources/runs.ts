import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type pg from 'pg';
import type { AuditEventInput } from '../audit/actions.ts';
import { type Actor, systemActor } from '../authz/actor.ts';
import { runCommand } from '../commands/runCommand.ts';
import { conflict } from '../shared/errors.ts';
import type { Services } from '../shared/services.ts';
import { cutText } from '../shared/text.ts';
import type { RunMode, RunStatus } from './entities.ts';
import { digestFingerprint, type KnownDigests, loadRecordedDigests } from './entryDigest.ts';
import { stageNewInScope } from './newInScope.ts';
import { applyPlan } from './reconcile/apply.ts';
import {
  ANALYZE_STAGING_FROM,
  analyzeStaging,
  computePlan,
  countPlan,
  managedCount,
  planContextOf,
  type Queryable,
  releaseStaging,
  SLICED_FROM,
} from './reconcile/plan.ts';
import { findRunSource, readerFor, type SyncSource } from './registry.ts';
import { INTERRUPTED_TEXT, type RunError, runErrors, storedRunError } from './runErrors.ts';
import {
  assessSafety,
  blockDeactivations,
  pendingDeactivations,
  type SafetyReason,
} from './safety.ts';
import { clearAbsence, type StagedAbsence, stageAbsence } from './stageAbsence.ts';
import { type ReadProgress, stageGroupLeavers, stagePipelined } from './stageRead.ts';
import type { DirectoryRead, DirectoryReader, SyncCursor } from './types.ts';

/** Engine knobs; tests shrink batches and break one on purpose. */
export interface EngineOptions {
  batchSize: number;
  /**
   * Batches applied at once when they only create people (ApplyOptions.concurrency), and slices
   * of a plan computed at once.
   */
  concurrency: number;
  /** Entries to plan from which a plan is sliced (SLICED_FROM). */
  slicedFrom: number;
  onBatch?: (batch: number) => void | Promise<void>;
}

const engineOptions = new WeakMap<Services, EngineOptions>();
const inFlight = new WeakMap<Services, Set<Promise<unknown>>>();

/** Sets the engine knobs of one running service. */
export function configureEngine(services: Services, options: Partial<EngineOptions>): void {
  engineOptions.set(services, { ...optionsOf(services), ...options });
}

function optionsOf(services: Services): EngineOptions {
  const { applyBatchSize, applyConcurrency } = services.config.directorySync;
  return (
    engineOptions.get(services) ?? {
      batchSize: applyBatchSize,
      concurrency: applyConcurrency,
      slicedFrom: SLICED_FROM,
    }
  );
}

/** Waits for every run this process started in the background (shutdown, tests). */
export async function drainRuns(services: Services): Promise<void> {
  await Promise.allSettled([...(inFlight.get(services) ?? [])]);
}

function track<T>(services: Services, promise: Promise<T>): Promise<T> {
  const set = inFlight.get(services) ?? new Set();
  inFlight.set(services, set);
  set.add(promise);
  void promise.finally(() => set.delete(promise)).catch(() => {});
  return promise;
}

/**
 * Clears what a run that ends without a plan to apply (failed, cancelled, or died with its
 * process) leaves behind: its staged entries (releaseStaging), its staged absences, and plan
 * slices committed on their own connections (computePlan).
 */
async function discardLeftovers(db: Queryable, runId: string): Promise<void> {
  await releaseStaging(db, runId);
  await clearAbsence(db, runId);
  await db.query('delete from sync_plan_item where run_id = $1', [runId]);
}

/** A held per-source lock: one run per source at a time, across every process. */
interface SourceLease {
  client: pg.PoolClient;
  release(): Promise<void>;
}

// Session-level advisory lock keyed by (namespace, hash of the source id): held by one pooled
// connection for the whole run, released by PostgreSQL itself if the process dies.
const LOCK_NAMESPACE = 7_301;

async function lockSource(services: Services, sourceId: string): Promise<SourceLease> {
  const client = await services.pool.connect();
  try {
    const { rows } = await client.query<{ ok: boolean }>(
      'select pg_try_advisory_lock($1, hashtext($2)) as ok',
      [LOCK_NAMESPACE, sourceId],
    );
    if (!rows[0]?.ok) throw conflict('sync_already_running', 'A sync of this source is running');
  } catch (error) {
    client.release();
    throw error;
  }
  return {
    client,
    release: async () => {
      try {
        await client.query('select pg_advisory_unlock($1, hashtext($2))', [
          LOCK_NAMESPACE,
          sourceId,
        ]);
        client.release();
      } catch (error) {
        client.release(error as Error);
      }
    },
  };
}

/**
 * Takes the source's run lock for the rest of the caller's transaction, if no run holds it (the
 * same key as {@link lockSource}: a transaction-level and a session-level advisory lock on one
 * key exclude each other). False when a run of the source is live in some process; while the
 * caller holds it, no run of the source can start (they answer `sync_already_running`).
 */
export async function lockSourceInTransaction(
  em: EntityManager,
  sourceId: string,
): Promise<boolean> {
  const [row] = await em.execute<{ ok: boolean }[]>(
    'select pg_try_advisory_xact_lock(?, hashtext(?)) as ok',
    [LOCK_NAMESPACE, sourceId],
  );
  return row?.ok === true;
}

/** Records how a run ended and audits it with the source as the actor. */
async function finishRun(
  services: Services,
  source: SyncSource,
  runId: string,
  status: RunStatus,
  patch: { counts?: Record<string, number>; error?: RunError; cursorAfter?: SyncCursor | null },
): Promise<void> {
  const event: AuditEventInput = {
    action: status === 'failed' ? 'sync_run.failed' : 'sync_run.completed',
    outcome: status === 'failed' ? 'failure' : 'success',
    targetType: 'sync_run',
    targetId: runId,
    targetLabel: source.id,
    reason: patch.error?.text ?? null,
    details: { sourceId: source.id, status, counts: patch.counts ?? null },
  };
  const final = !['awaiting_approval'].includes(status);
  await runCommand(services, systemActor(`source:${source.id}`), async ({ em, audit }) => {
    await em.execute(
      `update sync_run set status = ?, counts = coalesce(?::jsonb, counts), error = ?,
         details = case when ?::jsonb is null then details
           else coalesce(details, '{}'::jsonb) || jsonb_build_object('runError', ?::jsonb) end,
         finished_at = case when ? then ?::timestamptz end,
         duration_ms = case when ? then (extract(epoch from (?::timestamptz - started_at)) * 1000)::int end,
         cursor_after = coalesce(?::jsonb, cursor_after)
       where id = ?`,
      [
        status,
        patch.counts ? JSON.stringify(patch.counts) : null,
        patch.error?.text ?? null,
        patch.error ? storedRunError(patch.error) : null,
        patch.error ? storedRunError(patch.error) : null,
        final,
        services.now(),
        final,
        services.now(),
        patch.cursorAfter ? JSON.stringify(patch.cursorAfter) : null,
        runId,
      ],
    );
    if (status === 'succeeded' && patch.cursorAfter)
      await em.execute('update directory_source set cursor = ?::jsonb where id = ?', [
        JSON.stringify(patch.cursorAfter),
        source.id,
      ]);
    audit(event);
  });
}

/** The cursor to continue from: that of the latest successful run that read the source. */
export async function lastCursor(db: Queryable, sourceId: string): Promise<SyncCursor | null> {
  const { rows } = await db.query<{ cursor_after: SyncCursor | null }>(
    `select cursor_after from sync_run
      where source_id = $1 and status = 'succeeded' and mode <> 'dry-run' and cursor_after is not null
      order by started_at desc limit 1`,
    [sourceId],
  );
  return rows[0]?.cursor_after ?? null;
}

async function isCancelled(services: Services, runId: string): Promise<boolean> {
  const { rows } = await services.pool.query<{ c: boolean }>(
    'select cancel_requested_at is not null as c from sync_run where id = $1',
    [runId],
  );
  return rows[0]?.c ?? false;
}

/** Opens the read; a changed AD invocationId (restored or replaced DC) means a full read. */
async function openRead(
  services: Services,
  source: SyncSource,
  mode: RunMode,
  since: SyncCursor | null,
  given: DirectoryReader | undefined,
): Promise<DirectoryRead> {
  const reader = given ?? (await readerFor(services, source));
  // An HR channel has no cursor: its reader returns the whole file, and `incremental` means
  // the file lists only some people (nobody missing from it is deactivated).
  if (source.kind === 'hr')
    return reader.read({ mode: mode === 'incremental' ? 'incremental' : 'full', since: null });
  if (mode !== 'incremental' || since === null) return reader.read({ mode: 'full', since: null });
  let read: DirectoryRead;
  try {
    read = await reader.read({ mode: 'incremental', since });
  } catch (error) {
    // The LDAP reader refuses a cursor it cannot continue (IncrementalNotPossibleError).
    if ((error as { code?: unknown }).code !== 'incremental_not_possible') throw error;
    services.logger.info({ sourceId: source.id, reason: messageOf(error) }, 'full read instead');
    return reader.read({ mode: 'full', since: null });
  }
  const replaced =
    read.mode === 'incremental' &&
    since?.invocationId !== undefined &&
    read.cursor.invocationId !== undefined &&
    read.cursor.invocationId !== since.invocationId;
  return replaced ? reader.read({ mode: 'full', since: null }) : read;
}

/**
 * Keeps how the run looked for deletions in its details (`deletionDetection`), and warns when
 * the service account may not see them: an incremental run then says so instead of silently
 * missing deletions (AD without the right to list `CN=Deleted Objects`).
 */
async function recordDetection(
  services: Services,
  source: SyncSource,
  runId: string,
  absence: StagedAbsence,
): Promise<void> {
  await services.pool.query(
    `update sync_run set details = details || jsonb_build_object('deletionDetection', $2::jsonb)
      where id = $1`,
    [runId, JSON.stringify(absence.detection)],
  );
  if (!absence.detection.permitted)
    services.logger.warn(
      { sourceId: source.id, runId, detection: absence.detection.message },
      'deletion detection not permitted',
    );
}

/** Applies a planned run and records the outcome. */
async function applyRun(
  services: Services,
  source: SyncSource,
  runId: string,
  cursorAfter: SyncCursor | null,
): Promise<void> {
  const db = services.pool;
  await db.query(`update sync_run set status = 'applying' where id = $1`, [runId]);
  try {
    const result = await applyPlan(services, source, runId, {
      ...optionsOf(services),
      shouldStop: () => isCancelled(services, runId),
    });
    // A bulk load (a first sync) leaves the people's statistics describing an almost empty
    // table until autovacuum comes by; the next plan and the console's queries need them now.
    if (result.applied >= ANALYZE_STAGING_FROM)
      await db.query('select app_user_analyze_if_stale()');
    const { rows } = await db.query<{ counts: Record<string, number> }>(
      'select counts from sync_run where id = $1',
      [runId],
    );
    const counts = withUnchangedRead(
      { ...(await countPlan(db, runId)), ...countsOf(result) },
      rows[0]?.counts?.unchangedByDigest ?? 0,
    );
    const merged = { ...rows[0]?.counts, ...counts };
    if (result.stopped) await finishRun(services, source, runId, 'cancelled', { counts: merged });
    else await finishRun(services, source, runId, 'succeeded', { counts: merged, cursorAfter });
  } catch (error) {
    services.logger.error({ err: error, sourceId: source.id, runId }, 'sync apply failed');
    await finishRun(services, source, runId, 'failed', {
      error: runErrors.failed(messageOf(error)),
    });
  }
}

/**
 * A run's counts with the entries its read recognized unchanged by digest (never planned, so
 * not among the plan's items): counted as unchanged, and apart as `unchangedByDigest`.
 */
function withUnchangedRead(
  counts: Record<string, number>,
  unchangedByDigest: number,
): Record<string, number> {
  return {
    ...counts,
    unchanged: (counts.unchanged ?? 0) + unchangedByDigest,
    unchangedByDigest,
  };
}

/**
 * What a directory run's read recognizes unchanged entries by (entryDigest.ts); HR sources plan
 * every row of their files (their people are fed by a directory too, whose digest this is).
 * Exported for the sync benchmark, which checks digests exactly as a run does.
 */
export async function knownDigests(
  services: Services,
  source: SyncSource,
): Promise<KnownDigests | null> {
  if (source.kind !== 'directory') return null;
  return {
    fingerprint: digestFingerprint(source, planContextOf(services)),
    recorded: await loadRecordedDigests(services.pool, source.id),
  };
}

function countsOf(result: Awaited<ReturnType<typeof applyPlan>>): Record<string, number> {
  return {
    applied: result.applied,
    skipped: result.skipped,
    failed: result.failed,
    sessionsRevoked: result.sessionsRevoked,
    organizationsCreated: result.organizationsCreated,
    spacesCreated: result.spacesCreated,
  };
}

function messageOf(error: unknown): string {
  return cutText(error instanceof Error ? error.message : String(error), 2_000);
}

/** Reads, plans, checks safety and (unless a dry run or held for approval) applies. */
async function execute(
  services: Services,
  source: SyncSource,
  runId: string,
  mode: RunMode,
  lease: SourceLease,
  reader: DirectoryReader | undefined,
  options: RunOptions,
): Promise<void> {
  const db = lease.client;
  let read: DirectoryRead;
  const progress: ReadProgress = { entries: 0, unchanged: 0 };
  let absence: StagedAbsence | null = null;
  // Ids in scope read again because nobody recorded them (stageNewInScope).
  let newInScope = 0;
  try {
    const known = await knownDigests(services, source);
    const since = mode === 'incremental' ? await lastCursor(db, source.id) : null;
    const directory = reader ?? (await readerFor(services, source));
    read = await openRead(services, source, mode, since, directory);
    await db.query('update sync_run set read_mode = $2, cursor_before = $3 where id = $1', [
      runId,
      read.mode,
      since ? JSON.stringify(since) : null,
    ]);
    const cancelled = () => isCancelled(services, runId);
    // Pages are staged while the next one is fetched; then, on an incremental read whose mapped
    // groups changed, the people who may have left those groups are re-read (stageRead.ts).
    let finished =
      (await stagePipelined(db, runId, read.pages, progress, cancelled, known)) &&
      (await stageGroupLeavers(db, runId, source, read, directory, progress, cancelled, known));
    // Then who left the source since the cursor (deleted, moved out of the base DN): ids only.
    if (finished) {
      const staged = await stageAbsence(db, runId, read, cancelled);
      finished = staged !== 'cancelled';
      absence = staged === 'cancelled' ? null : staged;
      if (absence) await recordDetection(services, source, runId, absence);
    }
    // Ids enumerated in scope that nobody recorded joined it with no change of their own (an
    // access group): read by id, as the next full read would.
    if (finished && absence?.kind === 'present') {
      const joined = await stageNewInScope(
        db,
        runId,
        source.id,
        directory,
        progress,
        cancelled,
        known,
      );
      finished = joined !== 'cancelled';
      if (joined !== 'cancelled') newInScope = joined;
    }
    if (!finished) {
      await discardLeftovers(db, runId);
      await finishRun(services, source, runId, 'cancelled', { counts: { read: progress.entries } });
      return;
    }
  } catch (error) {
    // A read that failed midway plans nothing and applies nothing: nobody is deactivated.
    await discardLeftovers(db, runId);
    await finishRun(services, source, runId, 'failed', {
      error: runErrors.readFailed(messageOf(error)),
      counts: { read: progress.entries },
    });
    return;
  }
  const entries = progress.entries;
  const full = read.mode === 'full';
  const managed = await managedCount(db, source.id);
  await analyzeStaging(db, entries);
  const { concurrency, slicedFrom } = optionsOf(services);
  // Entries recognized unchanged by their digest are staged, not planned.
  const slices = entries - progress.unchanged >= slicedFrom ? concurrency : 1;
  await db.query('begin');
  try {
    await computePlan(db, runId, source, full, planContextOf(services), absence?.kind ?? null, {
      pool: services.pool,
      slices,
    });
    await options.afterPlan?.(db, runId);
    await db.query('commit');
  } catch (error) {
    await db.query('rollback');
    // Slices of the plan computed on other connections were committed there.
    await discardLeftovers(db, runId);
    await finishRun(services, source, runId, 'failed', {
      error: runErrors.planFailed(messageOf(error)),
    });
    return;
  }
  // An incremental run that enumerated every id in scope deactivates by absence as a full run
  // does, so the full run's share rule applies to the number of ids it found.
  const enumerated = absence?.kind === 'present';
  const verdict = assessSafety({
    full: full || enumerated,
    read: enumerated ? (absence?.ids ?? 0) : entries,
    managed,
    thresholds: source.settings.thresholds,
  });
  if (verdict.blockReason && verdict.block) {
    await blockDeactivations(db, runId, verdict.blockReason, verdict.block);
    await db.query(
      `update sync_run set safety = $2,
         details = coalesce(details, '{}'::jsonb) || jsonb_build_object('safety', $3::jsonb)
       where id = $1`,
      [runId, verdict.blockReason, JSON.stringify(verdict.block)],
    );
  }
  const deactivations = await pendingDeactivations(db, runId);
  const counts = withUnchangedRead(
    {
      read: entries,
      managed,
      ...(absence
        ? { [absence.kind === 'present' ? 'idsEnumerated' : 'goneCandidates']: absence.ids }
        : {}),
      ...(newInScope > 0 ? { newInScope } : {}),
      ...(await countPlan(db, runId)),
    },
    progress.unchanged,
  );
  await db.query('update sync_run set counts = $2, cursor_after = $3 where id = $1', [
    runId,
    JSON.stringify(counts),
    JSON.stringify(read.cursor),
  ]);
  if (mode === 'dry-run' || options.stopAtPlan) {
    // A dry run ends here; a held preview (imports) waits for startPlannedApply.
    await finishRun(services, source, runId, 'planned', { counts });
    return;
  }
  await continueAfterPlan(
    services,
    source,
    runId,
    full,
    verdict.approvalLimit,
    deactivations,
    counts,
    read.cursor,
  );
}

/** Supersedes older held plans (full runs), holds the plan for approval or applies it. */
async function continueAfterPlan(
  services: Services,
  source: SyncSource,
  runId: string,
  full: boolean,
  approvalLimit: number,
  deactivations: number,
  counts: Record<string, number>,
  cursor: SyncCursor | null,
): Promise<void> {
  const db = services.pool;
  if (full)
    // A newer full plan replaces any older one still waiting for an approval.
    await db.query(
      `update sync_run set status = 'cancelled', error = 'superseded by run ' || $2::text,
         details = coalesce(details, '{}'::jsonb) || jsonb_build_object('runError',
           jsonb_build_object('code', 'run_superseded', 'params', jsonb_build_object('runId', $2::text))),
         finished_at = now()
       where source_id = $1 and status = 'awaiting_approval' and id <> $2`,
      [source.id, runId],
    );
  if (deactivations > approvalLimit) {
    const held: SafetyReason = {
      code: 'safety_approval_needed',
      params: { deactivations, limit: approvalLimit },
    };
    await db.query(
      `update sync_run set safety = $2,
         details = coalesce(details, '{}'::jsonb) || jsonb_build_object('safety', $3::jsonb)
       where id = $1`,
      [
        runId,
        `${deactivations} deactivations exceed the limit of ${approvalLimit}: approval needed`,
        JSON.stringify(held),
      ],
    );
    await finishRun(services, source, runId, 'awaiting_approval', { counts });
    return;
  }
  await applyRun(services, source, runId, cursor);
}

/** Extras of one run. */
export interface RunOptions {
  /**
   * Stop after the plan with status `planned`, as a dry run does, but keep the plan appliable
   * through startPlannedApply (an import's preview). The run's mode still says what the read
   * is (`full`: the complete list, people missing from it are deactivated).
   */
  stopAtPlan?: boolean;
  /** Facts about the run kept with it (an import's file name, hash, format, row errors). */
  details?: Record<string, unknown>;
  /**
   * Runs in the plan's transaction after the plan is computed, before the safety checks: a
   * channel's own rules on the plan (an import requested by staff blocks items on people the
   * requester may not change). Throwing fails the run.
   */
  afterPlan?: (db: Queryable, runId: string) => Promise<void>;
}

/** A run that was started: its id, and the promise of its end (plan, approval wait or apply). */
export interface StartedRun {
  runId: string;
  done: Promise<void>;
}

/**
 * Starts a run of a source: takes the source's lock (409 `sync_already_running` if another run
 * holds it, in any process), records the run, and continues in the background. `reader`
 * replaces the source's own (HR files and feeds bring theirs; LDAP sources leave it unset).
 */
export async function startRun(
  services: Services,
  source: SyncSource,
  mode: RunMode,
  requestedBy: Actor,
  reader?: DirectoryReader,
  options: RunOptions = {},
): Promise<StartedRun> {
  const lease = await lockSource(services, source.id);
  const runId = randomUUID();
  try {
    // Whatever is still "live" for this source died with its process (we hold the lock now).
    // A run that died reading or planning leaves what discardLeftovers clears: left staged, a
    // million entries stayed for good, and every later plan deleted its own instead of
    // truncating the table (releaseStaging).
    const { rows: died } = await lease.client.query<{ id: string }>(
      `select id from sync_run where source_id = $1 and status = 'running'`,
      [source.id],
    );
    for (const { id } of died) await discardLeftovers(lease.client, id);
    await lease.client.query(
      `update sync_run set status = 'failed', error = $2,
         details = coalesce(details, '{}'::jsonb) || jsonb_build_object('runError', $3::jsonb),
         finished_at = now()
       where source_id = $1 and status in ('running', 'applying')`,
      [source.id, INTERRUPTED_TEXT, storedRunError(runErrors.interrupted())],
    );
    await lease.client.query(
      `insert into sync_run (id, source_id, mode, status, requested_by_id, requested_by, started_at, details)
       values ($1, $2, $3, 'running', $4, $5, $6, $7)`,
      [
        runId,
        source.id,
        mode,
        requestedBy.userId,
        requestedBy.label,
        services.now(),
        JSON.stringify(options.details ?? {}),
      ],
    );
  } catch (error) {
    await lease.release();
    throw error;
  }
  const done = track(
    services,
    execute(services, source, runId, mode, lease, reader, options)
      .catch((error: unknown) => {
        services.logger.error({ err: error, sourceId: source.id, runId }, 'sync run failed');
        return finishRun(services, source, runId, 'failed', {
          error: runErrors.failed(messageOf(error)),
        });
      })
      .finally(() => lease.release()),
  );
  return { runId, done };
}

/**
 * Applies a run that waited for approval (the caller has authorized and audited the approval),
 * under the source's lock. Blocked items stay blocked: approval lifts the threshold only.
 */
export async function startApprovedApply(
  services: Services,
  source: SyncSource,
  runId: string,
): Promise<StartedRun> {
  const lease = await lockSource(services, source.id);
  const { rows } = await lease.client.query<{ cursor_after: SyncCursor | null }>(
    `update sync_run set status = 'applying' where id = $1 and status = 'awaiting_approval'
     returning cursor_after`,
    [runId],
  );
  if (rows.length === 0) {
    await lease.release();
    throw conflict('not_awaiting_approval', 'This run is not waiting for an approval');
  }
  const done = track(
    services,
    applyRun(services, source, runId, rows[0]?.cursor_after ?? null).finally(() => lease.release()),
  );
  return { runId, done };
}

/**
 * Applies a held preview (a run that stopped at `planned` with stopAtPlan): under the source's
 * lock, the same thresholds as a run that applies at once decide whether it waits for an
 * approval. 409 `not_planned` if the run is not a held preview.
 */
export async function startPlannedApply(
  services: Services,
  source: SyncSource,
  runId: string,
): Promise<StartedRun> {
  const lease = await lockSource(services, source.id);
  const { rows } = await lease.client.query<{
    mode: RunMode;
    read_mode: string | null;
    counts: Record<string, number>;
    cursor_after: SyncCursor | null;
  }>(
    `update sync_run set status = 'running', finished_at = null, duration_ms = null
      where id = $1 and status = 'planned' and mode <> 'dry-run'
      returning mode, read_mode, counts, cursor_after`,
    [runId],
  );
  const row = rows[0];
  if (!row) {
    await lease.release();
    throw conflict('not_planned', 'This run is not a preview waiting to be applied');
  }
  const managed = row.counts.managed ?? 0;
  const limit = assessSafety({
    full: row.read_mode === 'full',
    read: row.counts.read ?? 0,
    managed,
    thresholds: source.settings.thresholds,
  }).approvalLimit;
  const deactivations = await pendingDeactivations(lease.client, runId);
  const done = track(
    services,
    continueAfterPlan(
      services,
      source,
      runId,
      row.read_mode === 'full',
      limit,
      deactivations,
      row.counts,
      row.cursor_after,
    )
      .catch((error: unknown) => {
        services.logger.error({ err: error, sourceId: source.id, runId }, 'sync apply failed');
        return finishRun(services, source, runId, 'failed', {
          error: runErrors.failed(messageOf(error)),
        });
      })
      .finally(() => lease.release()),
  );
  return { runId, done };
}

/** What {@link recoverRuns} did with the runs a stopped process left live. */
export interface RecoveredRuns {
  /** Applies taken up again where they stopped (they end succeeded, cancelled or failed). */
  resumed: string[];
  /** Reads and plans marked failed: nothing of them was applied, a new run starts afresh. */
  failed: string[];
}

/** How long recovery waits for a dead process's session to let go of a source's lock. */
const RECOVERY_LOCK_WAIT_MS = 30_000;

async function leaseWhenFree(services: Services, sourceId: string): Promise<SourceLease | null> {
  const deadline = Date.now() + RECOVERY_LOCK_WAIT_MS;
  for (;;) {
    try {
      return await lockSource(services, sourceId);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'sync_already_running') throw error;
    }
    // Held: a live run elsewhere, or the session of a killed process PostgreSQL has not ended.
    if (Date.now() > deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Takes over the runs that a stopped process left `running` or `applying` (killed, or it lost
 * the database while finishing). A run counts as left only when nobody holds its source's lock:
 * a live run holds it until its row is final, and PostgreSQL releases it with the session of a
 * dead process. An interrupted apply is resumed under the lock (each batch committed as a whole,
 * applied items skipped: the plan ends applied entirely, an import included); an interrupted
 * read or plan is marked failed (audited `sync_run.failed`; nothing was applied). Called at
 * start and now and then by `server/main.ts`; any process may, the lock makes it one.
 */
export async function recoverRuns(services: Services): Promise<RecoveredRuns> {
  const recovered: RecoveredRuns = { resumed: [], failed: [] };
  const { rows } = await services.pool.query<{ id: string; source_id: string }>(
    `select id, source_id from sync_run where status in ('running', 'applying') order by started_at`,
  );
  for (const row of rows) {
    const lease = await leaseWhenFree(services, row.source_id);
    if (!lease) continue;
    let handedOver = false;
    try {
      const { rows: live } = await lease.client.query<{
        status: RunStatus;
        cursor_after: SyncCursor | null;
      }>(
        `select status, cursor_after from sync_run where id = $1 and status in ('running', 'applying')`,
        [row.id],
      );
      const run = live[0];
      if (!run) continue;
      const source = await findRunSource(services, row.source_id).catch(() => null);
      if (run.status === 'applying' && source) {
        services.logger.warn(
          { sourceId: source.id, runId: row.id },
          'resuming an interrupted apply',
        );
        recovered.resumed.push(row.id);
        handedOver = true;
        track(
          services,
          applyRun(services, source, row.id, run.cursor_after).finally(() => lease.release()),
        );
        continue;
      }
      await discardLeftovers(lease.client, row.id);
      const error = runErrors.interrupted();
      if (source) await finishRun(services, source, row.id, 'failed', { error });
      else
        await lease.client.query(
          `update sync_run set status = 'failed', error = $2,
             details = coalesce(details, '{}'::jsonb) || jsonb_build_object('runError', $3::jsonb),
             finished_at = now() where id = $1`,
          [row.id, error.text, storedRunError(error)],
        );
      recovered.failed.push(row.id);
    } finally {
      if (!handedOver) await lease.release();
    }
  }
  return recovered;
}
