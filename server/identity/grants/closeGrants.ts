import type { EntityManager } from '@mikro-orm/postgresql';
import { revokeArtefacts } from '../sessions/revokeArtefacts.ts';
import { refreshRanks } from './rank.ts';

/** Why and by whom grants end: a withdrawal, an expiry, a review's revocation. */
export interface GrantClosing {
  at: Date;
  byId: string | null;
  reason: string;
}

/** What closing did to one person. */
export interface ClosedFor {
  userId: string;
  /** Back-office sessions ended because no role was left to them. */
  backofficeSessions: number;
}

/**
 * Ends grants inside the caller's transaction, set-based: marks them ended, lowers each person's
 * rank to what remains, and ends the back-office sessions of whoever holds no role any more (a
 * person left with another role keeps their sessions; every request rebuilds their rights).
 * Returns the people touched. The caller writes the audit events.
 */
export async function closeGrants(
  em: EntityManager,
  grantIds: readonly string[],
  closing: GrantClosing,
): Promise<ClosedFor[]> {
  if (grantIds.length === 0) return [];
  const rows = await em.execute<{ user_id: string }[]>(
    `update role_grant set ended_at = ?, ended_by_id = ?, end_reason = ?, version = version + 1
      where id in (select jsonb_array_elements_text(?::jsonb)::uuid) and ended_at is null
      returning user_id`,
    [closing.at, closing.byId, closing.reason, JSON.stringify(grantIds)],
  );
  const userIds = [...new Set(rows.map((row) => row.user_id))];
  await refreshRanks(em, userIds, closing.at);
  const bereft = await em.execute<{ id: string }[]>(
    `select u.id from app_user u
      where u.id in (select jsonb_array_elements_text(?::jsonb)::uuid) and u.role is null
        and not exists (select 1 from role_grant g
                         where g.user_id = u.id and g.ended_at is null
                           and (g.expires_at is null or g.expires_at > ?))`,
    [JSON.stringify(userIds), closing.at],
  );
  const revoked = await revokeArtefacts(
    em,
    bereft.map((row) => row.id),
    {
      at: closing.at,
      reason: 'back-office role ended',
      byId: closing.byId,
      scope: 'backoffice',
    },
  );
  return userIds.map((userId) => ({
    userId,
    backofficeSessions: revoked.get(userId)?.backofficeSessions ?? 0,
  }));
}
