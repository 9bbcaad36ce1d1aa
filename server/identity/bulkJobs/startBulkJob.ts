import { randomUUID } from 'node:crypto';
import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, accessibleWhere, asUserSubject, authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import type { User } from '../../directory/entities.ts';
import { loadAuthorizedSpace } from '../../directory/spaces/listMembers.ts';
import { matchingUserIds } from '../../directory/users/userQuery.ts';
import { ForbiddenError, unprocessable } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { BULK_LEASE_MS, type BulkRunOptions, launchBulkJob } from './runner.ts';
import type { BulkJobParams, BulkJobView, StartBulkJobInput } from './schemas.ts';
import { loadJob, presentJob } from './store.ts';

/** At most this many people per job (a larger selection: narrow the filter). */
export const BULK_JOB_MAX = 100_000;

const ATTEMPT = { auditAction: 'bulk_job.started', targetType: 'bulk_job' } as const;

/** The right a verb needs at all (per person, the chunk checks it again on each). */
function requireVerbRight(ability: AppAbility, verb: StartBulkJobInput['verb']): void {
  // Bare subject types: "on someone". Where people go (a move's organization, a space) is checked
  // on the concrete target below, once it is loaded.
  if (verb === 'move') authorize(ability, 'update', 'User', ATTEMPT);
  else if (verb === 'add_to_space' || verb === 'remove_from_space')
    authorize(ability, 'manageMembers', 'Space', ATTEMPT);
  else authorize(ability, verb, 'User', ATTEMPT);
}

/**
 * Starts a bulk job on everyone the people list's `filter` matches within the caller's read
 * rules (the list's own query: nobody can act on someone the list would not show them). The job
 * and its people, in list order, are recorded now and audited `bulk_job.started` with the
 * filter; the job then runs in the background, one transaction per chunk through the verb's
 * set-based command (docs/api.md "Bulk jobs"). Each person is checked again in their chunk
 * against the caller's rights (a staff member's selection may show admins: they are skipped as
 * `forbidden`, each with a denied audit event).
 */
export async function startBulkJob(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  input: StartBulkJobInput,
  options: BulkRunOptions = {},
): Promise<BulkJobView> {
  const id = randomUUID();
  const view = await runCommand(
    services,
    actor,
    async (ctx) => {
      requireVerbRight(ability, input.verb);
      const access = accessibleWhere<User>(ability, 'read', 'User');
      if (!access) throw new ForbiddenError({ action: 'bulk_job.started', targetType: 'user' });
      const { filter } = input;
      if (filter.role && !ability.can('read', 'BackofficeAccount'))
        throw new ForbiddenError(
          { action: 'bulk_job.started', targetType: 'bulk_job' },
          'Filtering by role is not allowed for your role',
          'forbidden_filter',
        );
      const params: BulkJobParams = {};
      switch (input.verb) {
        case 'deactivate':
        case 'suspend':
          params.reason = input.reason;
          break;
        case 'activate':
          params.reason = input.reason || null;
          break;
        case 'invite':
          params.locale = input.locale;
          break;
        case 'move': {
          const [org] = await ctx.em.execute<{ name: string }[]>(
            'select name from organization where id = ?',
            [input.organizationId],
          );
          if (!org)
            throw unprocessable('organization_not_found', 'The organization does not exist', {
              errors: [{ path: 'organizationId', message: 'The organization does not exist' }],
            });
          // A plain person arriving there: the destination must be within the caller's reach.
          authorize(
            ability,
            'update',
            asUserSubject({ id: '', rank: 0, organizationId: input.organizationId }),
            { ...ATTEMPT, targetLabel: org.name },
          );
          params.organizationId = input.organizationId;
          params.organizationName = org.name;
          break;
        }
        case 'add_to_space':
        case 'remove_from_space':
          params.spaceId = input.spaceId;
          params.spaceName = (
            await loadAuthorizedSpace(ctx.em, ability, 'manageMembers', input.spaceId, ATTEMPT)
          ).name;
          break;
      }
      const now = services.now();
      const ids = await matchingUserIds(ctx.em, access, { ...filter, now }, BULK_JOB_MAX + 1);
      if (ids.length > BULK_JOB_MAX)
        throw unprocessable(
          'too_many_people',
          `At most ${BULK_JOB_MAX} people per bulk job: narrow the filter`,
          { max: BULK_JOB_MAX },
        );
      await ctx.em.execute(
        `insert into bulk_job (id, verb, status, requested_by_id, requested_by, filter, params,
                               total, locked_until, created_at)
         values (?, ?, 'running', ?, ?, ?::jsonb, ?::jsonb, ?, ?::timestamptz, ?::timestamptz)`,
        [
          id,
          input.verb,
          actor.userId,
          actor.label,
          JSON.stringify(filter),
          JSON.stringify(params),
          ids.length,
          new Date(now.getTime() + BULK_LEASE_MS).toISOString(),
          now.toISOString(),
        ],
      );
      await ctx.em.execute(
        `insert into bulk_job_item (job_id, position, user_id)
         select ?, ordinality, value::uuid from jsonb_array_elements_text(?::jsonb) with ordinality`,
        [id, JSON.stringify(ids)],
      );
      ctx.audit({
        action: 'bulk_job.started',
        targetType: 'bulk_job',
        targetId: id,
        reason: params.reason ?? null,
        details: { verb: input.verb, filter, total: ids.length, ...params },
      });
      const job = await loadJob(ctx.em, id);
      if (!job) throw new Error('the job just inserted is missing');
      return presentJob(job);
    },
    ability,
  );
  launchBulkJob(services, id, actor, ability, options);
  return view;
}
