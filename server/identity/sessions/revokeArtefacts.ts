import type { EntityManager } from '@mikro-orm/postgresql';

/** How many credential artefacts of one person were ended. */
export interface ArtefactCounts {
  deviceSessions: number;
  backofficeSessions: number;
  enrollmentLinks: number;
  loginChallenges: number;
}

/** Why and by whom artefacts are ended (stored on device sessions, which the core introspects). */
export interface RevocationCause {
  at: Date;
  reason: string | null;
  /** The person who ended them, when a person did. */
  byId: string | null;
  /**
   * `all` (default): every way in. `backoffice`: the back-office sessions only, when only
   * back-office powers change (a role granted or withdrawn); the messenger stays signed in.
   */
  scope?: 'all' | 'backoffice';
}

// The one statement that ends every way into an account, for many people at once: live device
// tokens (introspection reads revoked_at on every call), back-office sessions, enrollment links
// not used yet (kept and expired, so a late use reads as "expired"), and pending login and
// TOTP-enrollment challenges. Every door that cuts a person off, and every credential change,
// comes through here: nothing else writes these tables for a person as a whole.
const REVOKE_SQL = `
with targets as (select distinct value::uuid as user_id from jsonb_array_elements_text(?::jsonb)),
scope as (select ?::boolean as everything),
devices as (
  update device_session d set revoked_at = ?::timestamptz, revoked_reason = left(?::text, 1000),
         revoked_by_id = ?::uuid
   where d.user_id in (select user_id from targets) and d.revoked_at is null
     and (select everything from scope)
  returning d.user_id),
backoffice as (
  update backoffice_session b set revoked_at = ?::timestamptz
   where b.user_id in (select user_id from targets) and b.revoked_at is null
  returning b.user_id),
links as (
  update enrollment_token e set expires_at = ?::timestamptz
   where e.user_id in (select user_id from targets) and e.used_at is null
     and e.expires_at > ?::timestamptz and (select everything from scope)
  returning e.user_id),
challenges as (
  delete from login_challenge c where c.user_id in (select user_id from targets)
     and (select everything from scope)
  returning c.user_id)
select t.user_id as id,
       coalesce(d.n, 0)::int as devices, coalesce(b.n, 0)::int as backoffice,
       coalesce(l.n, 0)::int as links, coalesce(c.n, 0)::int as challenges
  from targets t
  left join (select user_id, count(*) as n from devices group by user_id) d using (user_id)
  left join (select user_id, count(*) as n from backoffice group by user_id) b using (user_id)
  left join (select user_id, count(*) as n from links group by user_id) l using (user_id)
  left join (select user_id, count(*) as n from challenges group by user_id) c using (user_id)`;

/**
 * Ends every credential artefact of `userIds` inside the caller's transaction, set-based, and
 * returns the counts per person. The artefacts are dead for every process once it commits.
 * Called by the lifecycle (deactivate, suspend), credential changes, "revoke all" and role
 * changes (back-office scope) only.
 */
export async function revokeArtefacts(
  em: EntityManager,
  userIds: readonly string[],
  cause: RevocationCause,
): Promise<Map<string, ArtefactCounts>> {
  const counts = new Map<string, ArtefactCounts>();
  if (userIds.length === 0) return counts;
  const at = cause.at.toISOString();
  const rows = await em.execute<
    { id: string; devices: number; backoffice: number; links: number; challenges: number }[]
  >(REVOKE_SQL, [
    JSON.stringify(userIds),
    (cause.scope ?? 'all') === 'all',
    at,
    cause.reason,
    cause.byId,
    at,
    at,
    at,
  ]);
  for (const row of rows)
    counts.set(row.id, {
      deviceSessions: row.devices,
      backofficeSessions: row.backoffice,
      enrollmentLinks: row.links,
      loginChallenges: row.challenges,
    });
  return counts;
}

/** No artefact ended (for people a change skipped). */
export const NO_ARTEFACTS: ArtefactCounts = Object.freeze({
  deviceSessions: 0,
  backofficeSessions: 0,
  enrollmentLinks: 0,
  loginChallenges: 0,
});

/**
 * Expires the person's enrollment links not used yet (kept, so a late use reads as "expired"),
 * and nothing else: a new link replaces the earlier ones without ending the person's sessions,
 * which end only when the new password is set (a reset an operator asked for must not lock the
 * person out). The same rule as the `links` part of REVOKE_SQL. Returns how many were expired.
 */
export async function expireEnrollmentLinks(
  em: EntityManager,
  userId: string,
  at: Date,
): Promise<number> {
  const rows = await em.execute<{ n: number }[]>(
    `with expired as (
       update enrollment_token e set expires_at = ?::timestamptz
        where e.user_id = ? and e.used_at is null and e.expires_at > ?::timestamptz
       returning 1)
     select count(*)::int as n from expired`,
    [at.toISOString(), userId, at.toISOString()],
  );
  return rows[0]?.n ?? 0;
}
