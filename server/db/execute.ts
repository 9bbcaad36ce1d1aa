import type { EntityManager } from '@mikro-orm/postgresql';

/** A value PostgreSQL receives as a bound parameter. */
export type BoundValue = string | number | boolean | Date | null;

/**
 * `em.execute(sql, params)` with the parameters sent as bind values instead of inlined: MikroORM 6
 * escapes each parameter into the SQL text, which for a JSON array of thousands of ids or events
 * (a sync's apply batch) allocated hundreds of MiB per 10,000 people (pg's escapeLiteral builds
 * the quoted copy a character at a time). Same `?` placeholders; runs in the entity manager's
 * transaction if it has one; returns the rows.
 */
export async function executeBound<T extends object>(
  em: EntityManager,
  sql: string,
  params: readonly BoundValue[],
): Promise<T[]> {
  const query = em.getKnex().raw(sql, [...params]);
  const transaction = em.getTransactionContext();
  const result: { rows?: T[] } = await (transaction ? query.transacting(transaction) : query);
  return result.rows ?? [];
}
