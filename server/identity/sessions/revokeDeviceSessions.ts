import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Revokes every live device session of a person inside the caller's transaction (deactivation,
 * 2FA reset, "revoke all"). Introspection reads `revoked_at` on every call, so the sessions are
 * dead for every process as soon as this transaction commits. Returns how many were revoked.
 */
export async function revokeDeviceSessions(
  em: EntityManager,
  userId: string,
  at: Date,
  reason: string | null,
  byId: string | null,
): Promise<number> {
  // Set-based on the partial index of live sessions; no entity is loaded.
  const rows = await em.execute<{ id: string }[]>(
    `update device_session
        set revoked_at = ?, revoked_reason = ?, revoked_by_id = ?
      where user_id = ? and revoked_at is null
      returning id`,
    [at, reason?.slice(0, 1000) ?? null, byId, userId],
  );
  return rows.length;
}
