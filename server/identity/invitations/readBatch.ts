import type { z } from 'zod';
import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { notFound } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import type { invitationBatchView } from './schemas.ts';

/** A bulk invitation: its progress and, page by page, the result per person. */
export type InvitationBatchView = z.infer<typeof invitationBatchView>;

/**
 * Reads a bulk invitation for those who may invite (its results name people and why they were
 * skipped). `offset`/`limit` page the per-person results, in the list's order.
 */
export function readInvitationBatch(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
  page: { offset: number; limit: number },
): Promise<InvitationBatchView> {
  return runCommand(
    services,
    actor,
    async ({ em }) => {
      authorize(ability, 'invite', 'User', {
        auditAction: 'invitation.bulk_started',
        targetType: 'invitation_batch',
        targetId: id,
      });
      const [batch] = await em.execute<
        {
          id: string;
          status: InvitationBatchView['status'];
          requested_by: string;
          filter: Record<string, unknown>;
          locale: 'ru' | 'en';
          total: number;
          processed: number;
          invited: number;
          skipped: number;
          error: string | null;
          created_at: Date;
          finished_at: Date | null;
        }[]
      >('select * from invitation_batch where id = ?', [id]);
      if (!batch) throw notFound('InvitationBatch');
      const items = await em.execute<InvitationBatchView['items']>(
        `select user_id as "userId", label, outcome, code from invitation_batch_item
          where batch_id = ? order by position offset ? limit ?`,
        [id, page.offset, page.limit],
      );
      return {
        id: batch.id,
        status: batch.status,
        requestedBy: batch.requested_by,
        filter: batch.filter,
        locale: batch.locale,
        total: batch.total,
        processed: batch.processed,
        invited: batch.invited,
        skipped: batch.skipped,
        error: batch.error,
        createdAt: new Date(batch.created_at).toISOString(),
        finishedAt: batch.finished_at ? new Date(batch.finished_at).toISOString() : null,
        items,
      };
    },
    ability,
  );
}
