import type { EntityManager } from '@mikro-orm/postgresql';
import { conflict } from '../../shared/errors.ts';

// The one switch every writer that can remove an active superadmin takes (deactivate, suspend,
// demote), whatever its door.
const LAST_SUPERADMIN_LOCK = 730_001;

/**
 * Of the people about to lose superadmin access (`leaving`: deactivated, suspended or demoted),
 * the ones that must stay: all of the active superadmins among them when no other active
 * superadmin would remain. The transaction-level advisory lock serializes every such change until
 * commit, and the count runs after the lock is taken (a fresh snapshot under READ COMMITTED), so
 * two concurrent changes cannot both pass. The lock is only taken when a superadmin is involved.
 */
export async function lastSuperadmins(
  em: EntityManager,
  leaving: readonly { id: string; role?: string | null; status: string }[],
): Promise<Set<string>> {
  const admins = leaving.filter((row) => row.role === 'superadmin' && row.status === 'active');
  if (admins.length === 0) return new Set();
  await em.execute('select pg_advisory_xact_lock(?)', [LAST_SUPERADMIN_LOCK]);
  const [row] = await em.execute<{ n: number }[]>(
    `select count(*)::int as n from app_user where role = 'superadmin' and status = 'active'
        and id not in (select value::uuid from jsonb_array_elements_text(?::jsonb))`,
    [JSON.stringify(admins.map((admin) => admin.id))],
  );
  return (row?.n ?? 0) > 0 ? new Set() : new Set(admins.map((admin) => admin.id));
}

/**
 * Takes the guard's lock before any person is locked, when a superadmin is among `ids`: a demotion
 * takes the lock and then the person's row, so a deactivation must not hold the row while it
 * waits for the lock. (Taking it again later in the transaction is free.)
 */
export async function lockBeforeSuperadmins(
  em: EntityManager,
  ids: readonly string[],
): Promise<void> {
  const [row] = await em.execute<{ found: boolean }[]>(
    `select exists (select 1 from app_user where role = 'superadmin'
        and id in (select value::uuid from jsonb_array_elements_text(?::jsonb))) as found`,
    [JSON.stringify(ids)],
  );
  if (row?.found) await em.execute('select pg_advisory_xact_lock(?)', [LAST_SUPERADMIN_LOCK]);
}

/** 409 `last_superadmin`. */
export const lastSuperadminConflict = () =>
  conflict(
    'last_superadmin',
    'The last active superadmin cannot be deactivated, suspended or demoted',
  );

/** Refuses (409 `last_superadmin`) to remove one person if they are the last active superadmin. */
export async function guardLastSuperadmin(
  em: EntityManager,
  person: { id: string; role?: string | null; status: string },
): Promise<void> {
  if ((await lastSuperadmins(em, [person])).size > 0) throw lastSuperadminConflict();
}
