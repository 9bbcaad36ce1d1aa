import { subject } from '@casl/ability';
import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { conflict, notFound } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import type { BulkJobView } from './schemas.ts';
import { loadJob, presentJob } from './store.ts';

/**
 * Asks a live job to stop (the person who started it; superadmins any): audited
 * `bulk_job.cancelled` now; the runner ends the job `cancelled` at its next chunk boundary, so
 * the chunk in flight completes and everything before it stays done. 409 `job_finished` for a
 * job that is over. A job the caller may not see is 404.
 */
export function cancelBulkJob(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
): Promise<BulkJobView> {
  return runCommand(
    services,
    actor,
    async (ctx) => {
      const job = await loadJob(ctx.em, id, true);
      if (!job || !ability.can('read', subject('BulkJob', { requestedById: job.requested_by_id })))
        throw notFound('Bulk job');
      authorize(ability, 'delete', subject('BulkJob', { requestedById: job.requested_by_id }), {
        auditAction: 'bulk_job.cancelled',
        targetType: 'bulk_job',
        targetId: id,
      });
      if (job.status !== 'running' && job.status !== 'queued')
        throw conflict('job_finished', 'The job is over already');
      const [row] = await ctx.em.execute<Parameters<typeof presentJob>[0][]>(
        'update bulk_job set cancel_requested = true where id = ? returning *',
        [id],
      );
      ctx.audit({
        action: 'bulk_job.cancelled',
        targetType: 'bulk_job',
        targetId: id,
        details: { verb: job.verb, total: job.total, processed: job.processed },
      });
      return presentJob(row ?? job);
    },
    ability,
  );
}
