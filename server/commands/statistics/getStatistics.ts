import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../../authz/actor.ts';
import { authorize } from '../../authz/index.ts';
import { accessCondition, type SqlCondition } from '../../authz/sql.ts';
import type { Services } from '../../shared/services.ts';
import { runCommand } from '../runCommand.ts';
import type { PeopleStatistics, StatisticsQuery, StatisticsView } from './schemas.ts';

/**
 * The window of every series, as calendar days of the company's time zone: `from` is the Monday
 * `weeks - 1` weeks before this week's, `to` today. Every bucket below is cut in that zone.
 */
interface Window {
  tz: string;
  from: string;
  to: string;
}

/**
 * The people a caller may read, as a condition on a column holding a person's id (issue 18: a
 * scoped role's dashboard counts the people of its subtrees, as they are now).
 */
type PeopleFilter = (idColumn: string) => SqlCondition;

const WEEKS = `select to_char(w, 'YYYY-MM-DD') as week, w::date as start
  from generate_series(?::date, ?::date, interval '1 week') w`;

/** `timestamptz` → the ISO week's Monday in the zone (`?` = the zone). */
const weekOf = (column: string) => `date_trunc('week', ${column} at time zone ?)::date`;
/** The instant the window starts (`?, ?` = the first day, the zone). */
const START = `(?::date::timestamp at time zone ?)`;

async function peopleByStatus(em: EntityManager, w: Window, people: PeopleFilter) {
  const changed = people('c.user_id');
  const current = people('u.id');
  const joined = people('u.id');
  // Counted back from today, not forward from the first person: today's counts (the table as it
  // is), less what happened after each day of the window. A forward sum read every person's
  // first change and the whole history on every load: 4.9–5.3 s of the dashboard's 5.8–6.8 s at
  // a million people (docs/benchmarks.md). Now only the window's changes and joiners are read,
  // besides one count of the people by status. Equal to the forward sum whenever the history
  // describes every change (the lifecycle writes it for each; test/dashboard/byStatus.test.ts).
  // "Later" events are those from the end of the window's first day in the zone on.
  const rows = await em.execute<{ day: string; status: string; n: number }[]>(
    `with changes as materialized (
       select c.id, c.user_id, c.changed_at, c.from_status, c.to_status,
              (c.changed_at at time zone ?)::date as day
         from user_status_change c
        where c.changed_at >= ((?::date + 1)::timestamp at time zone ?) and ${changed.sql}
     ), first_change as (
       select distinct on (user_id) user_id, from_status from changes
        order by user_id, changed_at, id
     ), joiners as (
       -- People created after the window's first day, with the status they were created with:
       -- the one their first change left (a change follows its person's creation, so it is in
       -- the window too), or the one they have if they never changed. A probe of the history per
       -- joiner cost 7 µs each, 1.4 s for 200,000.
       select (u.created_at at time zone ?)::date as day, coalesce(f.from_status, u.status) as status
         from app_user u left join first_change f on f.user_id = u.id
        where u.created_at >= ((?::date + 1)::timestamp at time zone ?) and ${joined.sql}
     ), later as (
       select day, status, sum(delta) as delta from (
         select day, status, 1 as delta from joiners
         union all select day, to_status, 1 from changes
         union all select day, from_status, -1 from changes) events
        group by day, status
     ), totals as (
       select status, sum(delta) as delta from later group by status
     ), today as (
       select u.status, count(*) as n from app_user u where ${current.sql} group by u.status
     )
     -- On day D: today's count, less every later event, plus those on or before D.
     select to_char(g.day, 'YYYY-MM-DD') as day, s.status,
            (coalesce(t.n, 0) - coalesce(a.delta, 0)
              + sum(coalesce(d.delta, 0)) over (partition by s.status order by g.day))::int as n
       from generate_series(?::date, ?::date, interval '1 day') g(day)
       cross join unnest(array['pending', 'active', 'suspended', 'deactivated']) s(status)
       left join later d on d.day = g.day::date and d.status = s.status
       left join totals a on a.status = s.status
       left join today t on t.status = s.status
      order by g.day`,
    [
      w.tz,
      w.from,
      w.tz,
      ...changed.params,
      w.tz,
      w.from,
      w.tz,
      ...joined.params,
      ...current.params,
      w.from,
      w.to,
    ],
  );
  const byDay = new Map<string, PeopleStatistics['byStatus'][number]>();
  for (const row of rows) {
    const point = byDay.get(row.day) ?? {
      day: row.day,
      pending: 0,
      active: 0,
      suspended: 0,
      deactivated: 0,
    };
    if (row.status in point) point[row.status as 'pending'] = row.n;
    byDay.set(row.day, point);
  }
  return [...byDay.values()];
}

async function weeklyPeople(em: EntityManager, w: Window, people: PeopleFilter) {
  const [joined, left, invited, registered, enrolled] = [
    people('id'),
    people('user_id'),
    people('user_id'),
    people('user_id'),
    people('user_id'),
  ];
  // One pass per source table, grouped by week, joined onto the weeks of the window.
  return em.execute<
    {
      week: string;
      joined: number;
      left: number;
      invited: number;
      registered: number;
      second_factor: number;
    }[]
  >(
    `with weeks as (${WEEKS}),
     joined as (select ${weekOf('created_at')} as start, count(*) as n from app_user
                 where created_at >= ${START} and ${joined.sql} group by 1),
     leavers as (select ${weekOf('changed_at')} as start, count(*) as n from user_status_change
                  where to_status = 'deactivated' and changed_at >= ${START} and ${left.sql}
                  group by 1),
     invited as (select ${weekOf('first_sent_at')} as start, count(*) as n from invitation
                  where first_sent_at >= ${START} and ${invited.sql} group by 1),
     registered as (select ${weekOf('registered_at')} as start, count(*) as n from invitation
                     where registered_at >= ${START} and ${registered.sql} group by 1),
     enrolled as (select ${weekOf('confirmed_at')} as start, count(*) as n from totp_factor
                   where confirmed_at >= ${START} and ${enrolled.sql} group by 1)
     select w.week, coalesce(j.n, 0)::int as joined, coalesce(l.n, 0)::int as left,
            coalesce(i.n, 0)::int as invited, coalesce(r.n, 0)::int as registered,
            coalesce(e.n, 0)::int as second_factor
       from weeks w
       left join joined j on j.start = w.start left join leavers l on l.start = w.start
       left join invited i on i.start = w.start left join registered r on r.start = w.start
       left join enrolled e on e.start = w.start
      order by w.start`,
    [
      w.from,
      w.to,
      ...[joined, left, invited, registered, enrolled].flatMap((filter) => [
        w.tz,
        w.from,
        w.tz,
        ...filter.params,
      ]),
    ],
  );
}

async function peopleStatistics(
  em: EntityManager,
  w: Window,
  people: PeopleFilter,
): Promise<PeopleStatistics> {
  const weekly = await weeklyPeople(em, w, people);
  const active = people('u.id');
  const enrolled = people('u.id');
  // Two counts, not one join: the active people are counted from the status index alone, and the
  // factors lead to their people. Joined, every person's row was read (135 ms of a scan at
  // 100,000 people, the dashboard's largest statement once the series were counted back).
  const [factor] = await em.execute<{ enrolled: number; active: number }[]>(
    `select (select count(*) from totp_factor f join app_user u on u.id = f.user_id
              where u.status = 'active' and ${enrolled.sql})::int as enrolled,
            (select count(*) from app_user u where u.status = 'active' and ${active.sql})::int
              as active`,
    [...enrolled.params, ...active.params],
  );
  const invited = people('user_id');
  const [invitations] = await em.execute<PeopleStatistics['registration'][]>(
    `select count(*) filter (where status = 'invited')::int as invited,
            count(*) filter (where status = 'registered')::int as registered,
            count(*) filter (where status = 'held')::int as held,
            count(*) filter (where status = 'revoked')::int as revoked
       from invitation where ${invited.sql}`,
    invited.params,
  );
  return {
    byStatus: await peopleByStatus(em, w, people),
    joinersLeavers: weekly.map(({ week, joined, left }) => ({ week, joined, left })),
    enrolment: weekly.map((row) => ({
      week: row.week,
      invited: row.invited,
      registered: row.registered,
      secondFactor: row.second_factor,
    })),
    secondFactor: factor ?? { enrolled: 0, active: 0 },
    registration: invitations ?? { invited: 0, registered: 0, held: 0, revoked: 0 },
  };
}

async function syncRuns(em: EntityManager, w: Window) {
  return em.execute<
    { week: string; succeeded: number; failed: number; cancelled: number; other: number }[]
  >(
    `with weeks as (${WEEKS}),
     runs as (select ${weekOf('started_at')} as start, status from sync_run
               where started_at >= ${START})
     select w.week,
            count(r.status) filter (where r.status = 'succeeded')::int as succeeded,
            count(r.status) filter (where r.status = 'failed')::int as failed,
            count(r.status) filter (where r.status = 'cancelled')::int as cancelled,
            count(r.status) filter (where r.status not in ('succeeded', 'failed', 'cancelled'))::int
              as other
       from weeks w left join runs r on r.start = w.start
      group by w.week, w.start order by w.start`,
    [w.from, w.to, w.tz, w.from, w.tz],
  );
}

async function deliveries(em: EntityManager, w: Window) {
  const failedPerWeek = await em.execute<{ week: string; dead: number }[]>(
    `with weeks as (${WEEKS}),
     dead as (select ${weekOf('dead_at')} as start, count(*) as n from outbox_event
               where dead_at >= ${START} group by 1)
     select w.week, coalesce(d.n, 0)::int as dead
       from weeks w left join dead d on d.start = w.start order by w.start`,
    [w.from, w.to, w.tz, w.from, w.tz],
  );
  // Dead and not yet retried, delivered or skipped: what still needs someone's attention.
  const [now] = await em.execute<{ n: number }[]>(
    `select count(*)::int as n from outbox_event
      where dead_at is not null and delivered_at is null and skipped_at is null`,
  );
  return { deadNow: now?.n ?? 0, failedPerWeek };
}

/** The calendar day of `at` in `timeZone`, as YYYY-MM-DD. */
function dayIn(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone }).format(at);
}

/** The Monday `weeks - 1` weeks before the week of `today` (YYYY-MM-DD, calendar arithmetic). */
function firstMonday(today: string, weeks: number): string {
  const date = new Date(`${today}T00:00:00Z`);
  const sinceMonday = (date.getUTCDay() + 6) % 7;
  date.setUTCDate(date.getUTCDate() - sinceMonday - 7 * (weeks - 1));
  return date.toISOString().slice(0, 10);
}

/**
 * The dashboard's statistics, set-based: each series is one statement over the status history,
 * the people, invitations, factors, sync runs or the outbox, bucketed with date_trunc over
 * generate_series in the company's time zone. Anyone who may read people sees the people
 * sections (a denied attempt is audited as `user.listed`); sync runs and failed deliveries are
 * included only for those who may read them, null otherwise. Reads are not audited (counts only).
 */
export function getStatistics(
  services: Services,
  actor: Actor,
  query: StatisticsQuery,
): Promise<StatisticsView> {
  return runCommand(services, actor, async ({ em, ability }) => {
    authorize(ability, 'read', 'User', { auditAction: 'user.listed', targetType: 'user' });
    const tz = services.config.hr.timeZone;
    const to = dayIn(services.now(), tz);
    const w: Window = { tz, from: firstMonday(to, query.weeks), to };
    return {
      timeZone: tz,
      from: w.from,
      to: w.to,
      people: await peopleStatistics(em, w, (idColumn) =>
        accessCondition(em, ability, 'read', 'User', 'User', idColumn),
      ),
      syncRuns: ability.can('read', 'SyncRun') ? await syncRuns(em, w) : null,
      deliveries: ability.can('read', 'CoreDelivery') ? await deliveries(em, w) : null,
    };
  });
}
