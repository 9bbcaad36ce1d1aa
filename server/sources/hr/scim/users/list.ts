import type { ScimRequest } from '../context.ts';
import { filtered, scimBad } from '../errors.ts';
import { type FilterColumn, filterToSql } from '../filterSql.ts';
import type { ListParams } from '../params.ts';
import { project } from '../projection.ts';
import { ENTERPRISE_SCHEMA, HR_SCHEMA, LIST_SCHEMA } from '../urns.ts';
import {
  SCIM_ID,
  SCIM_VISIBLE,
  USER_NAME_FOLDED,
  USER_SELECT,
  type UserRow,
  userResource,
} from './resource.ts';

/** Up to this many matches, a page is sorted from the matches rather than from an index walk. */
const SMALL_MATCH = 5_000;

const ent = (name: string) => `${ENTERPRISE_SCHEMA}:${name}`.toLowerCase();
const hr = (name: string) => `${HR_SCHEMA}:${name}`.toLowerCase();
const folded = (expr: string): FilterColumn => ({ type: 'string', expr, fold: true });
const exact = (expr: string): FilterColumn => ({ type: 'string', expr, fold: false });
/** Case-insensitive, and held in search_text, whose trigram index narrows substring filters. */
const searched = (expr: string): FilterColumn => ({
  type: 'string',
  expr,
  fold: true,
  searchable: 'u.search_text',
});

/**
 * The filterable User attributes (lower-case paths). Case-insensitive ones compare lower-cased
 * expressions that the ScimIndexes migration indexes; userName compares USER_NAME_FOLDED, and
 * its substring filters use search_text (which holds the login) or the trigram index of the
 * stored userName (ScimResources migration).
 */
export const USER_COLUMNS: ReadonlyMap<string, FilterColumn> = new Map<string, FilterColumn>([
  ['id', { type: 'uuid', expr: SCIM_ID }],
  ['externalid', exact('u.scim_external_id')],
  [
    'username',
    {
      type: 'userName',
      expr: USER_NAME_FOLDED,
      legacy: {
        when: 'u.scim_user_name is null',
        login: 'u.username',
        email: 'lower(u.email)',
        searchable: 'u.search_text',
      },
      stored: { when: 'u.scim_user_name is not null', expr: 'lower(u.scim_user_name)' },
    },
  ],
  ['displayname', searched('lower(u.display_name)')],
  ['name.familyname', searched('lower(u.family_name)')],
  ['name.givenname', searched('lower(u.given_name)')],
  ['name.middlename', searched('lower(u.middle_name)')],
  ['title', folded('lower(u.title)')],
  ['active', { type: 'boolean', when: "u.status = 'active'" }],
  ['emails', searched('lower(u.email)')],
  ['emails.value', searched('lower(u.email)')],
  ['emails.type', { type: 'constant', value: 'work' }],
  ['phonenumbers', exact('u.phone')],
  ['phonenumbers.value', exact('u.phone')],
  ['phonenumbers.type', { type: 'constant', value: 'work' }],
  ['meta.created', { type: 'datetime', expr: 'u.created_at' }],
  ['meta.lastmodified', { type: 'datetime', expr: 'u.updated_at' }],
  [ent('employeeNumber'), exact('u.employee_number')],
  [ent('department'), folded('lower(o.name)')],
  [ent('organization'), folded('lower(o.name)')],
  [hr('hireDate'), { type: 'date', expr: 'u.hire_date' }],
  [hr('terminationDate'), { type: 'date', expr: 'u.termination_date' }],
]);

/** sortBy → the terms of ORDER BY (ties broken by id, so pages are stable). */
const USER_SORT = new Map<string, string[]>([
  ['id', [SCIM_ID]],
  ['username', [USER_NAME_FOLDED]],
  ['name.familyname', ['u.family_name collate "und-x-icu"', 'u.given_name collate "und-x-icu"']],
  ['name.givenname', ['u.given_name collate "und-x-icu"']],
  ['displayname', ['u.display_name collate "und-x-icu"']],
  ['emails.value', ['lower(u.email)']],
  ['emails', ['lower(u.email)']],
  ['externalid', ['u.scim_external_id']],
  ['title', ['u.title']],
  ['meta.created', ['u.created_at']],
  ['meta.lastmodified', ['u.updated_at']],
  [ent('employeeNumber'), ['u.employee_number']],
]);

/** The ORDER BY of a sortBy over `sorts` (400 invalidValue for an attribute we cannot sort by). */
export function orderBy(
  sorts: ReadonlyMap<string, readonly string[]>,
  params: ListParams,
  fallback: string,
  id: string,
): string {
  const direction = params.descending ? 'desc' : 'asc';
  if (!params.sortBy) return `${fallback} ${direction}, ${id} ${direction}`;
  const sort = sorts.get(params.sortBy.toLowerCase());
  if (!sort) throw scimBad('invalidValue', `Cannot sort by ${params.sortBy}`);
  const terms = sort.map((term) => `${term} ${direction} nulls last`);
  return `${terms.join(', ')}, ${id} ${direction}`;
}

/** GET /Users and POST /Users/.search: filtered, sorted, paged, projected, in two queries. */
export async function listUsers(
  request: ScimRequest,
  params: ListParams,
): Promise<Record<string, unknown>> {
  // People a SCIM client deleted are omitted (RFC 7644 §3.6).
  const filter = params.filter ? filterToSql(params.filter, USER_COLUMNS) : null;
  const where = {
    sql: filter ? `${SCIM_VISIBLE} and (${filter.sql})` : SCIM_VISIBLE,
    params: filter?.params ?? [],
  };
  const from = 'from app_user u left join organization o on o.id = u.organization_id';
  const { pool } = request.services;
  const counted = await filtered(() =>
    pool.query<{ total: number }>(
      `select count(*)::int as total ${from} where ${where.sql}`,
      where.params,
    ),
  );
  const total = counted.rows[0]?.total ?? 0;
  let rows: UserRow[] = [];
  if (params.count > 0 && params.startIndex <= total) {
    const order = orderBy(USER_SORT, params, 'u.created_at', 'u.id');
    const n = where.params.length;
    // Few matches: find them through the filter's indexes first, then sort just those (the
    // planner would otherwise walk the sort index and test every row). Many: walk the index.
    const matched =
      params.filter && total <= SMALL_MATCH
        ? `with m as materialized (select u.id from app_user u
             left join organization o on o.id = u.organization_id where ${where.sql})
           ${USER_SELECT} join m on m.id = u.id`
        : `${USER_SELECT} where ${where.sql}`;
    ({ rows } = await pool.query<UserRow>(
      `${matched} order by ${order} limit $${n + 1} offset $${n + 2}`,
      [...where.params, params.count, params.startIndex - 1],
    ));
  }
  return {
    schemas: [LIST_SCHEMA],
    totalResults: total,
    startIndex: params.startIndex,
    itemsPerPage: rows.length,
    Resources: rows.map((row) =>
      project(userResource(row, request.origin), params.attributes, params.excludedAttributes),
    ),
  };
}
