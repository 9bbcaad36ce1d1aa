import type { AppAbility } from '../../authz/index.ts';
import { labelOf } from '../../directory/users/common.ts';
import type { Actor } from '../../shared/actor.ts';
import { runCommand } from '../../shared/command.ts';
import type { Services } from '../../shared/services.ts';
import { revokeBackofficeSessions } from '../backofficeSession.ts';
import { loadAuthorizedTarget } from './access.ts';
import { revokeDeviceSessions } from './revokeDeviceSessions.ts';
import type { ResetSecondFactorResult } from './schemas.ts';

/**
 * Resets a person's second factor: removes the TOTP factor and every recovery code, drops
 * pending login challenges (which may carry a half-done enrollment or a passed password step),
 * and revokes every device and back-office session, all in one transaction. With no factor left,
 * the next login goes through TOTP enrollment again. Audited as `user.2fa_reset`. Nobody may
 * reset their own (see abilities: a stolen session must not be able to disable 2FA).
 */
export function resetSecondFactor(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  userId: string,
  reason: string,
): Promise<ResetSecondFactorResult> {
  return runCommand(
    services,
    actor,
    async ({ em, audit, emit }) => {
      const user = await loadAuthorizedTarget(em, ability, 'reset2fa', 'user.2fa_reset', userId);
      const now = services.now();
      const factors = await em.execute<{ user_id: string }[]>(
        'delete from totp_factor where user_id = ? returning user_id',
        [user.id],
      );
      const codes = await em.execute<{ user_id: string }[]>(
        'delete from recovery_code where user_id = ? returning user_id',
        [user.id],
      );
      await em.execute('delete from login_challenge where user_id = ?', [user.id]);
      const result: ResetSecondFactorResult = {
        factorRemoved: factors.length > 0,
        recoveryCodesRemoved: codes.length,
        deviceSessionsRevoked: await revokeDeviceSessions(em, user.id, now, reason, actor.userId),
        backofficeSessionsRevoked: await revokeBackofficeSessions(em, user.id, now),
      };
      audit({
        action: 'user.2fa_reset',
        targetType: 'user',
        targetId: user.id,
        targetLabel: labelOf(user),
        reason,
        details: { ...result },
      });
      if (user.username) {
        const who = { key: user.id, userId: user.id, username: user.username };
        emit({ type: 'sessions.revoked', ...who, sessionIds: 'all' });
        emit({ type: 'second_factor.reset', ...who });
      }
      return result;
    },
    ability,
  );
}
