import type { EntityManager, QBFilterQuery } from '@mikro-orm/postgresql';
import { type AppAbility, accessibleWhere } from '../authz/index.ts';

/** Subjects with an entity of the same name, whose rows lists filter. */
export type ReadableSubject = 'User' | 'Space' | 'Organization';

/** A parameterized SQL condition (`?` placeholders), to splice into a hand-written statement. */
export interface SqlCondition {
  sql: string;
  bindings: unknown[];
}

/**
 * The caller's read rules on a subject as a SQL condition on `column` (the id of that subject in
 * the caller's statement): `accessibleWhere` compiled by MikroORM's query builder into an id
 * subquery, so hand-written, set-based statements filter with exactly the rules a single read
 * checks (a scoped admin's organization subtrees). `true` when every row is readable (no
 * subquery at all), `null` when none is.
 */
export function readableSql(
  em: EntityManager,
  ability: AppAbility,
  subject: ReadableSubject,
  column: string,
): SqlCondition | null {
  const access = accessibleWhere<object>(ability, 'read', subject);
  if (access === null) return null;
  if (Object.keys(access).length === 0) return { sql: 'true', bindings: [] };
  const query = em
    // By entity name: the query builder maps the rules' properties to that entity's columns.
    .createQueryBuilder<object, 'readable'>(subject, 'readable')
    .select('id')
    .where(access as QBFilterQuery<object>)
    .getKnexQuery()
    .toSQL();
  return { sql: `${column} in (${query.sql})`, bindings: [...query.bindings] };
}
