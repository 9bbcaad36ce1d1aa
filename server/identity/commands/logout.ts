import { runCommand } from '../../commands/runCommand.ts';
import type { Services } from '../../shared/services.ts';
import type { Authenticated } from '../authenticated.ts';
import { BackofficeSession } from '../entities.ts';

/** Ends the caller's own back-office session (its row is kept, revoked, for the record). */
export async function logout(services: Services, auth: Authenticated): Promise<void> {
  await runCommand(
    services,
    auth.actor,
    async ({ em, audit }) => {
      await em.nativeUpdate(
        BackofficeSession,
        { id: auth.sessionId, revokedAt: null },
        { revokedAt: services.now() },
      );
      audit({
        action: 'auth.logout',
        targetType: 'User',
        targetId: auth.user.id,
        targetLabel: auth.actor.label,
        details: { sessionId: auth.sessionId },
      });
    },
    auth.ability,
  );
}
