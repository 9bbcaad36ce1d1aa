import type { EntityName } from '@mikro-orm/core';
import type { EntityManager, QBFilterQuery } from '@mikro-orm/postgresql';
import { type Action, type AppAbility, accessibleWhere, type SubjectName } from './index.ts';

/** A parameterized SQL condition for a raw-SQL list (`?` placeholders, as `em.execute` takes). */
export interface SqlCondition {
  sql: string;
  params: unknown[];
}

/**
 * The rules of `ability` for `action` on `subjectType` as a condition on a raw-SQL list's id
 * column (`<idColumn> in (select id ... where <the rules>)`), so lists written in SQL filter with
 * the same CASL rules as single reads (issue 18: a scoped role lists only its subtrees). An
 * unconditional right gives `true` (no subquery at all); no right at all gives `false`.
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
  if (access === null) return { sql: 'false', params: [] };
  if (Object.keys(access).length === 0) return { sql: 'true', params: [] };
  const { sql, bindings } = em
    .createQueryBuilder(entity, 'r')
    .select('r.id')
    .where(access as QBFilterQuery<T>)
    .getKnexQuery()
    .toSQL();
  return { sql: `${idColumn} in (${sql})`, params: [...bindings] };
}
