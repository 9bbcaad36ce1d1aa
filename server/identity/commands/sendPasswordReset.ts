import { asUserSubject, authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { User } from '../../directory/entities.ts';
import { maskEmail } from '../../directory/users/notifyAddressChange.ts';
import { enqueueMail, type MailLocale } from '../../mail/enqueue.ts';
import { mailConfigured } from '../../mail/status.ts';
import { AppError, conflict, notFound, unprocessable } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { recentHandAddressChange } from '../addressHold.ts';
import type { Authenticated } from '../authenticated.ts';
import { hasEverHadCredentials } from '../credentialFacts.ts';
import { createEnrollmentToken } from '../enrollmentTokens.ts';
import { formatExpiry } from '../invitations/send.ts';
import { expireEnrollmentLinks } from '../sessions/revokeArtefacts.ts';
import { enrollmentUrl, REFUSED_STATUS } from './issueEnrollmentLink.ts';

/** What the operator learns of a sent reset: where it went (masked) and until when it works. */
export interface PasswordResetSent {
  /** `i***@corp.example`: enough to tell the person where to look, not the address itself. */
  sentTo: string;
  expiresAt: Date;
}

/** What the operator gives: why (required, audited) and the mail's language (default `ru`). */
export interface PasswordResetInput {
  reason: string | null;
  locale?: MailLocale;
}

/**
 * Mails a registered person a single-use link to set a new password (the enrollment page), valid
 * `enrollment.linkValidityHours`. The way back for someone who lost their password while mail is
 * configured, when the operator may not be shown a link (issueEnrollmentLink answers 409
 * `mail_configured` then): the link reaches the person only, the answer and the audit event
 * carry the masked address, never the token.
 *
 * The same rights as an enrollment link (`issueEnrollmentLink`). Earlier unused links of the
 * person stop working; their sessions and their current password do NOT end here (an operator
 * must not be able to lock someone out silently): they end when the person sets the new password
 * (completeEnrollment → changeCredentials). Refused: mail not configured (409
 * `mail_not_configured`: the enrollment link is the way then), deactivated or suspended people
 * (422), a method other than `password` (409 `login_method_not_password`), never registered (409
 * `not_registered`: invite them), no e-mail (422 `no_email`), no reason (422 `reason_required`),
 * an address changed by hand within 24 h and not approved (409 `address_held`, audited
 * `user.password_reset_held`, as a held code or invitation).
 */
export async function sendPasswordReset(
  services: Services,
  auth: Authenticated,
  targetId: string,
  input: PasswordResetInput,
): Promise<PasswordResetSent> {
  return runCommand(
    services,
    auth.actor,
    async (ctx) => {
      const { em, ability, audit } = ctx;
      const target = await em.findOne(User, { id: targetId });
      if (!target) throw notFound('User');
      const label = target.username ?? target.displayName;
      const about = { targetType: 'User', targetId: target.id, targetLabel: label };
      authorize(ability, 'issueEnrollmentLink', asUserSubject(target), {
        auditAction: 'user.password_reset_sent',
        ...about,
      });
      if (!mailConfigured(services.config))
        throw conflict(
          'mail_not_configured',
          'Mail is not configured: issue an enrollment link instead and hand it to the person yourself',
        );
      if (target.status === 'deactivated') throw REFUSED_STATUS.deactivated();
      if (target.status === 'suspended') throw REFUSED_STATUS.suspended();
      if (target.loginMethod !== 'password')
        throw conflict(
          'login_method_not_password',
          'This person does not sign in with a password here: nothing to reset',
        );
      // A first password is set through an invitation, which tracks the registration.
      if (!(await hasEverHadCredentials(em, target.id)))
        throw conflict('not_registered', 'This person has never set a password: invite them');
      if (!target.email)
        throw unprocessable('no_email', 'The person has no e-mail to send the link to');
      const reason = input.reason?.trim() || null;
      if (!reason)
        throw unprocessable('reason_required', 'Say why the password is being reset', {
          errors: [{ path: 'reason', message: 'required', code: 'required' }],
        });
      const now = services.now();
      const sentTo = maskEmail(target.email);
      const hold = await recentHandAddressChange(em, target.id, 'email', now);
      if (hold) {
        // Recorded, then refused: the attempt is part of the story of an address changed by hand.
        audit({
          action: 'user.password_reset_held',
          ...about,
          reason,
          details: {
            to: sentTo,
            heldUntil: hold.until.toISOString(),
            changedById: hold.byId,
          },
        });
        return ctx.failAfterCommit(
          new AppError(
            409,
            'address_held',
            'The e-mail was changed by hand less than 24 hours ago: a second person approves the address first, or wait until the hold ends',
            { heldUntil: hold.until.toISOString() },
          ),
        );
      }
      const linksExpired = await expireEnrollmentLinks(em, target.id, now);
      // Nobody but the person receives it: not a disclosure to list on the card.
      const { token, expiresAt } = createEnrollmentToken(em, services, {
        userId: target.id,
        createdById: auth.user.id,
        now,
        reason,
        disclosure: false,
      });
      const locale = input.locale ?? 'ru';
      await enqueueMail(em, services.config, [
        {
          to: target.email,
          template: 'passwordReset',
          locale,
          userId: target.id,
          params: {
            name: target.displayName,
            link: enrollmentUrl(services, token),
            expiresAt: formatExpiry(ctx, expiresAt, locale),
          },
        },
      ]);
      audit({
        action: 'user.password_reset_sent',
        ...about,
        reason,
        details: { to: sentTo, locale, expiresAt: expiresAt.toISOString(), linksExpired },
      });
      return { sentTo, expiresAt };
    },
    auth.ability,
  );
}
