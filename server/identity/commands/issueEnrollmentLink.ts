import { asUserSubject, authorize } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { publicBaseUrl } from '../../config.ts';
import { User } from '../../directory/entities.ts';
import { mailConfigured } from '../../mail/status.ts';
import { conflict, notFound, unprocessable } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import type { Authenticated } from '../authenticated.ts';
import { hasEverHadCredentials } from '../credentialFacts.ts';
import { createEnrollmentToken } from '../enrollmentTokens.ts';
import { changeCredentials, countsOf } from '../lifecycle/changeCredentials.ts';
import { revokeArtefacts } from '../sessions/revokeArtefacts.ts';

/** A freshly issued enrollment link; the token in it exists nowhere else. */
export interface EnrollmentLink {
  url: string;
  expiresAt: Date;
  /** Issued over existing credentials: every artefact of the person ended, audited as such. */
  disclosure: boolean;
}

/** The enrollment page's address for a token (the console's public route; mailed or shown). */
export function enrollmentUrl(services: Pick<Services, 'config'>, token: string): string {
  return `${publicBaseUrl(services.config)}/admin/#/enroll?token=${encodeURIComponent(token)}`;
}

/**
 * Why a link (enrollment or password reset) is refused for a person who is cut off: a link would
 * let them back in behind the decision to deactivate or suspend them. Shared by every link door.
 */
export const REFUSED_STATUS = {
  deactivated: () => unprocessable('user_deactivated', 'Activate the person before sending a link'),
  suspended: () => unprocessable('user_suspended', 'Lift the suspension before sending a link'),
} as const;

/**
 * Issues a single-use link for a person to set their password, valid
 * `enrollment.linkValidityHours`. Earlier unused links of the same person stop working, so only
 * the newest link handed out is live.
 *
 * A link for someone who has ever had a credential is a way into their account (and so into
 * their chats) for whoever holds it: it needs a reason, ends every artefact of the person at
 * once (as any credential change), is audited as `user.credential_disclosed` and is listed on the
 * person's card. For someone who never had one it is the plain first-time link.
 *
 * Never while mail is configured (409 `mail_configured`): the link would be a usable credential
 * of another person in the operator's hands, and mail can reach the person themselves — an
 * invitation (identity/invitations) does, for back-office people too (issue 14).
 */
export async function issueEnrollmentLink(
  services: Services,
  auth: Authenticated,
  targetId: string,
  reason: string | null,
): Promise<EnrollmentLink> {
  return runCommand(
    services,
    auth.actor,
    async (ctx) => {
      const { em, ability, audit } = ctx;
      const target = await em.findOne(User, { id: targetId });
      if (!target) throw notFound('User');
      const label = target.username ?? target.displayName;
      const disclosure = await hasEverHadCredentials(em, target.id);
      authorize(ability, 'issueEnrollmentLink', asUserSubject(target), {
        auditAction: disclosure ? 'user.credential_disclosed' : 'user.enrollment_link_issued',
        targetType: 'User',
        targetId: target.id,
        targetLabel: label,
      });
      if (mailConfigured(services.config))
        throw conflict(
          'mail_configured',
          'Mail is configured: invite the person, the link goes to them by mail, never through you',
        );
      if (target.status === 'deactivated') throw REFUSED_STATUS.deactivated();
      if (target.status === 'suspended') throw REFUSED_STATUS.suspended();
      if (disclosure && !reason)
        throw unprocessable(
          'reason_required',
          'This person already has credentials: say why a new link is needed',
          {
            errors: [
              {
                path: 'reason',
                message: 'required for a person who has credentials',
                code: 'required',
              },
            ],
          },
        );
      const now = services.now();
      // Ends every artefact, earlier links included (kept as expired, so their use reads as
      // such); someone who never had a credential has nothing else to end and nothing in the core.
      const revoked = countsOf(
        disclosure
          ? await changeCredentials(ctx, [target], 'credential_disclosed', reason)
          : await revokeArtefacts(em, [target.id], { at: now, reason, byId: auth.user.id }),
        target.id,
      );
      const { token, expiresAt } = createEnrollmentToken(em, services, {
        userId: target.id,
        createdById: auth.user.id,
        now,
        reason,
        disclosure,
      });
      audit({
        action: disclosure ? 'user.credential_disclosed' : 'user.enrollment_link_issued',
        targetType: 'User',
        targetId: target.id,
        targetLabel: label,
        reason,
        details: {
          expiresAt: expiresAt.toISOString(),
          ...(disclosure ? { artefactsRevoked: revoked } : {}),
        },
      });
      return { url: enrollmentUrl(services, token), expiresAt, disclosure };
    },
    auth.ability,
  );
}
