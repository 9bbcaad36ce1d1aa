import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestMeta } from '../../authz/actor.ts';
import type { Config } from '../../config.ts';
import type { User } from '../../directory/entities.ts';
import { unauthenticated } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { hashToken, newToken } from '../../shared/tokens.ts';
import type { DeviceAuthenticated, DeviceContext } from '../authenticated.ts';
import type { DeviceInfo } from '../commands/loginRules.ts';
import { DeviceSession } from '../entities.ts';

const DAY_MS = 86_400_000;

/** The idle and absolute lifetimes of messenger device sessions, in milliseconds. */
export function deviceSessionLifetimes(config: Config): { idleMs: number; absoluteMs: number } {
  const { idleTimeoutDays, absoluteTimeoutDays } = config.identity.messengerSession;
  return { idleMs: idleTimeoutDays * DAY_MS, absoluteMs: absoluteTimeoutDays * DAY_MS };
}

/** Whether a device session is still good at `now`: not revoked, not expired, not idle too long. */
export function isDeviceSessionLive(config: Config, session: DeviceSession, now: Date): boolean {
  if (session.revokedAt || session.expiresAt <= now) return false;
  return now.getTime() - session.lastSeenAt.getTime() <= deviceSessionLifetimes(config).idleMs;
}

/**
 * Opens a device session for a person who passed every required factor. The token (256 random
 * bits) is returned once; only its SHA-256 is stored.
 */
export function openDeviceSession(
  em: EntityManager,
  services: Services,
  userId: string,
  device: DeviceInfo | null,
  meta: RequestMeta,
): { token: string; session: DeviceSession } {
  const token = newToken();
  const now = services.now();
  const session = em.create(DeviceSession, {
    id: randomUUID(),
    userId,
    tokenHash: hashToken(token),
    deviceName: device?.name ?? null,
    platform: device?.platform ?? null,
    ip: meta.ip,
    userAgent: meta.userAgent?.slice(0, 1000) ?? null,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + deviceSessionLifetimes(services.config).absoluteMs),
  });
  return { token, session };
}

/** The device of a session as audit events name it (no token, no secrets). */
export function deviceOfSession(session: DeviceSession): DeviceInfo {
  return { name: session.deviceName ?? null, platform: session.platform ?? null };
}

/** 401 `device_session_invalid`: no live device session behind the bearer token. */
export const deviceSessionInvalid = () =>
  unauthenticated('The session has ended; sign in again', 'device_session_invalid');

/** The device session of a route declared with `auth: 'device'`. */
export function deviceAuth(ctx: DeviceContext): DeviceAuthenticated {
  const device = ctx.state.device;
  if (!device) throw deviceSessionInvalid();
  return device;
}

/**
 * The core account a signed-in person's messenger uses. Everyone who can sign in has a login,
 * and the database assigns the account with the first login, so a missing one is a bug.
 */
export function coreAccountOf(user: Pick<User, 'id' | 'coreAccount'>): string {
  if (!user.coreAccount) throw new Error(`person ${user.id} has no core account`);
  return user.coreAccount;
}
