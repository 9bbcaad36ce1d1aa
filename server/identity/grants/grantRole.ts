import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, asRoleGrant, authorize } from '../../authz/index.ts';
import { type CommandContext, runCommand } from '../../commands/runCommand.ts';
import { Organization } from '../../directory/entities.ts';
import { labelOf, loadUser, requireAnyRight } from '../../directory/users/common.ts';
import { badRequest } from '../../shared/errors.ts';
import { requireReason } from '../../shared/reason.ts';
import type { Services } from '../../shared/services.ts';
import { type GrantableRole, RoleGrant } from './entity.ts';
import { presentGrants } from './present.ts';
import { refreshRanks } from './rank.ts';
import type { GrantBody, RoleGrantView } from './schemas.ts';

/**
 * Grants a back-office role on top of the person's standing one (issue 18): inside organization
 * subtrees and/or until a time, with a reason. Who may grant which role is the same rule as for
 * the standing role (`RoleGrant` in server/authz). The person's rank is raised at once, so the
 * rank rules protect them from then on; their rights follow on their next request.
 */
export function grantRole(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  userId: string,
  body: GrantBody,
  approvedById: string | null = null,
): Promise<RoleGrantView> {
  return runCommand(
    services,
    actor,
    async (ctx) => {
      const grant = await insertGrant(ctx, userId, body, approvedById);
      const [view] = await presentGrants(ctx.em, [grant], services.now());
      return view as RoleGrantView;
    },
    ability,
  );
}

/**
 * The grant itself, inside the caller's command (a direct grant, or an approved elevation
 * request in the approval's transaction): authorizes, checks, inserts, raises the rank, audits
 * `user.role_granted`.
 */
export async function insertGrant(
  { em, actor, ability, services, audit }: CommandContext,
  userId: string,
  body: GrantBody,
  approvedById: string | null,
): Promise<RoleGrant> {
  requireAnyRight(ability, 'grant', 'user.role_granted', userId, 'RoleGrant');
  const user = await loadUser(em, userId);
  authorize(
    ability,
    'grant',
    asRoleGrant({ id: user.id, rank: user.rank, role: user.role ?? null }, body.role),
    {
      auditAction: 'user.role_granted',
      targetType: 'user',
      targetId: user.id,
      targetLabel: labelOf(user),
    },
  );
  const why = requireReason(body.reason);
  const now = services.now();
  if (body.expiresAt && body.expiresAt <= now)
    throw badRequest('validation_failed', 'The request is not valid', [
      { path: 'expiresAt', message: 'must be later than now', code: 'must_be_later' },
    ]);
  const scope = await checkScope(em, body.role, body.scope);
  const grant = em.create(RoleGrant, {
    userId: user.id,
    role: body.role,
    scope,
    expiresAt: body.expiresAt,
    reason: why,
    grantedById: actor.userId,
    approvedById,
    createdAt: now,
  });
  await em.flush();
  await refreshRanks(em, [user.id], now);
  audit({
    action: 'user.role_granted',
    targetType: 'user',
    targetId: user.id,
    targetLabel: labelOf(user),
    reason: why,
    details: {
      grantId: grant.id,
      role: grant.role,
      scope,
      expiresAt: grant.expiresAt?.toISOString() ?? null,
      approvedById,
    },
  });
  return grant;
}

/**
 * A grant's scope, without repeats, or 400 `validation_failed` at `scope`: an auditor reads the
 * whole company, and every organization must exist. Shared with elevation requests.
 */
export async function checkScope(
  em: EntityManager,
  role: GrantableRole,
  requested: readonly string[],
): Promise<string[]> {
  const scope = [...new Set(requested)];
  if (scope.length > 0 && role === 'auditor')
    throw badRequest('validation_failed', 'The request is not valid', [
      { path: 'scope', message: 'an auditor reads the whole company', code: 'invalid' },
    ]);
  if (scope.length > 0) {
    const found = await em.count(Organization, { id: { $in: scope } });
    if (found !== scope.length)
      throw badRequest('validation_failed', 'The request is not valid', [
        { path: 'scope', message: 'no such organization', code: 'unknown_organization' },
      ]);
  }
  return scope;
}
