import { asUserSubject, authorize } from '../../authz/index.ts';
import { publicBaseUrl } from '../../config.ts';
import { User } from '../../directory/entities.ts';
import type { Authenticated } from '../../http/types.ts';
import { runCommand } from '../../shared/command.ts';
import { notFound, unprocessable } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { hashToken, newToken } from '../../shared/tokens.ts';
import { EnrollmentToken } from '../entities.ts';

/** A freshly issued enrollment link; the token in it exists nowhere else. */
export interface EnrollmentLink {
  url: string;
  expiresAt: Date;
}

/**
 * Issues a single-use link for a person to set their password, valid
 * `enrollment.linkValidityHours`. Earlier unused links of the same person stop working, so only
 * the newest link handed out is live.
 */
export async function issueEnrollmentLink(
  services: Services,
  auth: Authenticated,
  targetId: string,
): Promise<EnrollmentLink> {
  return runCommand(
    services,
    auth.actor,
    async ({ em, ability, audit }) => {
      const target = await em.findOne(User, { id: targetId });
      if (!target) throw notFound('User');
      const label = target.username ?? target.displayName;
      authorize(ability, 'issueEnrollmentLink', asUserSubject(target), {
        auditAction: 'user.enrollment_link_issued',
        targetType: 'User',
        targetId: target.id,
        targetLabel: label,
      });
      if (target.status === 'deactivated')
        throw unprocessable('user_deactivated', 'Activate the person before sending a link');
      const now = services.now();
      // Superseded links expire now (kept, not deleted, so their use reads as "expired").
      await em.nativeUpdate(
        EnrollmentToken,
        { userId: target.id, usedAt: null, expiresAt: { $gt: now } },
        { expiresAt: now },
      );
      const token = newToken();
      const expiresAt = new Date(
        now.getTime() + services.config.enrollment.linkValidityHours * 3_600_000,
      );
      em.create(EnrollmentToken, {
        tokenHash: hashToken(token),
        userId: target.id,
        createdById: auth.user.id,
        createdAt: now,
        expiresAt,
      });
      audit({
        action: 'user.enrollment_link_issued',
        targetType: 'User',
        targetId: target.id,
        targetLabel: label,
        details: { expiresAt: expiresAt.toISOString() },
      });
      const url = `${publicBaseUrl(services.config)}/admin/#/enroll?token=${encodeURIComponent(token)}`;
      return { url, expiresAt };
    },
    auth.ability,
  );
}
