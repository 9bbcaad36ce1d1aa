import { z } from 'zod';
import type { Services } from '../../shared/services.ts';
import type { DeviceAuthenticated } from '../authenticated.ts';
import { DeviceSession } from '../entities.ts';
import { deviceSessionLifetimes } from './deviceSessions.ts';

/** One of my live device sessions, as the messenger's "devices" screen shows it. */
export const mySessionView = z.object({
  id: z.uuid(),
  deviceName: z.string().nullable(),
  platform: z.string().nullable(),
  ip: z.string().nullable(),
  createdAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  /** The device that asks. */
  current: z.boolean(),
});

/** One of my live device sessions (mySessionView). */
export type MySessionView = z.infer<typeof mySessionView>;

/**
 * The caller's live device sessions (not revoked, not expired, not idle), most recently used
 * first, the current one marked. Reading one's own devices is not a privileged action: not audited.
 */
export async function listMySessions(
  services: Services,
  device: DeviceAuthenticated,
): Promise<MySessionView[]> {
  const now = services.now();
  const idleSince = new Date(now.getTime() - deviceSessionLifetimes(services.config).idleMs);
  const sessions = await services.orm.em.fork().find(
    DeviceSession,
    {
      userId: device.user.id,
      revokedAt: null,
      expiresAt: { $gt: now },
      lastSeenAt: { $gte: idleSince },
    },
    { orderBy: { lastSeenAt: 'desc', id: 'asc' }, limit: 500 },
  );
  return sessions.map((session) => ({
    id: session.id,
    deviceName: session.deviceName ?? null,
    platform: session.platform ?? null,
    ip: session.ip ?? null,
    createdAt: session.createdAt.toISOString(),
    lastSeenAt: session.lastSeenAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    current: session.id === device.sessionId,
  }));
}
