import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { EffectiveGrant, RequestMeta } from '../authz/actor.ts';
import type { CommandContext } from '../commands/runCommand.ts';
import { User } from '../directory/entities.ts';
import type { Services } from '../shared/services.ts';
import { hashToken, hmac, newToken } from '../shared/tokens.ts';
import { BackofficeSession } from './entities.ts';
import { loadGrantsInForce } from './grants/loadGrants.ts';

/** Cookie holding the back-office session token. */
export const SESSION_COOKIE = 'fb_session';
/** Cookie holding the login challenge between the password and TOTP steps. */
export const CHALLENGE_COOKIE = 'fb_login';
/** Header unsafe requests must carry the session's CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

/** The CSRF token bound to a session (HMAC of its id; nothing to store). */
export function csrfTokenFor(services: Services, sessionId: string): string {
  return hmac(services.keys.csrf, `csrf:${sessionId}`);
}

/** Starts a back-office session for a person who passed both factors; returns the cookie token. */
export function createBackofficeSession(
  em: EntityManager,
  services: Services,
  userId: string,
  meta: RequestMeta,
): { token: string; session: BackofficeSession } {
  const token = newToken();
  const now = services.now();
  const session = em.create(BackofficeSession, {
    id: randomUUID(),
    tokenHash: hashToken(token),
    userId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + services.config.session.absoluteTimeoutHours * 3_600_000),
    ip: meta.ip,
    userAgent: meta.userAgent,
  });
  return { token, session };
}

/**
 * The end of every back-office sign-in, inside the caller's command (the password + TOTP login and
 * the corporate SSO one): opens the session, stamps the last login and audits
 * `auth.login_succeeded` with the session id and `details`. Returns the cookie token.
 */
export async function signInToBackoffice(
  ctx: CommandContext,
  user: User,
  meta: RequestMeta,
  details: Record<string, unknown> = {},
): Promise<{ token: string; session: BackofficeSession }> {
  const { em, services } = ctx;
  const opened = createBackofficeSession(em, services, user.id, meta);
  // Plain SQL: signing in is not an edit of the person, so neither version nor updatedAt move
  // (an operator editing the person's card meanwhile must not get a version conflict).
  await em.execute('update app_user set last_login_at = ? where id = ?', [services.now(), user.id]);
  ctx.audit({
    action: 'auth.login_succeeded',
    targetType: 'User',
    targetId: user.id,
    targetLabel: user.username ?? user.id,
    details: { sessionId: opened.session.id, ...details },
  });
  return opened;
}

/** Why a session token was not accepted. */
export type SessionRejection = 'unknown' | 'revoked' | 'expired' | 'idle' | 'no_access';

const LAST_SEEN_GRANULARITY_MS = 30_000;

/**
 * Resolves a session cookie to its session and person, enforcing the absolute and idle timeouts
 * and that the person is still active and still holds a back-office role.
 */
export async function resolveBackofficeSession(
  services: Services,
  token: string,
): Promise<
  | { session: BackofficeSession; user: User; grants: EffectiveGrant[] }
  | { rejected: SessionRejection }
> {
  const em = services.orm.em.fork();
  const session = await em.findOne(BackofficeSession, { tokenHash: hashToken(token) });
  if (!session) return { rejected: 'unknown' };
  if (session.revokedAt) return { rejected: 'revoked' };
  const now = services.now();
  if (session.expiresAt <= now) return { rejected: 'expired' };
  const idleLimit = services.config.session.idleTimeoutMinutes * 60_000;
  if (now.getTime() - session.lastSeenAt.getTime() > idleLimit) return { rejected: 'idle' };
  // Only an active person who still holds a back-office role keeps a back-office session.
  const user = await em.findOne(User, { id: session.userId, status: 'active' });
  if (!user) return { rejected: 'no_access' };
  // The standing role or a grant in force (issue 18): each grant's expiry against the clock.
  const grants = await loadGrantsInForce(em, user, now);
  if (grants.length === 0) return { rejected: 'no_access' };
  if (now.getTime() - session.lastSeenAt.getTime() > LAST_SEEN_GRANULARITY_MS) {
    await em.nativeUpdate(BackofficeSession, { id: session.id }, { lastSeenAt: now });
  }
  return { session, user, grants };
}
