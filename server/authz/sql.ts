import type { EntityName } from '@mikro-orm/core';
import type { EntityManager, QBFilterQuery } from '@mikro-orm/postgresql';
import { type Action, type AppAbility, accessibleWhere, type SubjectName } from './index.ts';

/**
 * A parameterized piece of SQL (`?` placeholders, as `em.execute` takes): the rules as a condition
 * on a raw-SQL list, or a whole statement built around one.
 */
export interface SqlCondition {
  sql: string;
  params: unknown[];
}

/** The condition no row meets: what `accessCondition` gives when the caller has no right at all. */
export const NO_ROWS: SqlCondition = Object.freeze({ sql: 'false', params: [] });

/**
 * Whether `condition` (from `accessCondition`) admits no row at all, so a view can refuse or
 * answer an empty page without running its statement.
 */
export function matchesNothing(condition: SqlCondition): boolean {
  return condition.sql === NO_ROWS.sql;
}

/**
 * The rules of `ability` for `action` on `subjectType` as a condition on a raw-SQL list's id
 * column (`<idColumn> in (select id ... where <the rules>)`), so lists written in SQL filter with
 * the same CASL rules as single reads (issue 18: a scoped role lists only its subtrees). An
 * unconditional right gives `true` (no subquery at all); no right at all gives `NO_ROWS`.
 */
export function accessCondition<T extends object>(
  em: EntityManager,
  ability: AppAbility,
  action: Action,
  subjectType: SubjectName,
  entity: EntityName<T>,
  idColumn: string,
): SqlCondition {
  const access = accessibleWhere<T>(ability, action, subjectType);
  if (access === null) return NO_ROWS;
  if (Object.keys(access).length === 0) return { sql: 'true', params: [] };
  const { sql, bindings } = em
    .createQueryBuilder(entity, 'r')
    .select('r.id')
    .where(access as QBFilterQuery<T>)
    .getKnexQuery()
    .toSQL();
  return { sql: `${idColumn} in (${sql})`, params: [...bindings] };
}
