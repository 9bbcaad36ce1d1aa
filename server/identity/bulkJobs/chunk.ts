import { asSpaceSubject } from '../../authz/index.ts';
import type { CommandContext } from '../../commands/runCommand.ts';
import { addMembersIn } from '../../directory/spaces/addMembers.ts';
import { removeMembersIn } from '../../directory/spaces/removeMember.ts';
import { partitionByRight } from '../../directory/users/facts.ts';
import { moveToOrganization } from '../../directory/users/moveUsers.ts';
import { invitePeople } from '../invitations/bulkChunk.ts';
import { changeStatusesIn } from '../people/bulkStatus.ts';
import type { BulkOutcome } from './schemas.ts';
import { type BulkJobRow, countsOf, loadJob } from './store.ts';

/** One person's line in a job's report. */
interface ItemResult {
  position: number;
  label: string | null;
  outcome: BulkOutcome;
  code: string | null;
}

/** A person's result before it is tied to a position. */
type PersonResult = Omit<ItemResult, 'position'>;

/** What a chunk left: more to do, or the job is over (done, cancelled, or not live any more). */
export type ChunkStep = 'more' | 'finished';

/**
 * Runs the verb on the next `size` people of a job inside the caller's transaction (the
 * requester's command: their rights decide, each person's audit event names them): the verb's
 * set-based command, the per-person results, the progress and a lease of `leaseMs` more. A job
 * whose cancellation was asked, or that has no person left, is finished here and audited.
 */
export async function runChunk(
  ctx: CommandContext,
  jobId: string,
  size: number,
  leaseMs: number,
): Promise<ChunkStep> {
  // The job row is locked first: a cancel waits for this chunk, and two processes that both
  // think they hold the job run its chunks one after the other, never the same people twice.
  const job = await loadJob(ctx.em, jobId, true);
  if (job?.status !== 'running') return 'finished';
  if (job.cancel_requested) {
    await finishJob(ctx, job, 'cancelled');
    return 'finished';
  }
  const items = await ctx.em.execute<{ position: number; user_id: string }[]>(
    `select position, user_id from bulk_job_item
      where job_id = ? and outcome is null order by position limit ?`,
    [jobId, size],
  );
  if (items.length === 0) {
    await finishJob(ctx, job, 'done');
    return 'finished';
  }
  const decided = await applyVerb(
    ctx,
    job,
    items.map((item) => item.user_id),
  );
  const results: ItemResult[] = items.map((item) => ({
    position: item.position,
    ...(decided.get(item.user_id) ?? { label: null, outcome: 'skipped', code: 'not_found' }),
  }));
  await recordResults(ctx, job.id, results, leaseMs);
  return 'more';
}

/** Writes a chunk's results and advances the progress and the lease, in two statements. */
export async function recordResults(
  ctx: Pick<CommandContext, 'em' | 'services'>,
  jobId: string,
  results: readonly ItemResult[],
  leaseMs: number,
): Promise<void> {
  await ctx.em.execute(
    `update bulk_job_item b set label = r.label, outcome = r.outcome, code = r.code
       from jsonb_to_recordset(?::jsonb) as r(position int, label text, outcome text, code text)
      where b.job_id = ? and b.position = r.position`,
    [JSON.stringify(results), jobId],
  );
  const count = (outcome: BulkOutcome) => results.filter((r) => r.outcome === outcome).length;
  await ctx.em.execute(
    `update bulk_job set processed = processed + ?, ok = ok + ?, skipped = skipped + ?,
            failed = failed + ?, chunks = chunks + 1, locked_until = ?::timestamptz
      where id = ?`,
    [
      results.length,
      count('ok'),
      count('skipped'),
      count('failed'),
      new Date(ctx.services.now().getTime() + leaseMs).toISOString(),
      jobId,
    ],
  );
}

/** Ends a job (`done`, `cancelled` or `failed`) and audits its end with the counts. */
export async function finishJob(
  ctx: CommandContext,
  job: BulkJobRow,
  status: 'done' | 'cancelled' | 'failed',
  error: string | null = null,
): Promise<void> {
  const [row] = await ctx.em.execute<BulkJobRow[]>(
    `update bulk_job set status = ?, finished_at = ?::timestamptz, locked_until = null,
            error = coalesce(?, error)
      where id = ? returning *`,
    [status, ctx.services.now().toISOString(), error, job.id],
  );
  ctx.audit({
    action: 'bulk_job.finished',
    outcome: status === 'failed' ? 'failure' : 'success',
    targetType: 'bulk_job',
    targetId: job.id,
    details: { status, ...countsOf(row ?? job), ...(error ? { error } : {}) },
  });
}

/** The verb's set-based command on one chunk's people; a result for each of them. */
async function applyVerb(
  ctx: CommandContext,
  job: BulkJobRow,
  ids: readonly string[],
): Promise<Map<string, PersonResult>> {
  const details = { jobId: job.id };
  const params = job.params;
  const results = new Map<string, PersonResult>();
  switch (job.verb) {
    case 'deactivate':
    case 'suspend':
    case 'activate': {
      const done = await changeStatusesIn(ctx, job.verb, ids, params.reason ?? null, details);
      for (const row of done.changed)
        results.set(row.id, { label: row.label, outcome: 'ok', code: null });
      for (const row of done.skipped)
        results.set(row.id, { label: row.label, outcome: 'skipped', code: row.code });
      return results;
    }
    case 'invite': {
      const done = await invitePeople(ctx, ids, params.locale ?? 'ru', {
        door: 'bulk',
        ...details,
      });
      for (const [id, one] of done)
        results.set(id, {
          label: one.label,
          outcome: one.outcome === 'invited' ? 'ok' : 'skipped',
          code: one.code,
        });
      return results;
    }
    case 'move': {
      const done = await moveToOrganization(ctx, ids, params.organizationId as string, details);
      for (const [id, one] of done)
        results.set(id, { label: one.label, outcome: one.code ? 'skipped' : 'ok', code: one.code });
      return results;
    }
    case 'add_to_space':
    case 'remove_from_space': {
      const spaceId = params.spaceId as string;
      const spaceName = params.spaceName ?? '';
      // Checked again per chunk (issue 18): the space (it may have moved out of a scope since the
      // start) and each person, who must still be within the caller's reach.
      const space = await ctx.em.execute<{ organizationId: string | null }[]>(
        'select organization_id as "organizationId" from space where id = ?',
        [spaceId],
      );
      const onSpace =
        space[0] !== undefined &&
        ctx.ability.can('manageMembers', asSpaceSubject({ id: spaceId, ...space[0] }));
      const reach = await partitionByRight(ctx.em, ctx.ability, 'read', onSpace ? ids : []);
      const done =
        job.verb === 'add_to_space'
          ? await addMembersIn(ctx, spaceId, spaceName, reach.allowed)
          : await removeMembersIn(ctx, spaceId, spaceName, reach.allowed);
      const allowed = new Set(reach.allowed);
      const labels = await labelsOf(ctx, ids);
      const changed = new Set(done.map((row) => row.id));
      const left = job.verb === 'add_to_space' ? 'already_member' : 'not_member';
      for (const id of ids) {
        const label = labels.get(id) ?? null;
        if (label === null) results.set(id, { label, outcome: 'skipped', code: 'not_found' });
        else if (!allowed.has(id)) {
          ctx.audit({
            action: job.verb === 'add_to_space' ? 'space.member_added' : 'space.member_removed',
            outcome: 'denied',
            targetType: 'User',
            targetId: id,
            details: { ...details, spaceId, errorCode: 'forbidden' },
          });
          results.set(id, { label: null, outcome: 'skipped', code: 'forbidden' });
        } else if (changed.has(id)) results.set(id, { label, outcome: 'ok', code: null });
        else results.set(id, { label, outcome: 'skipped', code: left });
      }
      return results;
    }
  }
}

async function labelsOf(ctx: CommandContext, ids: readonly string[]): Promise<Map<string, string>> {
  const rows = await ctx.em.execute<{ id: string; label: string }[]>(
    `select id, coalesce(username, display_name) as label from app_user
      where id in (select value::uuid from jsonb_array_elements_text(?::jsonb))`,
    [JSON.stringify([...new Set(ids)])],
  );
  return new Map(rows.map((row) => [row.id, row.label]));
}
