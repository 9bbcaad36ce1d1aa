import type { Actor } from '../../authz/actor.ts';
import type { AppAbility } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { labelOf } from '../../directory/users/common.ts';
import { conflict, notFound } from '../../shared/errors.ts';
import { requireReason } from '../../shared/reason.ts';
import type { Services } from '../../shared/services.ts';
import { loadAuthorizedTarget } from './access.ts';

interface RevokedRow {
  id: string;
  device_name: string | null;
  platform: string | null;
  ip: string | null;
  user_agent: string | null;
}

/**
 * Revokes one session (device or back-office) of a person. The session must belong to that
 * person (404 otherwise, so ids of other people's sessions cannot be probed); an already revoked
 * one is a 409. A reason is required (400 `validation_failed` at `reason`); it is stored on the
 * device session and in the audit event `session.revoked`, with the device.
 */
export function revokeUserSession(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  userId: string,
  sessionId: string,
  reason: string | null | undefined,
): Promise<{ id: string; kind: 'device' | 'backoffice' }> {
  return runCommand(
    services,
    actor,
    async ({ em, audit, emit }) => {
      const user = await loadAuthorizedTarget(
        em,
        ability,
        'revokeSessions',
        'session.revoked',
        userId,
      );
      const why = requireReason(reason);
      const now = services.now();
      // `for update` so a concurrent revoke of the same session waits and then sees it revoked.
      const [device] = await em.execute<(RevokedRow & { revoked_at: Date | string | null })[]>(
        `select id, device_name, platform, ip, user_agent, revoked_at from device_session
          where id = ? and user_id = ? for update`,
        [sessionId, userId],
      );
      const [backoffice] = device
        ? []
        : await em.execute<(RevokedRow & { revoked_at: Date | string | null })[]>(
            `select id, null as device_name, null as platform, ip, user_agent, revoked_at
               from backoffice_session where id = ? and user_id = ? for update`,
            [sessionId, userId],
          );
      const found = device ?? backoffice;
      if (!found) throw notFound('Session');
      if (found.revoked_at) throw conflict('already_revoked', 'This session is already revoked');
      const kind = device ? 'device' : 'backoffice';
      if (device) {
        await em.execute(
          `update device_session set revoked_at = ?, revoked_reason = ?, revoked_by_id = ?
            where id = ?`,
          [now, why, actor.userId, sessionId],
        );
      } else {
        await em.execute('update backoffice_session set revoked_at = ? where id = ?', [
          now,
          sessionId,
        ]);
      }
      audit({
        action: 'session.revoked',
        targetType: 'user',
        targetId: user.id,
        targetLabel: labelOf(user),
        reason: why,
        details: {
          sessionId,
          kind,
          deviceName: found.device_name,
          platform: found.platform,
          ip: found.ip,
          userAgent: found.user_agent,
        },
      });
      // Back-office sessions are this service's own; only device sessions exist in the core.
      if (device && user.username)
        emit({
          type: 'sessions.revoked',
          key: user.id,
          userId: user.id,
          username: user.username,
          sessionIds: [sessionId],
        });
      return { id: sessionId, kind };
    },
    ability,
  );
}
