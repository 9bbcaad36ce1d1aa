import { LockMode } from '@mikro-orm/core';
import { runCommand } from '../../commands/runCommand.ts';
import { notFound } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import type { DeviceAuthenticated } from '../authenticated.ts';
import { DeviceSession } from '../entities.ts';
import { deviceOfSession, isDeviceSessionLive } from './deviceSessions.ts';

/**
 * Revokes one of the caller's own live device sessions (a lost phone, from another device). A
 * session of someone else, or one already ended, is a 404: ids of others' sessions cannot be
 * probed. Revoking the current session is allowed and works like logout.
 */
export async function revokeMySession(
  services: Services,
  device: DeviceAuthenticated,
  sessionId: string,
): Promise<void> {
  await runCommand(services, device.actor, async ({ em, audit, emit }) => {
    const now = services.now();
    // Locked so that a concurrent revoke of the same session waits and then finds it ended.
    const session = await em.findOne(
      DeviceSession,
      { id: sessionId, userId: device.user.id },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!session || !isDeviceSessionLive(services.config, session, now)) throw notFound('Session');
    session.revokedAt = now;
    session.revokedReason = 'Revoked by its owner';
    session.revokedById = device.user.id;
    audit({
      action: 'session.revoked',
      targetType: 'User',
      targetId: device.user.id,
      targetLabel: device.actor.label,
      details: {
        channel: 'messenger',
        sessionId: session.id,
        device: deviceOfSession(session),
        by: 'owner',
        current: session.id === device.sessionId,
      },
    });
    if (device.user.username)
      emit({
        type: 'sessions.revoked',
        key: device.user.id,
        userId: device.user.id,
        username: device.user.username,
        sessionIds: [session.id],
      });
  });
}
