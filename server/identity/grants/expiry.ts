import { systemActor } from '../../authz/actor.ts';
import { runCommand } from '../../commands/runCommand.ts';
import type { Services } from '../../shared/services.ts';
import { closeGrants } from './closeGrants.ts';

/** Grants tidied per transaction: a few set-based statements each. */
const CHUNK = 500;

/** The `end_reason` of a grant the expiry job closed. */
export const EXPIRED = 'expired';

interface ExpiredRow {
  id: string;
  user_id: string;
  role: string;
  scope: string[];
  expires_at: Date | string;
  username: string | null;
  display_name: string;
}

/**
 * Tidies grants whose expiry has passed (issue 18), as the system: ends them set-based
 * (`closeGrants`: ended now with reason `expired`, ranks lowered, back-office sessions of
 * whoever holds no role any more ended) and audits one `user.role_grant_expired` per grant.
 * Rights never wait for this: every check compares the expiry with the clock. Rows are claimed
 * with `FOR UPDATE SKIP LOCKED` and only open ones are picked, so two processes running it at
 * once, or a repeat, tidy and audit each grant exactly once. Returns how many it tidied.
 */
export async function tidyExpiredGrants(services: Services): Promise<number> {
  let tidied = 0;
  for (;;) {
    const done = await runCommand(services, systemActor('scheduler'), async ({ em, audit }) => {
      const now = services.now();
      const rows = await em.execute<ExpiredRow[]>(
        `select g.id, g.user_id, g.role, g.scope, g.expires_at, u.username, u.display_name
           from role_grant g join app_user u on u.id = g.user_id
          where g.ended_at is null and g.expires_at <= ?
          order by g.expires_at, g.id limit ? for update of g skip locked`,
        [now, CHUNK],
      );
      if (rows.length === 0) return 0;
      const closed = await closeGrants(
        em,
        rows.map((row) => row.id),
        { at: now, byId: null, reason: EXPIRED },
      );
      const sessions = new Map(closed.map((entry) => [entry.userId, entry.backofficeSessions]));
      const reported = new Set<string>();
      for (const row of rows) {
        // A person's ended sessions are counted once, on their first expired grant.
        const sessionsRevoked = reported.has(row.user_id) ? 0 : (sessions.get(row.user_id) ?? 0);
        reported.add(row.user_id);
        audit({
          action: 'user.role_grant_expired',
          targetType: 'user',
          targetId: row.user_id,
          targetLabel: row.username ?? row.display_name,
          details: {
            grantId: row.id,
            role: row.role,
            scope: row.scope,
            expiresAt: new Date(row.expires_at).toISOString(),
            cause: EXPIRED,
            sessionsRevoked,
          },
        });
      }
      return rows.length;
    });
    tidied += done;
    if (done < CHUNK) return tidied;
  }
}
