import type { CommandContext } from '../../commands/runCommand.ts';
import { removeMembershipsIn } from '../../directory/spaces/removeMember.ts';
import { closeGrants } from '../grants/closeGrants.ts';
import { withdrawStandingRoles } from '../people/withdrawRoles.ts';
import type { ItemKind } from './schemas.ts';

/** An item whose revocation is owed. */
export interface OwedItem {
  id: string;
  kind: ItemKind;
  user_id: string;
  space_id: string | null;
  grant_id: string | null;
}

/** Which campaign revokes, who carries it out, when. */
export interface Revoking {
  campaignId: string;
  campaignName: string;
  at: Date;
  byId: string | null;
}

const members = (items: OwedItem[]) => items.filter((item) => item.kind === 'space_membership');

/**
 * Carries out revocations inside the caller's transaction, through each right's own code path:
 * space memberships through `removeMembershipsIn` (one statement across every space, its audit
 * events and one core event per space through the outbox), role grants through `closeGrants`
 * (rank, sessions), standing roles through `withdrawStandingRoles`. Each item then records what happened: `revoked`,
 * or `gone` when the right had already ended some other way. The campaign, made by a superadmin,
 * is the authority: the caller checked the decision, not the right itself (docs/decisions.md).
 */
export async function applyRevocations(
  ctx: Pick<CommandContext, 'em' | 'audit' | 'emit'>,
  items: OwedItem[],
  revoking: Revoking,
): Promise<number> {
  if (items.length === 0) return 0;
  const { em } = ctx;
  const reason = `Access review: ${revoking.campaignName}`;
  const done = new Set<string>();

  const memberships = members(items).flatMap((item) =>
    item.space_id ? [{ item, spaceId: item.space_id, userId: item.user_id }] : [],
  );
  const removed = new Set(
    (await removeMembershipsIn(ctx, memberships)).map((m) => `${m.spaceId}/${m.userId}`),
  );
  for (const { item, spaceId, userId } of memberships)
    if (removed.has(`${spaceId}/${userId}`)) done.add(item.id);

  const grants = items.filter((item) => item.kind === 'role_grant' && item.grant_id);
  if (grants.length > 0) {
    const open = await em.execute<{ id: string; user_id: string; role: string; label: string }[]>(
      `select g.id, g.user_id, g.role, coalesce(u.username, u.display_name) as label
         from role_grant g join app_user u on u.id = g.user_id
        where g.id in (select jsonb_array_elements_text(?::jsonb)::uuid)
          and g.ended_at is null and (g.expires_at is null or g.expires_at > ?)`,
      [JSON.stringify(grants.map((item) => item.grant_id)), revoking.at],
    );
    await closeGrants(
      em,
      open.map((grant) => grant.id),
      { at: revoking.at, byId: revoking.byId, reason },
    );
    for (const grant of open)
      ctx.audit({
        action: 'user.role_grant_ended',
        targetType: 'user',
        targetId: grant.user_id,
        targetLabel: grant.label,
        reason,
        details: { grantId: grant.id, role: grant.role, campaignId: revoking.campaignId },
      });
    const ended = new Set(open.map((grant) => grant.id));
    for (const item of grants) if (item.grant_id && ended.has(item.grant_id)) done.add(item.id);
  }

  const roles = items.filter((item) => item.kind === 'standing_role');
  if (roles.length > 0) {
    const withdrawn = new Set(
      await withdrawStandingRoles(
        ctx,
        roles.map((item) => item.user_id),
        {
          at: revoking.at,
          byId: revoking.byId,
          reason,
          details: { campaignId: revoking.campaignId },
        },
      ),
    );
    for (const item of roles) if (withdrawn.has(item.user_id)) done.add(item.id);
  }

  await em.execute(
    `update review_item set applied_at = ?,
            outcome = case when id in (select jsonb_array_elements_text(?::jsonb)::bigint)
                           then 'revoked' else 'gone' end
      where id in (select jsonb_array_elements_text(?::jsonb)::bigint)`,
    [revoking.at, JSON.stringify([...done]), JSON.stringify(items.map((item) => item.id))],
  );
  return done.size;
}
