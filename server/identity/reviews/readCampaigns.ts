import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { isoSql } from '../../directory/organizations/support.ts';
import { notFound } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import type { CampaignView, ListCampaignsQuery } from './schemas.ts';

const name = (alias: string) => `coalesce(${alias}.display_name, ${alias}.username)`;

/** The columns of campaign `c` with its counts (one pass over its items). */
const COLUMNS = `c.id, c.name, c.kind, c.reviewer_rule, c.revoke_mode, c.undecided, c.status,
  ${isoSql('c.due_at')} as due_at, ${isoSql('c.created_at')} as created_at,
  ${isoSql('c.closed_at')} as closed_at,
  o.id as organization_id, o.name as organization_name,
  r.id as reviewer_id, ${name('r')} as reviewer_name,
  cb.id as created_by_id, ${name('cb')} as created_by_name,
  xb.id as closed_by_id, ${name('xb')} as closed_by_name,
  rep.sha256 as report_sha256, p.*`;

const FROM = `review_campaign c
  left join organization o on o.id = c.organization_id
  join app_user r on r.id = c.reviewer_id
  left join app_user cb on cb.id = c.created_by_id
  left join app_user xb on xb.id = c.closed_by_id
  left join review_report rep on rep.campaign_id = c.id
  cross join lateral (
    select count(*)::int as total, count(i.decision)::int as decided,
           count(*) filter (where i.decision = 'confirm')::int as confirmed,
           count(*) filter (where i.decision = 'revoke')::int as revoked,
           count(i.applied_at)::int as applied,
           count(*) filter (where i.undecided_at_close)::int as undecided_at_close
      from review_item i where i.campaign_id = c.id) p`;

interface CampaignRow {
  id: string;
  name: string;
  kind: CampaignView['kind'];
  reviewer_rule: CampaignView['reviewerRule'];
  revoke_mode: CampaignView['revokeMode'];
  undecided: CampaignView['undecided'];
  status: CampaignView['status'];
  due_at: string;
  created_at: string;
  closed_at: string | null;
  organization_id: string | null;
  organization_name: string | null;
  reviewer_id: string;
  reviewer_name: string;
  created_by_id: string | null;
  created_by_name: string | null;
  closed_by_id: string | null;
  closed_by_name: string | null;
  report_sha256: string | null;
  total: number;
  decided: number;
  confirmed: number;
  revoked: number;
  applied: number;
  undecided_at_close: number;
}

const pair = (id: string | null, label: string | null) =>
  id === null ? null : { id, name: label ?? '' };

function present(row: CampaignRow): CampaignView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    organization: pair(row.organization_id, row.organization_name),
    reviewerRule: row.reviewer_rule,
    reviewer: { id: row.reviewer_id, name: row.reviewer_name },
    dueAt: row.due_at,
    revokeMode: row.revoke_mode,
    undecided: row.undecided,
    status: row.status,
    createdBy: pair(row.created_by_id, row.created_by_name),
    createdAt: row.created_at,
    closedBy: pair(row.closed_by_id, row.closed_by_name),
    closedAt: row.closed_at,
    progress: {
      total: row.total,
      decided: row.decided,
      confirmed: row.confirmed,
      revoked: row.revoked,
      applied: row.applied,
      undecidedAtClose: row.undecided_at_close,
    },
    reportSha256: row.report_sha256,
  };
}

/** One campaign with its progress; null if there is none. */
export async function loadCampaignView(
  em: EntityManager,
  id: string,
): Promise<CampaignView | null> {
  const [row] = await em.execute<CampaignRow[]>(`select ${COLUMNS} from ${FROM} where c.id = ?`, [
    id,
  ]);
  return row ? present(row) : null;
}

/** Campaigns, newest first (superadmins and auditors). */
export function listCampaigns(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  query: ListCampaignsQuery,
): Promise<{ data: CampaignView[]; total: number }> {
  return runCommand(
    services,
    actor,
    async ({ em }) => {
      authorize(ability, 'read', 'ReviewCampaign', { auditAction: 'review.listed' });
      const where = query.status ? 'where c.status = ?' : '';
      const filter = query.status ? [query.status] : [];
      const rows = await em.execute<CampaignRow[]>(
        `select ${COLUMNS} from ${FROM} ${where} order by c.created_at desc, c.id
          limit ? offset ?`,
        [...filter, query.limit, query.offset],
      );
      const [count] = await em.execute<{ n: number }[]>(
        `select count(*)::int as n from review_campaign c ${where}`,
        filter,
      );
      return { data: rows.map(present), total: count?.n ?? 0 };
    },
    ability,
  );
}

/** One campaign with its progress (superadmins and auditors). */
export function getCampaign(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
): Promise<CampaignView> {
  return runCommand(
    services,
    actor,
    async ({ em }) => {
      authorize(ability, 'read', 'ReviewCampaign', {
        auditAction: 'review.listed',
        targetType: 'ReviewCampaign',
        targetId: id,
      });
      const view = await loadCampaignView(em, id);
      if (!view) throw notFound('ReviewCampaign');
      return view;
    },
    ability,
  );
}
