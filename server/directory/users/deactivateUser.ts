import { type AppAbility, asUserSubject, authorize } from '../../authz/index.ts';
import { revokeBackofficeSessions } from '../../identity/backofficeSession.ts';
import { revokeDeviceSessions } from '../../identity/sessions/revokeDeviceSessions.ts';
import type { Actor } from '../../shared/actor.ts';
import { runCommand } from '../../shared/command.ts';
import { conflict } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { guardLastSuperadmin, labelOf, loadUser, requireAnyRight } from './common.ts';
import { presentOne, type UserView } from './presentUser.ts';

/**
 * Deactivates a person and cuts their back-office and device sessions in the same transaction. For a
 * synced person the manual status sticks: who, when and why are kept in `status_changed_*`.
 */
export function deactivateUser(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  id: string,
  reason: string,
): Promise<UserView> {
  return runCommand(
    services,
    actor,
    async ({ em, audit, emit }) => {
      requireAnyRight(ability, 'deactivate', 'user.deactivated', id);
      const user = await loadUser(em, id);
      authorize(ability, 'deactivate', asUserSubject(user), {
        auditAction: 'user.deactivated',
        targetType: 'user',
        targetId: id,
        targetLabel: labelOf(user),
      });
      if (user.status === 'deactivated')
        throw conflict('already_deactivated', 'This person is already deactivated');
      await guardLastSuperadmin(em, user);
      const now = services.now();
      const before = { status: user.status };
      user.status = 'deactivated';
      user.statusChangedAt = now;
      user.statusChangedById = actor.userId;
      user.statusReason = reason;
      const sessionsRevoked = await revokeBackofficeSessions(em, user.id, now);
      const deviceSessionsRevoked = await revokeDeviceSessions(
        em,
        user.id,
        now,
        reason,
        actor.userId,
      );
      await em.flush();
      audit({
        action: 'user.deactivated',
        targetType: 'user',
        targetId: user.id,
        targetLabel: labelOf(user),
        reason,
        diff: { before, after: { status: user.status } },
        details: { sessionsRevoked, deviceSessionsRevoked, source: user.source },
      });
      // Deactivation also ends the core's sessions (e.g. ejabberd's ban_account kicks them).
      if (user.username)
        emit({
          type: 'person.deactivated',
          key: user.id,
          userId: user.id,
          username: user.username,
          reason,
        });
      return presentOne(em, user, services.config.hr.precedence);
    },
    ability,
  );
}
