import { runCommand } from '../../commands/runCommand.ts';
import { mailConfigured } from '../../mail/status.ts';
import { conflict } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import type { Authenticated } from '../authenticated.ts';
import { refusalOf } from './invitees.ts';
import { issueToken, registrationUrl } from './send.ts';
import type { InvitationLocale } from './state.ts';
import { loadInvitationTarget, refusalProblem } from './target.ts';

/** The stable code of the warning that comes with a shown link (the console words it). */
export const LINK_WARNING = 'link_gives_account';

/** A registration link shown to the operator, with the warning the console must show. */
export interface ShownLink {
  url: string;
  expiresAt: Date;
  warning: { code: typeof LINK_WARNING; message: string };
}

/**
 * Shows an operator the person's registration link, for when the service cannot send mail: an
 * explicit, audited act (`invitation.link_shown`), since whoever opens the link gets the account.
 * Never while mail is configured (409 `mail_configured`: the link goes by mail only), never for
 * someone of equal or higher rank (the `showInvitationLink` rule), and only for someone who has
 * not registered (409 `already_registered`). Issues a new token; earlier links stop working.
 */
export function showInvitationLink(
  services: Services,
  auth: Authenticated,
  userId: string,
  locale: InvitationLocale | undefined,
): Promise<ShownLink> {
  return runCommand(
    services,
    auth.actor,
    async (ctx) => {
      const target = await loadInvitationTarget(
        ctx,
        userId,
        'showInvitationLink',
        'invitation.link_shown',
      );
      const { person, row } = target;
      if (mailConfigured(services.config))
        throw conflict(
          'mail_configured',
          'Mail is configured: the invitation goes to the person by mail, never through you',
        );
      const now = services.now();
      const refusal = refusalOf(target, now, false);
      // No e-mail is no obstacle here: the link is handed over in person.
      if (refusal && refusal !== 'no_email') throw refusalProblem(refusal);
      const issued = await issueToken(ctx, person, {
        byId: auth.user.id,
        locale: locale ?? row?.locale ?? 'ru',
      });
      ctx.audit({
        action: 'invitation.link_shown',
        targetType: 'User',
        targetId: person.id,
        targetLabel: person.label,
        details: { expiresAt: issued.expiresAt.toISOString(), sentCount: issued.sentCount },
      });
      return {
        url: registrationUrl(ctx, issued.token),
        expiresAt: issued.expiresAt,
        warning: {
          code: LINK_WARNING,
          message:
            "The link gives whoever opens it the person's account: hand it over in person, to them only",
        },
      };
    },
    auth.ability,
  );
}
