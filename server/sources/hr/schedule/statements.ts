/*
 * The claim of a firing batch (fire.ts): the due changes with their people.
 */

/** A claimed due change with its person's status. */
export interface DueRow {
  id: string;
  user_id: string;
  kind: 'activate' | 'deactivate';
  effective_date: string;
  source_id: string;
  reason: string | null;
  created_by_id: string | null;
  status: string;
  label: string;
}

// Due live changes, oldest first; rows another process is firing are skipped, not waited for.
export const CLAIM_SQL = `
select c.id, c.user_id, c.kind, c.effective_date::text as effective_date, c.source_id, c.reason,
       c.created_by_id, u.status, coalesce(u.username, u.display_name) as label
  from scheduled_change c join app_user u on u.id = c.user_id
 where c.cancelled_at is null and c.fired_at is null and c.effective_at <= ?::timestamptz
 order by c.effective_at, c.id
 limit ?
   for update of c skip locked`;
