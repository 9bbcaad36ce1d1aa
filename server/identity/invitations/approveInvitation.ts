import { requireSecondPerson } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { conflict } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import type { Authenticated } from '../authenticated.ts';
import { checkInvitee } from './invitees.ts';
import { type InvitationView, readInvitation } from './present.ts';
import { sendInvitations } from './send.ts';
import { loadInvitationTarget, refusalProblem } from './target.ts';

/**
 * Approves a held invitation (the address was changed by hand within 24 h) and sends it. The
 * approver must be a second person: neither whoever changed the address nor whoever sent the
 * held invitation (403 `second_approver_required`). 409 `not_held` otherwise.
 */
export function approveInvitation(
  services: Services,
  auth: Authenticated,
  userId: string,
): Promise<InvitationView> {
  return runCommand(
    services,
    auth.actor,
    async (ctx) => {
      const target = await loadInvitationTarget(ctx, userId, 'invite', 'invitation.approved');
      const { person, row } = target;
      const now = services.now();
      if (row?.status !== 'held') throw conflict('not_held', 'This invitation is not held');
      requireSecondPerson(auth.user.id, [row.held_change_by_id, row.last_invited_by_id], {
        auditAction: 'invitation.approved',
        targetType: 'User',
        targetId: person.id,
        targetLabel: person.label,
      });
      const checked = checkInvitee(target, now, false);
      if ('refusal' in checked) throw refusalProblem(checked.refusal);
      await sendInvitations(ctx, [
        { invitee: checked.invitable, kind: 'approved', byId: auth.user.id, locale: row.locale },
      ]);
      return readInvitation(ctx.em, userId, now);
    },
    auth.ability,
  );
}
