import type { SqlCondition } from '../../authz/sql.ts';
import { isoSql } from '../../directory/organizations/support.ts';
import { fullNameSql } from '../../directory/users/presentUser.ts';
import { searchConditions } from '../../directory/users/searchTerms.ts';
import type { AccessViewFilter, AccessViewName } from './schemas.ts';

/** What a company view's statement needs besides its filters. */
export interface ViewContext {
  now: Date;
  /** The caller's read rules on people (`accessCondition`): a scoped admin's subtrees. */
  readable: SqlCondition;
  /** Directory sources the configuration file defines (the others are rows of directory_source). */
  configuredSources: readonly string[];
}

// Back-office roles in force at `now` (a `?`): the standing one and every unexpired grant.
const ROLES_SQL = `array(select distinct r from unnest(array[u.role] || array(
    select g.role from role_grant g
     where g.user_id = u.id and g.ended_at is null and (g.expires_at is null or g.expires_at > ?)
  )) r where r is not null order by r)`;
// When the person last used the console (their newest back-office session's last request).
const LAST_BACKOFFICE_SQL =
  '(select max(s.last_seen_at) from backoffice_session s where s.user_id = u.id)';
// A back-office account is idle from its last use of the console, or from the newest of its
// creation and its grants in force: a role given yesterday is not "unused for 90 days".
const BACKOFFICE_SINCE_SQL = `greatest(b.last_at, u.created_at, (select max(g.created_at) from role_grant g
     where g.user_id = u.id and g.ended_at is null and (g.expires_at is null or g.expires_at > ?)))`;
const LOGIN_SINCE_SQL = 'coalesce(u.last_login_at, u.created_at)';

/*
 * Each owning source's latest word on the person: the person's item in the newest run of that
 * source that planned (every run keeps an item per person it read: `unchanged` included), among
 * the runs since the source's last complete read (a full sync, a dry run, a complete HR import):
 * plan items are never pruned, and that read had an item for everyone the source still lists.
 * A `deactivate` item not applied means the source counts the person as gone, and they are still
 * here (held for approval, blocked by a safety rule, cancelled, a dry run or an import preview).
 * A directory owner that is configured no more (neither in the file nor a directory_source row)
 * counts as gone too. HR channels (hr-import, scim) are built in and never removed.
 */
const GONE_SQL = `
last_full as materialized (
  select s.source_id, max(s.started_at) as at from sync_run s
   where s.status in ('planned', 'awaiting_approval', 'succeeded', 'cancelled')
     and (s.read_mode = 'full' or (s.read_mode is null and s.mode = 'full'))
   group by s.source_id
),
latest as materialized (
  select distinct on (r.source_id, i.user_id) r.source_id, i.user_id, i.action,
         -- Only a deactivation's outcome is asked below; deriving it costs a lookup.
         case when i.action = 'deactivate' then sync_item_outcome(i) end as outcome
    from sync_run r
    left join last_full f on f.source_id = r.source_id
    join sync_plan_item i on i.run_id = r.id
   where r.status not in ('running', 'applying') and i.user_id is not null
     and r.started_at >= coalesce(f.at, '-infinity'::timestamptz)
   order by r.source_id, i.user_id, r.started_at desc, r.id desc
),
gone as materialized (
  select u.id, count(*)::int as n, jsonb_agg(jsonb_build_object('sourceId', o.src, 'reason',
           case when o.removed then 'source_removed' else 'deactivation_not_applied' end)
           order by o.src) as sources
    from app_user u
    cross join lateral (
      select s.src, (s.src = u.source_id
                     and s.src not in (select value from jsonb_array_elements_text(?::jsonb))
                     and not exists (select 1 from directory_source d where d.id = s.src)) as removed
        from unnest(array_remove(array[u.source_id, u.hr_source_id], null)) s(src)
    ) o
    left join latest l on l.source_id = o.src and l.user_id = u.id
   where u.status <> 'deactivated'
     and (o.removed or (l.action = 'deactivate' and l.outcome is distinct from 'applied'))
   group by u.id
)`;

/** A company view as SQL: its row selection and how idle days are counted. */
interface ViewSql {
  with: string;
  withBindings: (context: ViewContext) => unknown[];
  join: string;
  where: string;
  since: string;
  sinceBindings: (context: ViewContext) => unknown[];
}

const DAYS_AGO = `?::timestamptz - make_interval(days => ?)`;

const VIEWS: Record<AccessViewName, ViewSql> = {
  dormant: {
    with: '',
    withBindings: () => [],
    join: '',
    where: `u.status = 'active' and ${LOGIN_SINCE_SQL} < ${DAYS_AGO}`,
    since: LOGIN_SINCE_SQL,
    sinceBindings: () => [],
  },
  orphaned: {
    with: GONE_SQL,
    withBindings: (context) => [JSON.stringify(context.configuredSources)],
    join: 'join gone on gone.id = u.id',
    // Gone from every source that owns them.
    where: 'gone.n = cardinality(array_remove(array[u.source_id, u.hr_source_id], null))',
    since: LOGIN_SINCE_SQL,
    sinceBindings: () => [],
  },
  'no-second-factor': {
    with: '',
    withBindings: () => [],
    join: '',
    where: `u.status in ('active', 'pending') and cardinality(x.roles) > 0
            and not exists (select 1 from totp_factor t where t.user_id = u.id)`,
    since: BACKOFFICE_SINCE_SQL,
    sinceBindings: (context) => [context.now],
  },
  'unused-backoffice': {
    with: '',
    withBindings: () => [],
    join: '',
    where: `u.status = 'active' and cardinality(x.roles) > 0 and x.since < ${DAYS_AGO}`,
    since: BACKOFFICE_SINCE_SQL,
    sinceBindings: (context) => [context.now],
  },
};

/** The columns of a row (`AccessRowView`'s names), as SQL. */
const COLUMNS = `u.id as "userId", ${fullNameSql('u')} as "fullName", u.username, u.email, u.status,
  u.organization_id as "organizationId", o.name as "organizationName", x.roles,
  u.login_method as "loginMethod", ${isoSql('u.last_login_at')} as "lastLoginAt",
  ${isoSql('b.last_at')} as "lastBackofficeAt", ${isoSql('x.since')} as "idleSince",
  floor(extract(epoch from (?::timestamptz - x.since)) / 86400)::int as "idleDays",
  array_remove(array[u.source_id, u.hr_source_id], null) as owners`;

const NAME = 'u.family_name collate "und-x-icu" #, u.given_name collate "und-x-icu" #, u.id #';
// Idle days grow as `since` gets older: "most idle first" (idle desc) is `since` ascending (`%`).
const ORDERS = { name: NAME, idle: `x.since %, ${NAME}` } as const;

/**
 * The statement of a company view: one set-based SELECT (lateral subqueries are evaluated by
 * the database within it, never one query per person) with the caller's read rules, the view's
 * selection and the filters; `page` adds LIMIT/OFFSET, and `count` counts instead.
 */
export function viewStatement(
  view: AccessViewName,
  filter: AccessViewFilter,
  context: ViewContext,
  shape: { page?: { offset: number; limit: number }; count?: boolean },
): SqlCondition {
  const def = VIEWS[view];
  const params: unknown[] = [];
  const conditions: string[] = [def.where];
  // The WHERE's "days ago" placeholders take the clock and the days, in that order.
  const whereBindings = def.where.includes(DAYS_AGO) ? [context.now, filter.days] : [];
  const filterBindings: unknown[] = [...context.readable.params];
  conditions.push(context.readable.sql);
  for (const term of searchConditions(filter.q)) {
    conditions.push(term.sql);
    filterBindings.push(...term.bindings);
  }
  if (filter.organizationId) {
    conditions.push(`u.organization_id in (with recursive down(id) as (
        select ?::uuid union select c.id from organization c join down on c.parent_id = down.id
      ) select id from down)`);
    filterBindings.push(filter.organizationId);
  }
  const withClause = def.with ? `with ${def.with}` : '';
  params.push(...def.withBindings(context));
  const select = shape.count ? 'count(*)::int as total' : COLUMNS;
  if (!shape.count) params.push(context.now);
  // x: the person's roles in force and what the idle days count from, computed once per row.
  const from = `from app_user u
    ${def.join}
    left join organization o on o.id = u.organization_id
    cross join lateral (select ${LAST_BACKOFFICE_SQL} as last_at) b
    cross join lateral (select ${ROLES_SQL} as roles, ${def.since} as since) x`;
  params.push(context.now, ...def.sinceBindings(context));
  params.push(...whereBindings, ...filterBindings);
  const order = shape.count
    ? ''
    : `order by ${ORDERS[filter.sort]
        .replaceAll('#', filter.order)
        .replaceAll('%', filter.order === 'asc' ? 'desc' : 'asc')}`;
  const page = shape.page ? 'limit ? offset ?' : '';
  if (shape.page) params.push(shape.page.limit, shape.page.offset);
  const goneColumn = view === 'orphaned' && !shape.count ? ', gone.sources as "goneFrom"' : '';
  return {
    sql: `${withClause} select ${select}${goneColumn} ${from} where ${conditions.join(' and ')} ${order} ${page}`,
    params,
  };
}
