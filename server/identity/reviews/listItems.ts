import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, authorize } from '../../authz/index.ts';
import { reviewItemReach } from '../../authz/reviewReach.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { containsPattern, isoSql } from '../../directory/organizations/support.ts';
import type { Services } from '../../shared/services.ts';
import type { ItemView, ListItemsQuery } from './schemas.ts';

const name = (alias: string) => `coalesce(${alias}.display_name, ${alias}.username)`;

/** The columns and joins of item `i`, shared by the list and the report. */
export const ITEM_SELECT = `i.id::text as id, i.campaign_id, c.name as campaign_name,
  c.status as campaign_status, ${isoSql('c.due_at')} as due_at, i.kind,
  u.id as person_id, ${name('u')} as person_name, u.username as person_username,
  i.space_id, s.name as space_name, i.role, i.organization_id, o.name as organization_name,
  i.reviewer_id, ${name('r')} as reviewer_name, i.decided_by_id, ${name('d')} as decided_by_name,
  ${isoSql('i.decided_at')} as decided_at, i.decision, i.note, i.undecided_at_close, i.outcome,
  ${isoSql('i.applied_at')} as applied_at, i.grant_id`;

export const ITEM_FROM = `review_item i
  join review_campaign c on c.id = i.campaign_id
  join app_user u on u.id = i.user_id
  join app_user r on r.id = i.reviewer_id
  left join app_user d on d.id = i.decided_by_id
  left join space s on s.id = i.space_id
  left join organization o on o.id = i.organization_id`;

/** A row of {@link ITEM_SELECT}. */
export interface ItemRow {
  id: string;
  campaign_id: string;
  campaign_name: string;
  campaign_status: ItemView['campaignStatus'];
  due_at: string;
  kind: ItemView['kind'];
  person_id: string;
  person_name: string;
  person_username: string | null;
  space_id: string | null;
  space_name: string | null;
  role: string | null;
  organization_id: string | null;
  organization_name: string | null;
  reviewer_id: string;
  reviewer_name: string;
  decided_by_id: string | null;
  decided_by_name: string | null;
  decided_at: string | null;
  decision: ItemView['decision'];
  note: string | null;
  undecided_at_close: boolean;
  outcome: ItemView['outcome'];
  applied_at: string | null;
  grant_id: string | null;
}

const pair = (id: string | null, label: string | null) =>
  id === null ? null : { id, name: label ?? '' };

/** Presents an item row. */
export function presentItem(row: ItemRow): ItemView {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    campaignName: row.campaign_name,
    campaignStatus: row.campaign_status,
    dueAt: row.due_at,
    kind: row.kind,
    person: { id: row.person_id, name: row.person_name, username: row.person_username },
    space: pair(row.space_id, row.space_name),
    role: row.role,
    organization: pair(row.organization_id, row.organization_name),
    reviewer: { id: row.reviewer_id, name: row.reviewer_name },
    decision: row.decision,
    decidedBy: pair(row.decided_by_id, row.decided_by_name),
    decidedAt: row.decided_at,
    note: row.note,
    undecidedAtClose: row.undecided_at_close,
    outcome: row.outcome,
    appliedAt: row.applied_at,
  };
}

/**
 * Review items: a reviewer's own (`mine`, or all they may read: their own), every item for
 * superadmins and auditors. Filtered by campaign, decided or not, and a fragment of the person's
 * or the space's name; the order is the campaign's (organization, space, person).
 */
export function listItems(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  query: ListItemsQuery,
): Promise<{ data: ItemView[]; total: number }> {
  return runCommand(
    services,
    actor,
    async ({ em }) => {
      authorize(ability, 'read', 'ReviewItem', { auditAction: 'review.listed' });
      const where: string[] = [];
      const params: unknown[] = [];
      const reach = reviewItemReach(ability);
      if (!reach.all) {
        where.push('i.reviewer_id in (select jsonb_array_elements_text(?::jsonb)::uuid)');
        params.push(JSON.stringify(reach.reviewerIds));
      }
      if (query.mine) {
        where.push('i.reviewer_id = ?');
        params.push(actor.userId);
      }
      if (query.campaignId) {
        where.push('i.campaign_id = ?');
        params.push(query.campaignId);
      }
      if (query.state === 'undecided') where.push('i.decision is null and i.outcome is null');
      if (query.state === 'decided')
        where.push('(i.decision is not null or i.outcome is not null)');
      if (query.q) {
        where.push(
          `fold_search(coalesce(u.display_name, '') || ' ' || coalesce(u.username, '') || ' ' ||
                       coalesce(s.name, '')) like fold_search(?)`,
        );
        params.push(containsPattern(query.q));
      }
      const clause = where.length > 0 ? `where ${where.join(' and ')}` : '';
      const rows = await em.execute<ItemRow[]>(
        `select ${ITEM_SELECT} from ${ITEM_FROM} ${clause}
          order by c.created_at desc, i.id limit ? offset ?`,
        [...params, query.limit, query.offset],
      );
      const [count] = await em.execute<{ n: number }[]>(
        `select count(*)::int as n from ${ITEM_FROM} ${clause}`,
        params,
      );
      return { data: rows.map(presentItem), total: count?.n ?? 0 };
    },
    ability,
  );
}
