import { runCommand } from '../../commands/runCommand.ts';
import type { Services } from '../../shared/services.ts';
import type { DeviceAuthenticated } from '../authenticated.ts';
import { DeviceSession } from '../entities.ts';
import { deviceOfSession } from './deviceSessions.ts';

/** Ends the caller's own device session (the row is kept, revoked, for the record). */
export async function logoutDevice(services: Services, device: DeviceAuthenticated): Promise<void> {
  await runCommand(services, device.actor, async ({ em, audit, emit }) => {
    const session = await em.findOne(DeviceSession, { id: device.sessionId });
    if (!session || session.revokedAt) return;
    session.revokedAt = services.now();
    session.revokedReason = 'Signed out';
    session.revokedById = device.user.id;
    audit({
      action: 'auth.logout',
      targetType: 'User',
      targetId: device.user.id,
      targetLabel: device.actor.label,
      details: { channel: 'messenger', sessionId: session.id, device: deviceOfSession(session) },
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
