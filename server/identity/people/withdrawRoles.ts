import type { CommandContext } from '../../commands/runCommand.ts';
import { User } from '../../directory/entities.ts';
import { loadCorePerson } from '../../directory/people/corePerson.ts';
import { refreshRanks } from '../grants/rank.ts';
import { revokeArtefacts } from '../sessions/revokeArtefacts.ts';

/** Who withdraws, when and why. */
export interface Withdrawal {
  at: Date;
  byId: string | null;
  reason: string;
  /** Extra facts for each `user.role_changed` event (e.g. the access review). */
  details?: Record<string, unknown>;
}

/**
 * Withdraws the standing back-office roles of many people inside the caller's transaction, with
 * `changeRole`'s effects in set form: the role is cleared (superadmins are never touched here:
 * they are unmade from the command line, under the last-superadmin guard), the rank falls to what
 * grants in force leave, the back-office sessions end, the core's copy is refreshed and one
 * `user.role_changed` event is written per person. The caller authorized the withdrawal. Returns
 * the people whose role was withdrawn.
 */
export async function withdrawStandingRoles(
  ctx: Pick<CommandContext, 'em' | 'audit' | 'emit'>,
  userIds: readonly string[],
  withdrawal: Withdrawal,
): Promise<string[]> {
  if (userIds.length === 0) return [];
  const { em } = ctx;
  const rows = await em.execute<{ id: string; role: string; label: string }[]>(
    `with before as (
       select id, role from app_user
        where id in (select jsonb_array_elements_text(?::jsonb)::uuid)
          and role in ('admin', 'staff', 'auditor') for update)
     update app_user u set role = null, version = u.version + 1 from before b
      where u.id = b.id returning u.id, b.role, coalesce(u.username, u.display_name) as label`,
    [JSON.stringify([...new Set(userIds)])],
  );
  const ids = rows.map((row) => row.id);
  await refreshRanks(em, ids, withdrawal.at);
  const revoked = await revokeArtefacts(em, ids, {
    at: withdrawal.at,
    reason: 'back-office role changed',
    byId: withdrawal.byId,
    scope: 'backoffice',
  });
  for (const row of rows)
    ctx.audit({
      action: 'user.role_changed',
      targetType: 'user',
      targetId: row.id,
      targetLabel: row.label,
      reason: withdrawal.reason,
      diff: { before: { role: row.role }, after: { role: null } },
      details: {
        sessionsRevoked: revoked.get(row.id)?.backofficeSessions ?? 0,
        ...withdrawal.details,
      },
    });
  // The core follows what the person may do (as changeRole does); few people per review.
  for (const user of await em.find(User, { id: { $in: ids } })) {
    const person = await loadCorePerson(em, user);
    if (person) ctx.emit({ type: 'person.upserted', key: user.id, person });
  }
  return ids;
}
