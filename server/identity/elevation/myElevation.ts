import type { Actor } from '../../authz/actor.ts';
import { grantsInForce } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import type { Services } from '../../shared/services.ts';
import { RoleGrant } from '../grants/entity.ts';
import { presentGrants } from '../grants/present.ts';
import type { MyElevationView } from './schemas.ts';

/**
 * The caller's time-bound roles in force now (`GET /me/elevation`), for the console's banner:
 * the same grants the request's rights were built from, so the banner never shows a role the
 * server no longer honours.
 */
export function myElevation(services: Services, actor: Actor): Promise<MyElevationView> {
  return runCommand(services, actor, async ({ em }) => {
    const now = services.now();
    const ids = grantsInForce(actor, now).flatMap((grant) =>
      grant.grantId && grant.expiresAt ? [grant.grantId] : [],
    );
    if (ids.length === 0) return { data: [] };
    const grants = await em.find(
      RoleGrant,
      { id: { $in: ids } },
      { orderBy: { expiresAt: 'asc', id: 'asc' } },
    );
    const views = await presentGrants(em, grants, now);
    return {
      data: views.flatMap((view) =>
        view.inForce && view.expiresAt
          ? [{ grantId: view.id, role: view.role, scope: view.scope, expiresAt: view.expiresAt }]
          : [],
      ),
    };
  });
}
