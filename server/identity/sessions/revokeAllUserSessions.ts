import type { AppAbility } from '../../authz/index.ts';
import { labelOf } from '../../directory/users/common.ts';
import type { Actor } from '../../shared/actor.ts';
import { runCommand } from '../../shared/command.ts';
import type { Services } from '../../shared/services.ts';
import { revokeBackofficeSessions } from '../backofficeSession.ts';
import { loadAuthorizedTarget } from './access.ts';
import { revokeDeviceSessions } from './revokeDeviceSessions.ts';
import type { RevokeAllResult } from './schemas.ts';

/**
 * Cuts a person off every device and the back-office at once (a lost phone, a departure), in
 * one transaction. Audited as `user.sessions_revoked` with the counts.
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
      const now = services.now();
      const result: RevokeAllResult = {
        deviceSessionsRevoked: await revokeDeviceSessions(em, user.id, now, reason, actor.userId),
        backofficeSessionsRevoked: await revokeBackofficeSessions(em, user.id, now),
      };
      audit({
        action: 'user.sessions_revoked',
        targetType: 'user',
        targetId: user.id,
        targetLabel: labelOf(user),
        reason,
        details: { ...result },
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
