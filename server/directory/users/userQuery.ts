import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager, Knex, QBFilterQuery } from '@mikro-orm/postgresql';
import type { Role } from '../../authz/roles.ts';
import type { Precedence } from '../../shared/precedence.ts';
import { type Source, User, type UserStatus } from '../entities.ts';
import {
  type InvitationFilter,
  invitationCondition,
  invitationStatusOf,
  type StoredInvitation,
} from './invitationFilter.ts';
import {
  fullNameSql,
  presentUser,
  type UserRecord,
  type UserRefs,
  type UserView,
} from './presentUser.ts';
import type { UserSort } from './schemas.ts';
import { searchConditions } from './searchTerms.ts';

/** Filters, sort and page of the people list. */
export interface UserListParams {
  q?: string;
  organizationId?: string;
  spaceId?: string;
  status?: UserStatus;
  /** A role, `none` for plain users, or `any` for everyone holding a role. */
  role?: Role | 'none' | 'any';
  source?: Source;
  addedBy?: string;
  /** Where the person's invitation stands (docs/invitations.md). */
  invitation?: InvitationFilter;
  /** The service's clock, for the invitation filter and status (an invitation expires). */
  now?: Date;
  /** Count every match even for a broad search (see SEARCH_COUNT_CAP). */
  exactTotal?: boolean;
  sort: UserSort;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

// ICU collation so that Cyrillic and Latin names sort as people expect (app_user_sort_name_idx).
const NAME = 'u.family_name collate "und-x-icu" #, u.given_name collate "und-x-icu" #';
const ORDER: Record<UserSort, string> = {
  name: `${NAME}, u.id #`,
  createdAt: 'u.created_at #, u.id #',
  updatedAt: 'u.updated_at #, u.id #',
  status: `u.status #, ${NAME}, u.id #`,
};
// The same orders as expressions no index matches. With a search, matches of a name fragment
// cluster in name order, so walking the name index and filtering (the planner's favourite
// for a small LIMIT) reads most of the table; these force the trigram bitmap scan + top-N sort.
const SEARCH_NAME =
  '(u.family_name || \'\') collate "und-x-icu" #, (u.given_name || \'\') collate "und-x-icu" #';
const SEARCH_ORDER: Record<UserSort, string> = {
  name: `${SEARCH_NAME}, u.id #`,
  createdAt: "u.created_at + interval '0' #, u.id #",
  updatedAt: "u.updated_at + interval '0' #, u.id #",
  status: `(u.status || '') #, ${SEARCH_NAME}, u.id #`,
};

const COLUMNS = `u.id, u.username, u.core_account as "coreAccount", u.family_name as "familyName",
  u.given_name as "givenName",
  u.middle_name as "middleName", u.display_name as "displayName", u.email, u.phone, u.title,
  u.organization_id as "organizationId", u.status, u.status_changed_at as "statusChangedAt",
  u.status_changed_by_id as "statusChangedById", u.status_reason as "statusReason",
  u.login_method as "loginMethod", u.role, u.rank, u.added_by_id as "addedById",
  u.initiated_by as "initiatedBy", u.initiated_by_id as "initiatedById", u.source, u.external_id as "externalId",
  u.source_id as "sourceId", u.hr_source_id as "hrSourceId", u.employee_number as "employeeNumber",
  u.hire_date::text as "hireDate", u.termination_date::text as "terminationDate",
  u.last_login_at as "lastLoginAt", u.created_at as "createdAt", u.updated_at as "updatedAt",
  u.version, o.name as "organizationName", a.display_name as "addedByName",
  ${fullNameSql('a')} as "addedByFullName", s.display_name as "statusChangedByName",
  ${fullNameSql('s')} as "statusChangedByFullName", n.display_name as "initiatedByName",
  ${fullNameSql('n')} as "initiatedByFullName", i.status as "invitationStored",
  i.expires_at as "invitationExpiresAt"`;

/** The names of a person a row refers to, joined as `<prefix>Name` and `<prefix>FullName`. */
type RefNames<P extends string> = Record<`${P}Name` | `${P}FullName`, string | null>;

type Row = UserRecord &
  RefNames<'addedBy' | 'statusChangedBy' | 'initiatedBy'> & {
    organizationName: string | null;
    invitationStored: StoredInvitation | null;
    invitationExpiresAt: Date | null;
  };

/**
 * The filtered people query: the caller's read rules (a MikroORM filter from CASL, compiled by
 * the query builder) plus the search and filter conditions as parameterized SQL.
 */
function filtered(em: EntityManager, access: FilterQuery<User>, params: UserListParams) {
  const query = em
    .createQueryBuilder(User, 'u')
    .where(access as QBFilterQuery<User>)
    .getKnexQuery();
  for (const { sql, bindings } of searchConditions(params.q)) query.andWhereRaw(sql, bindings);
  if (params.organizationId) query.andWhereRaw('u.organization_id = ?', [params.organizationId]);
  if (params.status) query.andWhereRaw('u.status = ?', [params.status]);
  if (params.source) query.andWhereRaw('u.source = ?', [params.source]);
  if (params.addedBy) query.andWhereRaw('u.added_by_id = ?', [params.addedBy]);
  if (params.role === 'none') query.andWhereRaw('u.role is null');
  else if (params.role === 'any') query.andWhereRaw('u.role is not null');
  else if (params.role) query.andWhereRaw('u.role = ?', [params.role]);
  if (params.invitation) {
    const { sql, bindings } = invitationCondition(params.invitation, params.now ?? new Date());
    query.andWhereRaw(sql, bindings);
  }
  if (params.spaceId)
    query.andWhereRaw(
      'exists (select 1 from space_member m where m.space_id = ? and m.user_id = u.id)',
      [params.spaceId],
    );
  return query;
}

/**
 * A search's count stops after this many matches (issue 17, scope 3): a broad fragment («ива»)
 * matches a large share of a million people, and counting them all costs more than the page.
 * The answer then says "more than 200" (`totalIsEstimate`, as the audit log's list does).
 * Reading the matches is the search's whole cost at a million people (boundedSearch), so this is
 * its price: at 1,000,000 people the scan of the first 1,001 matches of a 4-letter fragment took
 * 3× the first 201 (p50 27 against 9 ms; benchmarks.md, issue 17).
 */
export const SEARCH_COUNT_CAP = 200;

/** A page of the people list and its count. */
export interface UserPage {
  data: UserView[];
  total: number;
  /** True when a search matched more than SEARCH_COUNT_CAP people: `total` is a lower bound. */
  totalIsEstimate: boolean;
}

/**
 * One page of people (with organization and people names joined in the same query) and the
 * total count. A search (`q`) without `exactTotal` takes the bounded path (see `boundedSearch`):
 * one statement reads at most SEARCH_COUNT_CAP + 1 matches and both counts and orders those.
 * Lists without `q`, and searches with `exactTotal`, count every match exactly.
 */
export async function queryUsers(
  em: EntityManager,
  access: FilterQuery<User>,
  params: UserListParams,
  precedence: Precedence,
): Promise<UserPage> {
  if (params.q && !params.exactTotal) return boundedSearch(em, access, params, precedence);
  const knex = em.getKnex();
  const order = (params.q ? SEARCH_ORDER : ORDER)[params.sort].replaceAll('#', params.order);
  // Limit first, join names after: a LIMIT right above the sort lets PostgreSQL keep a top-N
  // heap instead of sorting every match, and the joins then run for one page only.
  const matched = filtered(em, access, params)
    .clearSelect()
    .select('u.*')
    .orderByRaw(order)
    .limit(params.limit)
    .offset(params.offset);
  const rows = await em.execute<Row[]>(withNames(knex, matched, order));
  const [counted] = await em.execute<{ total: string | number }[]>(
    filtered(em, access, params).clearSelect().count({ total: '*' }),
  );
  return {
    data: present(rows, params, precedence),
    total: Number(counted?.total ?? 0),
    totalIsEstimate: false,
  };
}

/**
 * A search's page without reading every match (issue 17, scope 3). A broad fragment («ива»)
 * matches a large share of a million people; ordering them all by name means fetching every
 * matching row for a top-N sort, which costs far more than the page (benchmarks.md). So one
 * statement takes the first SEARCH_COUNT_CAP + 1 matches the planner finds (no order: a bitmap
 * or sequential scan that stops early), counts them, and orders the page within them:
 * - up to SEARCH_COUNT_CAP matches, that is every match: the count and the order are exact;
 * - beyond, the count says "more than SEARCH_COUNT_CAP" and the pages order those first
 *   matches, so paging ends after them (an offset past them gives an empty page); refining the
 *   search, or `exactTotal=true`, gives the exact order.
 */
async function boundedSearch(
  em: EntityManager,
  access: FilterQuery<User>,
  params: UserListParams,
  precedence: Precedence,
): Promise<UserPage> {
  const knex = em.getKnex();
  const order = ORDER[params.sort].replaceAll('#', params.order);
  const candidates = filtered(em, access, params)
    .clearSelect()
    .select('u.*')
    .limit(SEARCH_COUNT_CAP + 1);
  // The LIMIT keeps the candidates a subquery of their own (PostgreSQL does not pull a limited
  // subquery up), so the sort and the window count run over at most CAP + 1 rows.
  const matched = knex
    .select('u.*', knex.raw('count(*) over () as "matchCount"'))
    .from(candidates.as('u'))
    .orderByRaw(order)
    .limit(params.limit)
    .offset(params.offset);
  const rows = await em.execute<(Row & { matchCount: string | number })[]>(
    withNames(knex, matched, order, ', u."matchCount"'),
  );
  let matches = Number(rows[0]?.matchCount ?? 0);
  // A page past the last match has no row to carry the count: count apart (rare: a last page).
  if (rows.length === 0 && params.offset > 0) {
    const [counted] = await em.execute<{ total: string | number }[]>(
      knex.count({ total: '*' }).from(
        filtered(em, access, params)
          .clearSelect()
          .select(knex.raw('1'))
          .limit(SEARCH_COUNT_CAP + 1)
          .as('m'),
      ),
    );
    matches = Number(counted?.total ?? 0);
  }
  const totalIsEstimate = matches > SEARCH_COUNT_CAP;
  return {
    data: present(
      rows.map(({ matchCount: _, ...row }) => row),
      params,
      precedence,
    ),
    total: totalIsEstimate ? SEARCH_COUNT_CAP : matches,
    totalIsEstimate,
  };
}

/** The page's people with the names they refer to joined, for the page's rows only. */
function withNames(knex: Knex, page: Knex.QueryBuilder, order: string, extra = '') {
  return knex
    .select(knex.raw(`${COLUMNS}${extra}`))
    .from(page.as('u'))
    .leftJoin('organization as o', 'o.id', 'u.organization_id')
    .leftJoin('app_user as a', 'a.id', 'u.added_by_id')
    .leftJoin('app_user as s', 's.id', 'u.status_changed_by_id')
    .leftJoin('app_user as n', 'n.id', 'u.initiated_by_id')
    .leftJoin('invitation as i', 'i.user_id', 'u.id')
    .orderByRaw(order);
}

function present(rows: Row[], params: UserListParams, precedence: Precedence): UserView[] {
  const now = params.now ?? new Date();
  return rows.map(({ invitationStored, invitationExpiresAt, ...row }) => ({
    ...presentUser(row, refsOf(row), precedence),
    invitation: invitationStatusOf(invitationStored, invitationExpiresAt, now),
  }));
}

/**
 * The ids of every person the list's filters match (search, filters; paging and sort ignored),
 * within the caller's read rules: what a bulk action over "the filtered list" acts on.
 */
export async function matchingUserIds(
  em: EntityManager,
  access: FilterQuery<User>,
  params: Omit<UserListParams, 'sort' | 'order' | 'offset' | 'limit'>,
  limit: number,
): Promise<string[]> {
  const query = filtered(em, access, { ...params, sort: 'name', order: 'asc', offset: 0, limit })
    .clearSelect()
    .select('u.id')
    .orderByRaw(ORDER.name.replaceAll('#', 'asc'))
    .limit(limit);
  const rows = await em.execute<{ id: string }[]>(query);
  return rows.map((row) => row.id);
}

function refsOf(row: Omit<Row, 'invitationStored' | 'invitationExpiresAt'>): UserRefs {
  const refs: UserRefs = { organizations: new Map(), people: new Map() };
  if (row.organizationId) refs.organizations.set(row.organizationId, row.organizationName ?? '');
  const people: [string | null | undefined, 'addedBy' | 'statusChangedBy' | 'initiatedBy'][] = [
    [row.addedById, 'addedBy'],
    [row.statusChangedById, 'statusChangedBy'],
    [row.initiatedById, 'initiatedBy'],
  ];
  for (const [id, prefix] of people) {
    if (!id) continue;
    const displayName = row[`${prefix}Name`] ?? '';
    refs.people.set(id, { displayName, fullName: row[`${prefix}FullName`] ?? displayName });
  }
  return refs;
}

/** The people export's columns (issue 16), in order, as SQL producing text. */
export const EXPORT_COLUMNS = [
  ['id', 'u.id::text'],
  ['familyName', 'u.family_name'],
  ['givenName', 'u.given_name'],
  ['middleName', 'u.middle_name'],
  ['displayName', 'u.display_name'],
  ['username', 'u.username'],
  ['email', 'u.email'],
  ['phone', 'u.phone'],
  ['title', 'u.title'],
  ['organization', '(select o.name from organization o where o.id = u.organization_id)'],
  ['status', 'u.status'],
  ['role', 'u.role'],
  ['source', 'u.source'],
  ['employeeNumber', 'u.employee_number'],
  ['loginMethod', 'u.login_method'],
  ['createdAt', `to_char(u.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`],
  ['lastLoginAt', `to_char(u.last_login_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`],
] as const;

/**
 * The SQL (with `$n` bindings, for a cursor on the raw pool) of every person the list's filters
 * match within the caller's read rules, in name order, with the export's columns: what
 * "export the current list" streams.
 */
export function exportUsersSql(
  em: EntityManager,
  access: FilterQuery<User>,
  params: Omit<UserListParams, 'sort' | 'order' | 'offset' | 'limit'>,
): { sql: string; bindings: readonly unknown[] } {
  const query = filtered(em, access, { ...params, sort: 'name', order: 'asc', offset: 0, limit: 0 })
    .clearSelect()
    .select(em.getKnex().raw(EXPORT_COLUMNS.map(([, sql]) => sql).join(', ')))
    .orderByRaw(ORDER.name.replaceAll('#', 'asc'));
  const native = query.toSQL().toNative();
  return { sql: native.sql, bindings: native.bindings };
}
