import type { EntityManager } from '@mikro-orm/postgresql';
import type { Services } from '../shared/services.ts';
import { hashToken, newToken } from '../shared/tokens.ts';
import { EnrollmentToken } from './entities.ts';

/**
 * Creates an enrollment link's token (valid `enrollment.linkValidityHours`) in the command's
 * transaction and returns the token itself, which only its hash is stored by: the admin's
 * enrollment link and the mailed password reset both issue one.
 */
export function createEnrollmentToken(
  em: EntityManager,
  services: Services,
  link: {
    userId: string;
    createdById: string;
    now: Date;
    reason: string | null;
    disclosure: boolean;
  },
): { token: string; expiresAt: Date } {
  const token = newToken();
  const expiresAt = new Date(
    link.now.getTime() + services.config.enrollment.linkValidityHours * 3_600_000,
  );
  em.create(EnrollmentToken, {
    tokenHash: hashToken(token),
    userId: link.userId,
    createdById: link.createdById,
    createdAt: link.now,
    expiresAt,
    reason: link.reason,
    disclosure: link.disclosure,
  });
  return { token, expiresAt };
}
