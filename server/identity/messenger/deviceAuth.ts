import type Koa from 'koa';
import { userActor } from '../../authz/actor.ts';
import { User } from '../../directory/entities.ts';
import type { Services } from '../../shared/services.ts';
import { hashToken } from '../../shared/tokens.ts';
import type { DeviceState } from '../authenticated.ts';
import { DeviceSession } from '../entities.ts';
import { deviceSessionInvalid, isDeviceSessionLive } from './deviceSessions.ts';

// Writing last_seen_at on every request would turn every read into a write; 30 s is far finer
// than the idle timeout (days).
const LAST_SEEN_GRANULARITY_MS = 30_000;
// 256 bits in base64url are 43 characters; anything much longer is not one of our tokens.
const BEARER = /^Bearer ([A-Za-z0-9_-]{20,128})$/;

/**
 * Requires a live messenger device session: `Authorization: Bearer <token>`, looked up by the
 * token's SHA-256, not revoked, expired or idle, and its person active. Sets `ctx.state.device`.
 * Every refusal is the same 401 `device_session_invalid`, so the reason is not revealed.
 */
export function requireDeviceSession(services: Services): Koa.Middleware<DeviceState> {
  return async (ctx, next) => {
    const match = BEARER.exec(ctx.get('authorization').trim());
    if (!match?.[1]) throw deviceSessionInvalid();
    const em = services.orm.em.fork();
    const session = await em.findOne(DeviceSession, { tokenHash: hashToken(match[1]) });
    const now = services.now();
    if (!session || !isDeviceSessionLive(services.config, session, now))
      throw deviceSessionInvalid();
    const user = await em.findOne(User, { id: session.userId });
    if (user?.status !== 'active') throw deviceSessionInvalid();
    if (now.getTime() - session.lastSeenAt.getTime() > LAST_SEEN_GRANULARITY_MS) {
      // Conditional, so concurrent requests of one session write once.
      await em.nativeUpdate(
        DeviceSession,
        { id: session.id, lastSeenAt: { $lt: new Date(now.getTime() - LAST_SEEN_GRANULARITY_MS) } },
        { lastSeenAt: now },
      );
    }
    ctx.state.device = { user, sessionId: session.id, actor: userActor(user, ctx.state.meta) };
    await next();
  };
}
