import { loadCheckpointSigner } from '../../audit/checkpoints.ts';
import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { conflict, notFound } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { applyRevocations, type OwedItem } from './apply.ts';
import { ITEM_FROM, ITEM_SELECT, type ItemRow, presentItem } from './listItems.ts';
import { loadCampaignView } from './readCampaigns.ts';
import { signReport } from './report.ts';
import type { CampaignView } from './schemas.ts';

/**
 * Closes a campaign (superadmins): items nobody decided are marked so, each one, and kept or
 * revoked by the campaign's rule; every revocation still owed is carried out through its own
 * code path; the rest is recorded as kept. The signed report (JSON and CSV) is written in the
 * same transaction, and `review.campaign_closed` records its SHA-256 and the counts.
 */
export function closeCampaign(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
): Promise<CampaignView> {
  return runCommand(
    services,
    actor,
    async (ctx) => {
      const { em, audit } = ctx;
      authorize(ability, 'close', 'ReviewCampaign', {
        auditAction: 'review.campaign_closed',
        targetType: 'ReviewCampaign',
        targetId: id,
      });
      const [campaign] = await em.execute<
        { name: string; status: string; undecided: 'keep' | 'revoke' }[]
      >('select name, status, undecided from review_campaign where id = ? for update', [id]);
      if (!campaign) throw notFound('ReviewCampaign');
      if (campaign.status !== 'open') throw conflict('review_closed', 'The campaign is closed');
      const now = services.now();
      const [undecided] = await em.execute<{ n: number }[]>(
        `with marked as (update review_item set undecided_at_close = true
                          where campaign_id = ? and decision is null and applied_at is null
                          returning 1)
         select count(*)::int as n from marked`,
        [id],
      );
      const owed = await em.execute<OwedItem[]>(
        `select id::text as id, kind, user_id, space_id, grant_id from review_item
          where campaign_id = ? and applied_at is null
            and (decision = 'revoke' or (decision is null and ? = 'revoke'))
          order by id`,
        [id, campaign.undecided],
      );
      const revoked = await applyRevocations(ctx, owed, {
        campaignId: id,
        campaignName: campaign.name,
        at: now,
        byId: actor.userId,
      });
      await em.execute(
        `update review_item set outcome = 'kept' where campaign_id = ? and outcome is null`,
        [id],
      );
      await em.execute(
        `update review_campaign set status = 'closed', closed_at = ?, closed_by_id = ?,
                version = version + 1 where id = ?`,
        [now, actor.userId, id],
      );
      const view = (await loadCampaignView(em, id)) as CampaignView;
      const rows = await em.execute<ItemRow[]>(
        `select ${ITEM_SELECT} from ${ITEM_FROM} where i.campaign_id = ? order by i.id`,
        [id],
      );
      const signer = loadCheckpointSigner(services.config);
      const report = signReport(signer, view, rows.map(presentItem));
      const transaction = em.getTransactionContext();
      if (!transaction) throw new Error('closeCampaign must run inside a transaction');
      await em
        .getKnex()
        .raw(
          `insert into review_report (campaign_id, json, csv, sha256, key_id, created_at)
           values (?, ?, ?, ?, ?, ?)`,
          [id, report.json, report.csv, report.sha256, signer.keyId, now],
        )
        .transacting(transaction);
      audit({
        action: 'review.campaign_closed',
        targetType: 'ReviewCampaign',
        targetId: id,
        targetLabel: campaign.name,
        details: {
          items: view.progress.total,
          confirmed: view.progress.confirmed,
          revoked,
          undecided: undecided?.n ?? 0,
          undecidedRule: campaign.undecided,
          reportSha256: report.sha256,
          keyId: signer.keyId,
        },
      });
      return { ...view, reportSha256: report.sha256 };
    },
    ability,
  );
}
