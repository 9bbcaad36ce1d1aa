import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Sets `app_user.rank`, the protection rank rules compare with, to the highest rank among the
 * person's standing role and their grants in force at `now`, in one statement for many people.
 * Called whenever a grant starts or ends and when the standing role changes.
 */
export async function refreshRanks(
  em: EntityManager,
  userIds: readonly string[],
  now: Date,
): Promise<void> {
  if (userIds.length === 0) return;
  await em.execute(
    `update app_user u
        set rank = greatest(
              case u.role when 'superadmin' then 3 when 'admin' then 2 when 'auditor' then 2
                          when 'staff' then 1 else 0 end,
              coalesce((select max(case g.role when 'admin' then 2 when 'auditor' then 2 else 1 end)
                          from role_grant g
                         where g.user_id = u.id and g.ended_at is null
                           and (g.expires_at is null or g.expires_at > ?)), 0))
      where u.id in (select jsonb_array_elements_text(?::jsonb)::uuid)`,
    [now, JSON.stringify(userIds)],
  );
}
