import { UniqueConstraintViolationException } from '@mikro-orm/core';

/**
 * Whether `error` is PostgreSQL's unique violation (SQLSTATE 23505), as MikroORM wraps it or as
 * pg throws it for raw statements.
 */
export function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof UniqueConstraintViolationException ||
    (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505')
  );
}
