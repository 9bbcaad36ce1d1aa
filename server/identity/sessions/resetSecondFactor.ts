import type { Actor } from '../../authz/actor.ts';
import type { AppAbility } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { labelOf } from '../../directory/users/common.ts';
import { requireReason } from '../../shared/reason.ts';
import type { Services } from '../../shared/services.ts';
import { changeCredentials, countsOf } from '../lifecycle/changeCredentials.ts';
import { loadAuthorizedTarget } from './access.ts';
import type { ResetSecondFactorResult } from './schemas.ts';

/**
 * Resets a person's second factor: removes the TOTP factor and every recovery code, then, as
 * every credential change, ends every artefact (device tokens, back-office sessions, unused
 * links, pending login challenges, which may carry a half-done enrollment) and tells the core to
 * close the person's connections, all in one transaction. With no factor left, the next login
 * goes through TOTP enrollment again. Audited as `user.2fa_reset`. Nobody may reset their own
 * (see abilities: a stolen session must not be able to disable 2FA).
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
    async (ctx) => {
      const { em, audit, emit } = ctx;
      const user = await loadAuthorizedTarget(em, ability, 'reset2fa', 'user.2fa_reset', userId);
      const why = requireReason(reason);
      const factors = await em.execute<{ user_id: string }[]>(
        'delete from totp_factor where user_id = ? returning user_id',
        [user.id],
      );
      const codes = await em.execute<{ user_id: string }[]>(
        'delete from recovery_code where user_id = ? returning user_id',
        [user.id],
      );
      const revoked = countsOf(
        await changeCredentials(ctx, [user], 'second_factor_reset', why),
        user.id,
      );
      const result: ResetSecondFactorResult = {
        factorRemoved: factors.length > 0,
        recoveryCodesRemoved: codes.length,
        deviceSessionsRevoked: revoked.deviceSessions,
        backofficeSessionsRevoked: revoked.backofficeSessions,
      };
      audit({
        action: 'user.2fa_reset',
        targetType: 'user',
        targetId: user.id,
        targetLabel: labelOf(user),
        reason: why,
        details: { ...result, artefactsRevoked: revoked },
      });
      if (user.username)
        emit({
          type: 'second_factor.reset',
          key: user.id,
          userId: user.id,
          username: user.username,
        });
      return result;
    },
    ability,
  );
}
