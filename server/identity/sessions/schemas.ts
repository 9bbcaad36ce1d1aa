import { z } from 'zod';
import { paging, paragraph, uuid } from '../../shared/schemas.ts';

/** A reason an administrator must give (2FA reset, revoke all). */
export const reasonBody = z
  .object({ reason: paragraph(1000).pipe(z.string().min(1, 'must not be empty')) })
  .strict();

/** `/users/:id/sessions/:sessionId`. */
export const sessionParams = z.object({ id: uuid, sessionId: uuid }).strict();

/** `GET /users/:id/sessions`: a page, newest first. */
export function sessionListQuery(maxLimit: number, defaultLimit: number) {
  return z.object(paging(maxLimit, defaultLimit)).strict();
}

/** One session of a person as the admin UI shows it. Tokens and their hashes never leave. */
export const sessionView = z.object({
  id: z.string(),
  kind: z.enum(['device', 'backoffice']),
  deviceName: z.string().nullable(),
  platform: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  revokedReason: z.string().nullable(),
  /** Not revoked and not past its absolute expiry (idle limits are checked at use). */
  live: z.boolean(),
});
export type SessionView = z.infer<typeof sessionView>;

/** `GET /users/:id/sessions`. */
export const sessionList = z.object({ data: z.array(sessionView), total: z.number().int() });
export type SessionList = z.infer<typeof sessionList>;

/** What `revoke-all` did. */
export const revokeAllResult = z.object({
  deviceSessionsRevoked: z.number().int(),
  backofficeSessionsRevoked: z.number().int(),
});
export type RevokeAllResult = z.infer<typeof revokeAllResult>;

/** What a 2FA reset removed and revoked. */
export const resetSecondFactorResult = revokeAllResult.extend({
  factorRemoved: z.boolean(),
  recoveryCodesRemoved: z.number().int(),
});
export type ResetSecondFactorResult = z.infer<typeof resetSecondFactorResult>;
