import type { Actor } from '../../authz/actor.ts';
import type { AppAbility } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { labelOf } from '../../directory/users/common.ts';
import { requireReason } from '../../shared/reason.ts';
import type { Services } from '../../shared/services.ts';
import { countsOf } from '../lifecycle/changeCredentials.ts';
import { loadAuthorizedTarget } from './access.ts';
import { revokeArtefacts } from './revokeArtefacts.ts';
import type { RevokeAllResult } from './schemas.ts';

/**
 * Cuts a person off every device and the back-office at once (a lost phone), in one
 * transaction: every credential artefact ends (sessions, unused links, pending challenges).
 * Audited as `user.sessions_revoked` with the counts.
 */
export function revokeAllUserSessions(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  userId: string,
  reason: string,
): Promise<RevokeAllResult> {
  return runCommand(
    services,
    actor,
    async ({ em, audit, emit }) => {
      const user = await loadAuthorizedTarget(
        em,
        ability,
        'revokeSessions',
        'user.sessions_revoked',
        userId,
      );
      const why = requireReason(reason);
      const revoked = countsOf(
        await revokeArtefacts(em, [user.id], {
          at: services.now(),
          reason: why,
          byId: actor.userId,
        }),
        user.id,
      );
      const result: RevokeAllResult = {
        deviceSessionsRevoked: revoked.deviceSessions,
        backofficeSessionsRevoked: revoked.backofficeSessions,
      };
      audit({
        action: 'user.sessions_revoked',
        targetType: 'user',
        targetId: user.id,
        targetLabel: labelOf(user),
        reason: why,
        details: { ...result, artefactsRevoked: revoked },
      });
      if (user.username)
        emit({
          type: 'sessions.revoked',
          key: user.id,
          userId: user.id,
          username: user.username,
          sessionIds: 'all',
        });
      return result;
    },
    ability,
  );
}
