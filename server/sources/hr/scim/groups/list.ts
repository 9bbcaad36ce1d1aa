import type pg from 'pg';
import { isUuid, type ScimRequest } from '../context.ts';
import { filtered, scimNotFound } from '../errors.ts';
import { type FilterColumn, filterToSql } from '../filterSql.ts';
import type { ListParams } from '../params.ts';
import { project } from '../projection.ts';
import { LIST_SCHEMA } from '../urns.ts';
import { orderBy } from '../users/list.ts';
import { SCIM_ID, SCIM_VISIBLE } from '../users/resource.ts';
import {
  GROUP_SELECT,
  type GroupRow,
  groupResource,
  MEMBERS_SELECT,
  type MemberRow,
} from './resource.ts';

/** `members eq "<SCIM id>"`: the person is resolved once, then their memberships are looked up. */
const memberOf = (param: string) =>
  `exists (select 1 from space_member m where m.space_id = s.id and m.user_id =
     (select u.id from app_user u where ${SCIM_ID} = ${param} and ${SCIM_VISIBLE}))`;

/** The filterable Group attributes. */
export const GROUP_COLUMNS: ReadonlyMap<string, FilterColumn> = new Map<string, FilterColumn>([
  ['id', { type: 'uuid', expr: 's.id' }],
  ['externalid', { type: 'string', expr: 's.external_id', fold: false }],
  ['displayname', { type: 'string', expr: 'lower(s.name)', fold: true }],
  ['members', { type: 'exists', sql: memberOf }],
  ['members.value', { type: 'exists', sql: memberOf }],
  ['meta.created', { type: 'datetime', expr: 's.created_at' }],
  ['meta.lastmodified', { type: 'datetime', expr: 's.updated_at' }],
]);

const GROUP_SORT = new Map<string, string[]>([
  ['id', ['s.id']],
  ['displayname', ['lower(s.name)']],
  ['externalid', ['s.external_id']],
  ['meta.created', ['s.created_at']],
  ['meta.lastmodified', ['s.updated_at']],
]);

/** Whether members are to be returned under these attribute parameters. */
export function wantsMembers(
  params: Pick<ListParams, 'attributes' | 'excludedAttributes'>,
): boolean {
  const named = (list: string[]) => list.some((a) => a.toLowerCase().split('.')[0] === 'members');
  if (params.attributes.length > 0) return named(params.attributes);
  return !named(params.excludedAttributes);
}

async function withMembers(
  pool: pg.Pool,
  rows: GroupRow[],
  include: boolean,
): Promise<Map<string, MemberRow[]> | null> {
  if (!include || rows.length === 0) return include ? new Map() : null;
  const { rows: members } = await pool.query<MemberRow>(MEMBERS_SELECT, [rows.map((r) => r.id)]);
  const bySpace = new Map<string, MemberRow[]>();
  for (const member of members) {
    const list = bySpace.get(member.space_id) ?? [];
    list.push(member);
    bySpace.set(member.space_id, list);
  }
  return bySpace;
}

/** GET /Groups/:id. */
export async function getGroup(
  request: ScimRequest,
  id: string,
  params: Pick<ListParams, 'attributes' | 'excludedAttributes'> = {
    attributes: [],
    excludedAttributes: [],
  },
): Promise<Record<string, unknown>> {
  if (!isUuid(id)) throw scimNotFound(`Group ${id} not found`);
  const { rows } = await request.services.pool.query<GroupRow>(`${GROUP_SELECT} where s.id = $1`, [
    id,
  ]);
  const row = rows[0];
  if (!row) throw scimNotFound(`Group ${id} not found`);
  const members = await withMembers(request.services.pool, rows, wantsMembers(params));
  return project(
    groupResource(row, members ? (members.get(row.id) ?? []) : null, request.origin),
    params.attributes,
    params.excludedAttributes,
  );
}

/** GET /Groups and POST /Groups/.search. */
export async function listGroups(
  request: ScimRequest,
  params: ListParams,
): Promise<Record<string, unknown>> {
  const where = params.filter
    ? filterToSql(params.filter, GROUP_COLUMNS)
    : { sql: 'true', params: [] };
  const { pool } = request.services;
  const counted = await filtered(() =>
    pool.query<{ total: number }>(
      `select count(*)::int as total from space s where ${where.sql}`,
      where.params,
    ),
  );
  const total = counted.rows[0]?.total ?? 0;
  let rows: GroupRow[] = [];
  if (params.count > 0 && params.startIndex <= total) {
    const n = where.params.length;
    ({ rows } = await pool.query<GroupRow>(
      `${GROUP_SELECT} where ${where.sql} order by ${orderBy(GROUP_SORT, params, 's.created_at', 's.id')}
        limit $${n + 1} offset $${n + 2}`,
      [...where.params, params.count, params.startIndex - 1],
    ));
  }
  const members = await withMembers(pool, rows, wantsMembers(params));
  return {
    schemas: [LIST_SCHEMA],
    totalResults: total,
    startIndex: params.startIndex,
    itemsPerPage: rows.length,
    Resources: rows.map((row) =>
      project(
        groupResource(row, members ? (members.get(row.id) ?? []) : null, request.origin),
        params.attributes,
        params.excludedAttributes,
      ),
    ),
  };
}
