import { runCommand } from '../../commands/runCommand.ts';
import { conflict } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import type { Authenticated } from '../authenticated.ts';
import { type InvitationView, readInvitation } from './present.ts';
import { statusOf } from './state.ts';
import { loadInvitationTarget } from './target.ts';

/**
 * Revokes a person's open (or held, or expired) invitation: the link stops working at once.
 * 409 `not_invited` when there is none, `already_registered` when the person registered.
 */
export function revokeInvitation(
  services: Services,
  auth: Authenticated,
  userId: string,
  reason: string | null,
): Promise<InvitationView> {
  return runCommand(
    services,
    auth.actor,
    async (ctx) => {
      const { person, row } = await loadInvitationTarget(
        ctx,
        userId,
        'invite',
        'invitation.revoked',
      );
      const now = services.now();
      const before = statusOf(row, now);
      if (before === 'registered')
        throw conflict('already_registered', 'This person has already registered');
      if (before === 'not_invited' || before === 'revoked')
        throw conflict('not_invited', 'This person has no invitation to revoke');
      await ctx.em.execute(
        // The token's hash stays, so opening the revoked link says "revoked", not "unknown".
        `update invitation set status = 'revoked', pending_totp_secret = null,
                revoked_at = ?, revoked_by_id = ?, held_until = null, updated_at = ?
          where user_id = ?`,
        [now, auth.user.id, now, userId],
      );
      ctx.audit({
        action: 'invitation.revoked',
        targetType: 'User',
        targetId: person.id,
        targetLabel: person.label,
        reason,
        diff: { before: { invitation: before }, after: { invitation: 'revoked' } },
      });
      return readInvitation(ctx.em, userId, now);
    },
    auth.ability,
  );
}
