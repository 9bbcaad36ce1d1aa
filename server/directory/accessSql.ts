import type { EntityManager } from '@mikro-orm/postgresql';
import { type AppAbility, accessibleWhere } from '../authz/index.ts';
import { accessCondition } from '../authz/sql.ts';

/** Subjects with an entity of the same name, whose rows lists filter. */
export type ReadableSubject = 'User' | 'Space' | 'Organization';

/** A parameterized SQL condition (`?` placeholders), to splice into a hand-written statement. */
export interface SqlCondition {
  sql: string;
  bindings: unknown[];
}

/**
 * The caller's read rules on a subject as a SQL condition on `column` (the id of that subject in
 * the caller's statement), compiled by `accessCondition` (server/authz/sql.ts), so hand-written,
 * set-based statements filter with exactly the rules a single read checks. `null` when no row is
 * readable at all, so a view can refuse instead of answering an empty page.
 */
export function readableSql(
  em: EntityManager,
  ability: AppAbility,
  subject: ReadableSubject,
  column: string,
): SqlCondition | null {
  if (accessibleWhere<object>(ability, 'read', subject) === null) return null;
  const { sql, params } = accessCondition<object>(em, ability, 'read', subject, subject, column);
  return { sql, bindings: params };
}
