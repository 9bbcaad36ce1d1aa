import { runCommand } from '../../commands/runCommand.ts';
import type { Services } from '../../shared/services.ts';
import type { Authenticated } from '../authenticated.ts';
import { checkInvitee } from './invitees.ts';
import { type InvitationView, readInvitation } from './present.ts';
import { type SendKind, sendInvitations } from './send.ts';
import type { InvitationLocale } from './state.ts';
import { loadInvitationTarget, refusalProblem } from './target.ts';

/**
 * Invites a person (`invite`) or sends their open or expired invitation again (`resend`): a new
 * one-time link by mail, the earlier link dead. Staff may invite plain users, admins people
 * below them, superadmins anyone (the roles matrix). Refused: registered people (409
 * `already_registered`), an open invitation on invite (409 `already_invited`), no invitation on
 * resend (409 `not_invited`), deactivated or suspended people, no e-mail, a directory login.
 * An address changed by hand in the last 24 h holds the invitation (status `held`).
 */
export function inviteUser(
  services: Services,
  auth: Authenticated,
  userId: string,
  kind: Extract<SendKind, 'invite' | 'resend'>,
  locale: InvitationLocale | undefined,
): Promise<InvitationView> {
  const auditAction = kind === 'invite' ? 'invitation.sent' : 'invitation.resent';
  return runCommand(
    services,
    auth.actor,
    async (ctx) => {
      const target = await loadInvitationTarget(ctx, userId, 'invite', auditAction);
      const { row } = target;
      const now = services.now();
      if (kind === 'resend' && (!row || row.status === 'revoked'))
        throw refusalProblem('not_invited');
      const checked = checkInvitee(target, now, kind === 'invite');
      if ('refusal' in checked) throw refusalProblem(checked.refusal);
      await sendInvitations(ctx, [
        {
          invitee: checked.invitable,
          kind,
          byId: auth.user.id,
          locale: locale ?? row?.locale ?? 'ru',
        },
      ]);
      return readInvitation(ctx.em, userId, now);
    },
    auth.ability,
  );
}
