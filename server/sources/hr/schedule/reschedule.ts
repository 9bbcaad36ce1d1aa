import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditEventInput } from '../../../audit/actions.ts';

/** Who and what is rescheduling: the channel that wrote the dates, inside its transaction. */
export interface RescheduleInput {
  /** People whose hire_date / termination_date were just written (set-based: one call per batch). */
  userIds: string[];
  /** The HR channel that wrote them ('hr-import', 'scim') or 'manual'. */
  sourceId: string;
  /** Actor label for created_by / cancelled_by (e.g. 'source:hr-import', 'scim:workday'). */
  actorLabel: string;
  actorId: string | null;
  now: Date;
  /** IANA zone of the company (config hr.timeZone). */
  timeZone: string;
}

// The live changes each person should have, from their stored dates and status. Parameters, in
// order: user ids (jsonb array), time zone, now, time zone, now. PostgreSQL does the zone math:
// the end of the termination day is the start of the next day in the company's zone.
const DESIRED = `
desired as (
  select u.id as user_id, k.kind, k.effective_date, k.effective_at
    from app_user u
    cross join lateral (values
      ('deactivate', u.termination_date, (u.termination_date + 1)::timestamp at time zone ?::text,
       u.status <> 'deactivated'),
      ('activate', u.hire_date, u.hire_date::timestamp at time zone ?::text, u.status = 'pending')
    ) k(kind, effective_date, effective_at, eligible)
   where u.id in (select value::uuid from jsonb_array_elements_text(?::jsonb))
     and k.effective_date is not null and k.eligible and k.effective_at > ?::timestamptz
)`;

const RETURNING = `returning c.id, c.user_id, c.kind, c.effective_date::text as effective_date,
  c.effective_at, c.source_id,
  (select coalesce(u.username, u.display_name) from app_user u where u.id = c.user_id) as label`;

// A live change whose instant moved (or whose scheduling channel changed): move it.
const UPDATE_SQL = `
with ${DESIRED}
update scheduled_change c set effective_date = d.effective_date, effective_at = d.effective_at,
       source_id = ?, updated_at = ?::timestamptz
  from desired d
 where c.user_id = d.user_id and c.kind = d.kind and c.cancelled_at is null and c.fired_at is null
   and (c.effective_at <> d.effective_at or c.effective_date <> d.effective_date or c.source_id <> ?)
${RETURNING}`;

// No live change yet: schedule one. A concurrent writer's row wins the unique live index.
const INSERT_SQL = `
with ${DESIRED}
insert into scheduled_change as c (id, user_id, kind, effective_date, effective_at, source_id,
  created_at, created_by, created_by_id, updated_at)
select gen_random_uuid(), d.user_id, d.kind, d.effective_date, d.effective_at, ?, ?::timestamptz,
       ?, ?::uuid, ?::timestamptz
  from desired d
 where not exists (select 1 from scheduled_change x where x.user_id = d.user_id and x.kind = d.kind
                      and x.cancelled_at is null and x.fired_at is null)
on conflict do nothing
${RETURNING}`;

// A live change its dates no longer call for: cancel it, except a deactivation scheduled by hand
// (staff scheduled it without HR data; HR clearing a date it never gave must not undo it).
const CANCEL_SQL = `
with ${DESIRED}
update scheduled_change c set cancelled_at = ?::timestamptz, cancelled_by = ?, updated_at = ?::timestamptz
 where c.user_id in (select value::uuid from jsonb_array_elements_text(?::jsonb))
   and c.cancelled_at is null and c.fired_at is null
   and (c.kind = 'activate' or c.source_id <> 'manual')
   and not exists (select 1 from desired d where d.user_id = c.user_id and d.kind = c.kind)
${RETURNING}`;

interface ChangeRow {
  id: string;
  user_id: string;
  kind: 'activate' | 'deactivate';
  effective_date: string;
  effective_at: Date | string;
  source_id: string;
  label: string | null;
}

const iso = (value: Date | string) => new Date(value).toISOString();

function event(
  action: 'scheduled_change.created' | 'scheduled_change.updated' | 'scheduled_change.cancelled',
  row: ChangeRow,
  extra: Record<string, unknown> = {},
): AuditEventInput {
  return {
    action,
    targetType: 'user',
    targetId: row.user_id,
    targetLabel: row.label ?? row.user_id,
    details: {
      kind: row.kind,
      effectiveDate: row.effective_date,
      effectiveAt: iso(row.effective_at),
      sourceId: row.source_id,
      scheduledChangeId: row.id,
      ...extra,
    },
  };
}

/**
 * Brings the live scheduled changes of `userIds` in line with their stored dates, set-based, in
 * the caller's transaction: a future termination date schedules (or moves) the deactivation for
 * the end of that day in `timeZone`; a future hire date of a pending person schedules the
 * activation for the start of that day; a cleared or past date cancels the live change it had
 * scheduled. Returns the audit events (scheduled_change.created / updated / cancelled) for the
 * caller to record in the same transaction.
 */
export async function rescheduleFromDates(
  em: EntityManager,
  input: RescheduleInput,
): Promise<AuditEventInput[]> {
  if (input.userIds.length === 0) return [];
  const ids = JSON.stringify([...new Set(input.userIds)]);
  const now = input.now.toISOString();
  const desired = [input.timeZone, input.timeZone, ids, now];
  const before = new Map<string, ChangeRow>();
  // The previous instants of the changes about to move, for the audit trail.
  const live = await em.execute<ChangeRow[]>(
    `select c.id, c.user_id, c.kind, c.effective_date::text as effective_date, c.effective_at,
            c.source_id, null as label
       from scheduled_change c
      where c.user_id in (select value::uuid from jsonb_array_elements_text(?::jsonb))
        and c.cancelled_at is null and c.fired_at is null`,
    [ids],
  );
  for (const row of live) before.set(row.id, row);
  const updated = await em.execute<ChangeRow[]>(UPDATE_SQL, [
    ...desired,
    input.sourceId,
    now,
    input.sourceId,
  ]);
  const created = await em.execute<ChangeRow[]>(INSERT_SQL, [
    ...desired,
    input.sourceId,
    now,
    input.actorLabel,
    input.actorId,
    now,
  ]);
  const cancelled = await em.execute<ChangeRow[]>(CANCEL_SQL, [
    ...desired,
    now,
    input.actorLabel,
    now,
    ids,
  ]);
  return [
    ...created.map((row) => event('scheduled_change.created', row)),
    ...updated.map((row) => {
      const old = before.get(row.id);
      return event('scheduled_change.updated', row, {
        previous: old
          ? {
              effectiveDate: old.effective_date,
              effectiveAt: iso(old.effective_at),
              sourceId: old.source_id,
            }
          : null,
      });
    }),
    ...cancelled.map((row) => event('scheduled_change.cancelled', row)),
  ];
}
