import type { Actor } from '../../authz/actor.ts';
import type { AppAbility } from '../../authz/index.ts';
import { runCommand } from '../../commands/runCommand.ts';
import type { Services } from '../../shared/services.ts';
import { loadAuthorizedTarget, sessionReadAction } from './access.ts';
import type { SessionList, SessionView } from './schemas.ts';

type Stamp = Date | string;

const iso = (value: Stamp) => new Date(value).toISOString();

interface SessionRow {
  id: string;
  kind: 'device' | 'backoffice';
  device_name: string | null;
  platform: string | null;
  ip: string | null;
  user_agent: string | null;
  // The ORM's connection hands timestamps back as strings, the raw pool as Dates.
  created_at: Stamp;
  last_seen_at: Stamp;
  expires_at: Stamp;
  revoked_at: Stamp | null;
  revoked_reason: string | null;
  total: string;
}

// Both kinds in one page: the admin UI shows "where is this person signed in" as one list.
const LIST_SQL = `
select *, count(*) over () as total from (
  select id, 'device' as kind, device_name, platform, ip, user_agent, created_at, last_seen_at,
         expires_at, revoked_at, revoked_reason
    from device_session where user_id = ?
  union all
  select id, 'backoffice', null, null, ip, user_agent, created_at, last_seen_at,
         expires_at, revoked_at, null
    from backoffice_session where user_id = ?
) s
order by (revoked_at is null and expires_at > ?) desc, last_seen_at desc, id
offset ? limit ?`;

function present(row: SessionRow, now: Date): SessionView {
  return {
    id: row.id,
    kind: row.kind,
    deviceName: row.device_name,
    platform: row.platform,
    ip: row.ip,
    userAgent: row.user_agent,
    createdAt: iso(row.created_at),
    lastSeenAt: iso(row.last_seen_at),
    expiresAt: iso(row.expires_at),
    revokedAt: row.revoked_at === null ? null : iso(row.revoked_at),
    revokedReason: row.revoked_reason,
    live: row.revoked_at === null && new Date(row.expires_at) > now,
  };
}

/**
 * A person's device (messenger) and back-office sessions, live ones first, for the admin UI.
 * Who may read them: see `sessionReadAction`. Successful reads are not audited (like a card).
 */
export function listUserSessions(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  userId: string,
  page: { offset: number; limit: number },
): Promise<SessionList> {
  return runCommand(
    services,
    actor,
    async ({ em }) => {
      const action = sessionReadAction(ability);
      await loadAuthorizedTarget(em, ability, action, 'user.sessions_listed', userId);
      const now = services.now();
      const rows = await em.execute<SessionRow[]>(LIST_SQL, [
        userId,
        userId,
        now,
        page.offset,
        page.limit,
      ]);
      let total = Number(rows[0]?.total ?? 0);
      if (rows.length === 0 && page.offset > 0) {
        const [count] = await em.execute<{ n: number }[]>(
          `select (select count(*) from device_session where user_id = ?)
                + (select count(*) from backoffice_session where user_id = ?) as n`,
          [userId, userId],
        );
        total = Number(count?.n ?? 0);
      }
      return { data: rows.map((row) => present(row, now)), total };
    },
    ability,
  );
}
