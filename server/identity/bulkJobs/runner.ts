import { type Actor, userActor } from '../../authz/actor.ts';
import { type AppAbility, defineAbilityFor } from '../../authz/index.ts';
import type { Role } from '../../authz/roles.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { AppError } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { loadGrantsInForce } from '../grants/loadGrants.ts';
import { finishJob, recordResults, runChunk } from './chunk.ts';
import { loadJob } from './store.ts';

/** People per chunk (one transaction each): a few statements whatever the size. */
export const BULK_CHUNK = 500;
/**
 * How long a process holds a job after each chunk: past it, another process (or this one after
 * a restart) takes the job over from the last committed chunk. Generous: a chunk takes seconds.
 */
export const BULK_LEASE_MS = 120_000;

/** Knobs for tests and benchmarks. */
export interface BulkRunOptions {
  /** People per chunk (default BULK_CHUNK). */
  chunkSize?: number;
  /** Called after each committed chunk (a test stops the process's runners there). */
  afterChunk?: (jobId: string, chunk: number) => Promise<void> | void;
}

interface RunnerState {
  /** Bumped by stopBulkJobs: a runner of an older generation stops at its next chunk boundary. */
  generation: number;
  jobs: Map<string, Promise<void>>;
}

const states = new WeakMap<Services, RunnerState>();

function stateOf(services: Services): RunnerState {
  let state = states.get(services);
  if (!state) {
    state = { generation: 0, jobs: new Map() };
    states.set(services, state);
  }
  return state;
}

/** Runs a job this process holds the lease of, in the background, chunk by chunk. */
export function launchBulkJob(
  services: Services,
  jobId: string,
  actor: Actor,
  ability: AppAbility,
  options: BulkRunOptions = {},
): void {
  const state = stateOf(services);
  if (state.jobs.has(jobId)) return;
  const job = runJob(services, state, jobId, actor, ability, options).catch((error: unknown) =>
    services.logger.error({ err: error, jobId }, 'bulk job runner failed'),
  );
  state.jobs.set(jobId, job);
  void job.finally(() => state.jobs.delete(jobId));
}

async function runJob(
  services: Services,
  state: RunnerState,
  jobId: string,
  actor: Actor,
  ability: AppAbility,
  options: BulkRunOptions,
): Promise<void> {
  const generation = state.generation;
  const size = options.chunkSize ?? BULK_CHUNK;
  for (let chunk = 1; ; chunk++) {
    // Stopped: leave the job where its last chunk committed, as a crash would.
    if (state.generation !== generation) return;
    // Each chunk acts with the rights the requester has now, not those of the job's start: one
    // demoted or deactivated while their job runs stops acting at the next chunk boundary.
    const rights = await currentRights(services, actor);
    if (!rights) {
      await failForLostAccess(services, actor, ability, jobId);
      return;
    }
    ({ actor, ability } = rights);
    let step: 'more' | 'finished';
    try {
      step = await runCommand(
        services,
        actor,
        (ctx) => runChunk(ctx, jobId, size, BULK_LEASE_MS),
        ability,
      );
    } catch (error) {
      if (state.generation !== generation) return;
      services.logger.warn({ err: error, jobId }, 'bulk job chunk failed; its people are marked');
      step = await failChunk(services, actor, ability, jobId, size, error);
    }
    if (step === 'finished') return;
    await options.afterChunk?.(jobId, chunk);
  }
}

/**
 * The requester's actor and ability as their account stands now (status, standing role and role
 * grants in force, each scope as the organization tree stands now), or null when they may no
 * longer act in the back-office (deactivated, suspended, every role withdrawn or lapsed).
 */
async function currentRights(
  services: Services,
  actor: Actor,
): Promise<{ actor: Actor; ability: AppAbility } | null> {
  if (!actor.userId) return null;
  const { rows } = await services.pool.query<{ role: Role | null; status: string }>(
    'select role, status from app_user where id = $1',
    [actor.userId],
  );
  const row = rows[0];
  if (row?.status !== 'active') return null;
  const now = services.now();
  const grants = await loadGrantsInForce(
    services.orm.em.fork(),
    { id: actor.userId, role: row.role },
    now,
  );
  if (grants.length === 0) return null;
  const current: Actor = { ...actor, role: row.role, grants };
  return { actor: current, ability: defineAbilityFor(current, now) };
}

/** Ends a job whose requester lost their access, audited as a failure with that reason. */
async function failForLostAccess(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  jobId: string,
): Promise<void> {
  await runCommand(
    services,
    actor,
    async (ctx) => {
      const job = await loadJob(ctx.em, jobId, true);
      if (job?.status === 'running') await finishJob(ctx, job, 'failed', 'requester_lost_access');
    },
    ability,
  );
}

/**
 * A chunk whose command failed (the transaction rolled back; nothing of it happened): its people
 * get `failed` with the error's code, so the job moves on and the report says who and why.
 */
async function failChunk(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  jobId: string,
  size: number,
  error: unknown,
): Promise<'more' | 'finished'> {
  const code = error instanceof AppError ? error.code : 'internal_error';
  return runCommand(
    services,
    actor,
    async (ctx) => {
      const job = await loadJob(ctx.em, jobId, true);
      if (job?.status !== 'running') return 'finished';
      const items = await ctx.em.execute<{ position: number }[]>(
        `select position from bulk_job_item where job_id = ? and outcome is null
          order by position limit ?`,
        [jobId, size],
      );
      if (items.length === 0) {
        await finishJob(ctx, job, 'done');
        return 'finished';
      }
      await recordResults(
        ctx,
        jobId,
        items.map((item) => ({ position: item.position, label: null, outcome: 'failed', code })),
        BULK_LEASE_MS,
      );
      return 'more';
    },
    ability,
  );
}

/**
 * Stops this process's runners at their next chunk boundary (shutdown, or a test standing in
 * for a crash), waits for the chunk in flight, and with `release` gives up their leases so that
 * the next process takes the jobs over at once rather than when the lease passes.
 */
export async function stopBulkJobs(
  services: Services,
  { release = true }: { release?: boolean } = {},
): Promise<void> {
  const state = stateOf(services);
  state.generation++;
  const ids = [...state.jobs.keys()];
  await Promise.allSettled([...state.jobs.values()]);
  if (release && ids.length > 0)
    await services.pool.query(
      `update bulk_job set locked_until = null where id = any($1::uuid[]) and status = 'running'`,
      [ids],
    );
}

/** Waits for the jobs this process runs (tests). */
export async function drainBulkJobs(services: Services): Promise<void> {
  await Promise.allSettled([...stateOf(services).jobs.values()]);
}

/**
 * Takes over the live jobs nobody holds (their process stopped or died: the lease passed) and
 * runs them on from their last committed chunk, as the person who started them — with the rights
 * that person has now: someone who lost their role or access has the job failed. Called at
 * start and every few minutes (main.ts). Returns the ids taken over.
 */
export async function resumeBulkJobs(
  services: Services,
  options: BulkRunOptions = {},
): Promise<string[]> {
  const now = services.now();
  const { rows } = await services.pool.query<{
    id: string;
    user_id: string;
    username: string | null;
    display_name: string;
    role: Role | null;
    status: string;
  }>(
    `with due as (
       select id from bulk_job
        where status in ('queued', 'running') and (locked_until is null or locked_until < $1)
        for update skip locked)
     update bulk_job j set status = 'running', locked_until = $2
       from due, app_user u
      where j.id = due.id and u.id = j.requested_by_id
      returning j.id, u.id as user_id, u.username, u.display_name, u.role, u.status`,
    [now, new Date(now.getTime() + BULK_LEASE_MS)],
  );
  const meta = { ip: null, userAgent: 'bulk-job', requestId: null };
  for (const row of rows) {
    const actor = userActor(
      { id: row.user_id, username: row.username, displayName: row.display_name, role: row.role },
      meta,
    );
    const rights = await currentRights(services, actor);
    if (!rights) {
      await failForLostAccess(services, actor, defineAbilityFor(actor), row.id);
      continue;
    }
    launchBulkJob(services, row.id, rights.actor, rights.ability, options);
  }
  return rows.map((row) => row.id);
}
