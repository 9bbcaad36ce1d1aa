import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { badRequest, type FieldProblem } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { loadCampaignView } from './readCampaigns.ts';
import type { CampaignView, CreateCampaignBody } from './schemas.ts';

/**
 * The organizations under the campaign's filter (`$2`, null: all), and for every organization the
 * nearest head up the tree. A head reviews only while they can sign in to the back-office (an
 * active person with a role in force: `rank > 0`); otherwise, and for their own access, the item
 * goes to the named reviewer, and when that is the person too, to the campaign's creator.
 */
const CONTEXT = `
with recursive sub(id) as (
  select id from organization where id = ?::uuid
  union select c.id from organization c join sub on c.parent_id = sub.id),
up(org_id, at_id, head_id) as (
  select id, parent_id, head_id from organization
  union all
  select up.org_id, o.parent_id, o.head_id from up join organization o on o.id = up.at_id
   where up.head_id is null),
heads as (
  select up.org_id, up.head_id from up join app_user h on h.id = up.head_id
   where h.rank > 0 and h.status = 'active')`;

const REVIEWER = `case when c.reviewer_rule = 'organization_head' and h.head_id is not null
                        and h.head_id <> x.user_id then h.head_id
                       when c.reviewer_id <> x.user_id then c.reviewer_id
                       else c.created_by_id end`;

/** One statement per kind of item: `x` is the reviewed thing, `x.org` its organization. */
const ITEMS: Record<CreateCampaignBody['kind'], string[]> = {
  space_members: [
    `select m.user_id, m.space_id, null::uuid as grant_id, null::text as role,
            s.organization_id as org, 'space_membership' as kind
       from space_member m join space s on s.id = m.space_id`,
  ],
  backoffice_rights: [
    // Superadmins are made and unmade from the command line: their standing role is not reviewed.
    `select u.id as user_id, null::uuid as space_id, null::uuid as grant_id, u.role,
            u.organization_id as org, 'standing_role' as kind
       from app_user u where u.role in ('admin', 'staff', 'auditor')`,
    `select g.user_id, null::uuid as space_id, g.id as grant_id, g.role,
            u.organization_id as org, 'role_grant' as kind
       from role_grant g join app_user u on u.id = g.user_id
      where g.ended_at is null and (g.expires_at is null or g.expires_at > ?::timestamptz)`,
  ],
};

async function insertItems(
  em: EntityManager,
  campaignId: string,
  body: CreateCampaignBody,
  now: Date,
): Promise<number> {
  let total = 0;
  for (const source of ITEMS[body.kind]) {
    const params: unknown[] = [body.organizationId];
    if (source.includes('?::timestamptz')) params.push(now);
    params.push(campaignId, body.organizationId);
    const rows = await em.execute<{ n: number }[]>(
      `${CONTEXT},
       x as (${source}),
       inserted as (
         insert into review_item
                (campaign_id, kind, user_id, space_id, grant_id, role, organization_id, reviewer_id)
         select c.id, x.kind, x.user_id, x.space_id, x.grant_id, x.role, x.org, ${REVIEWER}
           from x cross join review_campaign c left join heads h on h.org_id = x.org
          where c.id = ?::uuid and (?::uuid is null or x.org in (select id from sub))
          order by x.org, x.space_id, x.user_id
         returning 1)
       select count(*)::int as n from inserted`,
      params,
    );
    total += rows[0]?.n ?? 0;
  }
  return total;
}

/**
 * Starts an access review (superadmins): the campaign and every item it covers, written set-based
 * (one INSERT … SELECT per kind of item, whatever the number of people and spaces), each with its
 * reviewer. Audited `review.campaign_created` with the number of items.
 */
export function createCampaign(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  body: CreateCampaignBody,
): Promise<CampaignView> {
  return runCommand(
    services,
    actor,
    async ({ em, audit }) => {
      authorize(ability, 'create', 'ReviewCampaign', { auditAction: 'review.campaign_created' });
      const now = services.now();
      const problems: FieldProblem[] = [];
      if (body.dueAt <= now)
        problems.push({ path: 'dueAt', message: 'must be later than now', code: 'must_be_later' });
      const [reviewer] = await em.execute<{ id: string }[]>(
        `select id from app_user where id = ? and rank > 0 and status = 'active'`,
        [body.reviewerId],
      );
      if (!reviewer)
        problems.push({
          path: 'reviewerId',
          message: 'must be an active person with a back-office role',
          code: 'invalid',
        });
      if (body.organizationId) {
        const [organization] = await em.execute('select 1 from organization where id = ?', [
          body.organizationId,
        ]);
        if (!organization)
          problems.push({
            path: 'organizationId',
            message: 'no such organization',
            code: 'unknown_organization',
          });
      }
      if (problems.length > 0)
        throw badRequest('validation_failed', 'The request is not valid', problems);
      const [campaign] = await em.execute<{ id: string }[]>(
        `insert into review_campaign (name, kind, organization_id, reviewer_rule, reviewer_id, due_at,
                                    revoke_mode, undecided, created_by_id, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
        [
          body.name,
          body.kind,
          body.organizationId,
          body.reviewerRule,
          body.reviewerId,
          body.dueAt,
          body.revokeMode,
          body.undecided,
          actor.userId,
          now,
        ],
      );
      const id = (campaign as { id: string }).id;
      const items = await insertItems(em, id, body, now);
      await em.execute('update review_campaign set item_count = ? where id = ?', [items, id]);
      audit({
        action: 'review.campaign_created',
        targetType: 'ReviewCampaign',
        targetId: id,
        targetLabel: body.name,
        details: {
          kind: body.kind,
          organizationId: body.organizationId,
          reviewerRule: body.reviewerRule,
          revokeMode: body.revokeMode,
          undecided: body.undecided,
          dueAt: body.dueAt.toISOString(),
          items,
        },
      });
      return (await loadCampaignView(em, id)) as CampaignView;
    },
    ability,
  );
}
