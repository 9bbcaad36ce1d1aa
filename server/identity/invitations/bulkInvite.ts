import { randomUUID } from 'node:crypto';
import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, accessibleWhere, authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import type { User } from '../../directory/entities.ts';
import { matchingUserIds, type UserListParams } from '../../directory/users/userQuery.ts';
import { ForbiddenError } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { inviteChunk } from './bulkChunk.ts';
import type { InvitationLocale } from './state.ts';

/** The people list's filters a bulk invitation takes (paging and sort do not apply). */
export type InvitationBatchFilter = Omit<
  UserListParams,
  'sort' | 'order' | 'offset' | 'limit' | 'now'
>;

/** At most this many people per bulk invitation (a larger list: narrow the filter). */
export const BULK_INVITE_MAX = 20_000;
/** People per transaction of the job: each chunk commits its mails, audit and progress. */
const CHUNK = 100;

const inFlight = new WeakMap<Services, Set<Promise<void>>>();

/** Waits for the bulk invitations this process runs in the background (tests, shutdown). */
export async function drainInvitationBatches(services: Services): Promise<void> {
  await Promise.allSettled([...(inFlight.get(services) ?? [])]);
}

/**
 * Starts a bulk invitation of every person the people list's `filter` matches (within what the
 * caller may read), as one background job: the batch and its people are recorded now (audited
 * `invitation.bulk_started`), and the job then invites them in chunks, each chunk one
 * transaction that also advances the progress. Each person gets a result: `invited` (or held),
 * or `skipped` with the reason (no e-mail, already registered, deactivated, forbidden...).
 * Returns the batch id; `GET /invitation-batches/:id` reports progress and results.
 * `chunkSize` (people per transaction) is for tests and benchmarks.
 */
export async function startBulkInvitation(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  filter: InvitationBatchFilter,
  locale: InvitationLocale,
  options: { chunkSize?: number } = {},
): Promise<{ id: string; total: number }> {
  const id = randomUUID();
  const total = await runCommand(
    services,
    actor,
    async (ctx) => {
      authorize(ability, 'invite', 'User', {
        auditAction: 'invitation.bulk_started',
        targetType: 'invitation_batch',
      });
      const access = accessibleWhere<User>(ability, 'read', 'User');
      if (!access)
        throw new ForbiddenError({ action: 'invitation.bulk_started', targetType: 'user' });
      const now = services.now();
      const ids = await matchingUserIds(ctx.em, access, { ...filter, now }, BULK_INVITE_MAX + 1);
      if (ids.length > BULK_INVITE_MAX)
        throw new ForbiddenError(
          { action: 'invitation.bulk_started', targetType: 'invitation_batch' },
          `At most ${BULK_INVITE_MAX} people per bulk invitation: narrow the filter`,
          'too_many_people',
        );
      await ctx.em.execute(
        `insert into invitation_batch (id, status, requested_by_id, requested_by, filter, locale,
                                       total, created_at)
         values (?, 'running', ?, ?, ?::jsonb, ?, ?, ?)`,
        [id, actor.userId, actor.label, JSON.stringify(filter), locale, ids.length, now],
      );
      await ctx.em.execute(
        `insert into invitation_batch_item (batch_id, position, user_id)
         select ?, ordinality, value::uuid from jsonb_array_elements_text(?::jsonb) with ordinality`,
        [id, JSON.stringify(ids)],
      );
      ctx.audit({
        action: 'invitation.bulk_started',
        targetType: 'invitation_batch',
        targetId: id,
        details: { filter, locale, total: ids.length },
      });
      return ids.length;
    },
    ability,
  );
  const set = inFlight.get(services) ?? new Set();
  inFlight.set(services, set);
  const job = runBatch(services, actor, ability, id, locale, options.chunkSize ?? CHUNK).catch(
    async (error: unknown) => {
      services.logger.error({ err: error, batchId: id }, 'bulk invitation failed');
      await services.pool.query(
        `update invitation_batch set status = 'failed', error = $2, finished_at = $3 where id = $1`,
        [id, error instanceof Error ? error.message : String(error), services.now()],
      );
    },
  );
  set.add(job);
  void job.finally(() => set.delete(job));
  return { id, total };
}

/** Invites the batch's people chunk by chunk, in order, until none is left. */
async function runBatch(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  batchId: string,
  locale: InvitationLocale,
  chunkSize: number,
): Promise<void> {
  for (;;) {
    const left = await runCommand(
      services,
      actor,
      (ctx) => inviteChunk(ctx, batchId, locale, chunkSize),
      ability,
    );
    if (left === 0) break;
  }
  await runCommand(
    services,
    actor,
    async (ctx) => {
      const [batch] = await ctx.em.execute<{ total: number; invited: number; skipped: number }[]>(
        `update invitation_batch set status = 'succeeded', finished_at = ? where id = ?
         returning total, invited, skipped`,
        [services.now(), batchId],
      );
      ctx.audit({
        action: 'invitation.bulk_finished',
        targetType: 'invitation_batch',
        targetId: batchId,
        details: { ...batch },
      });
    },
    ability,
  );
}
