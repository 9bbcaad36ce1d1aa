import { subject } from '@casl/ability';
import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { conflict, ForbiddenError, notFound } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { applyRevocations, type OwedItem } from './apply.ts';
import type { DecidedView, Decision } from './schemas.ts';

interface Target extends OwedItem {
  reviewer_id: string;
  decision: Decision | null;
  status: 'open' | 'closed';
  revoke_mode: 'at_once' | 'at_close';
  campaign_id: string;
  campaign_name: string;
  label: string;
  space_name: string | null;
  role: string | null;
}

/**
 * Records a reviewer's decision on items, one row and one audit event per item, set-based: the
 * single decision of the item page and the "confirm the selected" of a list page alike (there is
 * no "confirm all" that would leave items without their own record). Each item must be assigned
 * to the caller (`decide` on `ReviewItem`, audited as denied otherwise), in an open campaign
 * (409 `review_closed`) and undecided (409 `review_decided`); nobody decides their own access
 * (403 `review_own_item`). A revocation in a campaign revoking at once is carried out now.
 */
export function decideItems(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  ids: readonly string[],
  decision: Decision,
  note: string | null,
): Promise<DecidedView> {
  return runCommand(
    services,
    actor,
    async (ctx) => {
      const { em, audit } = ctx;
      const unique = [...new Set(ids)];
      // The campaign row in share mode: a concurrent close (which locks it for update) either
      // waits for these decisions or is seen as closed here, never half of each.
      const targets = await em.execute<Target[]>(
        `select i.id::text as id, i.kind, i.user_id, i.space_id, i.grant_id, i.reviewer_id,
                i.decision, i.role, c.status, c.revoke_mode, c.id as campaign_id,
                c.name as campaign_name, coalesce(u.username, u.display_name) as label,
                s.name as space_name
           from review_item i join review_campaign c on c.id = i.campaign_id
           join app_user u on u.id = i.user_id left join space s on s.id = i.space_id
          where i.id in (select jsonb_array_elements_text(?::jsonb)::bigint)
          order by i.id for update of i for share of c`,
        [JSON.stringify(unique)],
      );
      if (targets.length !== unique.length) throw notFound('ReviewItem');
      for (const item of targets) {
        authorize(ability, 'decide', subject('ReviewItem', { reviewerId: item.reviewer_id }), {
          auditAction: 'review.item_decided',
          targetType: 'User',
          targetId: item.user_id,
          targetLabel: item.label,
        });
        if (item.user_id === actor.userId)
          throw new ForbiddenError(
            {
              action: 'review.item_decided',
              targetType: 'User',
              targetId: item.user_id,
              targetLabel: item.label,
            },
            'Nobody reviews their own access',
            'review_own_item',
          );
        if (item.status !== 'open') throw conflict('review_closed', 'The campaign is closed');
        if (item.decision !== null)
          throw conflict('review_decided', 'The item has already been decided', { id: item.id });
      }
      const now = services.now();
      await em.execute(
        `update review_item set decision = ?, decided_by_id = ?, decided_at = ?, note = ?
          where id in (select jsonb_array_elements_text(?::jsonb)::bigint)`,
        [decision, actor.userId, now, note, JSON.stringify(unique)],
      );
      for (const item of targets)
        audit({
          action: 'review.item_decided',
          targetType: 'User',
          targetId: item.user_id,
          targetLabel: item.label,
          reason: note,
          details: {
            campaignId: item.campaign_id,
            campaignName: item.campaign_name,
            itemId: item.id,
            itemKind: item.kind,
            decision,
            spaceName: item.space_name,
            role: item.role,
          },
        });
      let revoked = 0;
      if (decision === 'revoke') {
        // Items of one request may belong to several campaigns; each revokes by its own rule.
        const byCampaign = new Map<string, Target[]>();
        for (const item of targets)
          if (item.revoke_mode === 'at_once')
            byCampaign.set(item.campaign_id, [...(byCampaign.get(item.campaign_id) ?? []), item]);
        for (const [campaignId, owed] of byCampaign)
          revoked += await applyRevocations(ctx, owed, {
            campaignId,
            campaignName: owed[0]?.campaign_name ?? '',
            at: now,
            byId: actor.userId,
          });
      }
      return { decided: targets.length, revoked };
    },
    ability,
  );
}
