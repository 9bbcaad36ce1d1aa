import type { EntityManager } from '@mikro-orm/postgresql';

/*
 * The statements of a firing batch (fire.ts): claim the due changes, guard the last superadmin,
 * change statuses set-based.
 */

// Same switch as guardLastSuperadmin (server/directory/users/common.ts) and the sync apply.
const LAST_SUPERADMIN_LOCK = 730_001;

/** A claimed due change with its person's status. */
export interface DueRow {
  id: string;
  user_id: string;
  kind: 'activate' | 'deactivate';
  effective_date: string;
  source_id: string;
  status: string;
  role: string | null;
  label: string;
}

// Due live changes, oldest first; rows another process is firing are skipped, not waited for.
export const CLAIM_SQL = `
select c.id, c.user_id, c.kind, c.effective_date::text as effective_date, c.source_id, u.status,
       u.role, coalesce(u.username, u.display_name) as label
  from scheduled_change c join app_user u on u.id = c.user_id
 where c.cancelled_at is null and c.fired_at is null and c.effective_at <= ?::timestamptz
 order by c.effective_at, c.id
 limit ?
   for update of c skip locked`;

// One statement per kind: the person's status changes only if it is still the one the change
// expects (a person deactivated by hand meanwhile is left as is).
const STATUS_SQL = `
update app_user u set
  status = ?,
  status_changed_at = ?::timestamptz,
  -- A change scheduled by hand is credited to whoever scheduled it, with their reason.
  status_changed_by_id = case when c.source_id = 'manual' then c.created_by_id end,
  status_reason = left(case when c.source_id = 'manual'
    then 'scheduled for ' || c.effective_date::text || coalesce(': ' || c.reason, '')
    else ? || c.effective_date::text end, 1000),
  status_source = c.source_id,
  status_source_at = ?::timestamptz,
  version = u.version + 1,
  updated_at = ?::timestamptz
  from scheduled_change c
 where c.id in (select value::uuid from jsonb_array_elements_text(?::jsonb))
   and u.id = c.user_id and STATUS_FILTER
returning c.id as change_id, u.id, coalesce(u.username, u.display_name) as label,
  u.status_reason as reason`;

/** Deactivates the people of the given changes not deactivated yet. */
export const DEACTIVATE_SQL = STATUS_SQL.replace('STATUS_FILTER', `u.status <> 'deactivated'`);
/** Activates the people of the given changes still pending. */
export const ACTIVATE_SQL = STATUS_SQL.replace('STATUS_FILTER', `u.status = 'pending'`);

/** A person whose status a statement changed. */
export interface ChangedRow {
  change_id: string;
  id: string;
  label: string;
  reason: string;
}

/** The superadmins among `targets` that cannot go: all of them when no other one stays active. */
export async function lastSuperadmins(em: EntityManager, targets: DueRow[]): Promise<Set<string>> {
  const admins = targets.filter((row) => row.role === 'superadmin' && row.status === 'active');
  if (admins.length === 0) return new Set();
  await em.execute('select pg_advisory_xact_lock(?)', [LAST_SUPERADMIN_LOCK]);
  const [row] = await em.execute<{ n: number }[]>(
    `select count(*)::int as n from app_user where role = 'superadmin' and status = 'active'
        and id not in (select value::uuid from jsonb_array_elements_text(?::jsonb))`,
    [JSON.stringify(admins.map((a) => a.user_id))],
  );
  return (row?.n ?? 0) > 0 ? new Set() : new Set(admins.map((a) => a.id));
}

/** Runs DEACTIVATE_SQL or ACTIVATE_SQL for `rows`; HR changes get the reason `<prefix><date>`. */
export async function setStatus(
  em: EntityManager,
  sql: string,
  rows: DueRow[],
  status: string,
  reasonPrefix: string,
  now: string,
): Promise<ChangedRow[]> {
  if (rows.length === 0) return [];
  const ids = JSON.stringify(rows.map((row) => row.id));
  return em.execute<ChangedRow[]>(sql, [status, now, reasonPrefix, now, now, ids]);
}
