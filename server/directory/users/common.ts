import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditAction } from '../../audit/actions.ts';
import { type Action, type AppAbility, authorize, type SubjectName } from '../../authz/index.ts';
import { conflict, notFound } from '../../shared/errors.ts';
import { User } from '../entities.ts';

/** How a person is named in audit events. */
export function labelOf(user: Pick<User, 'username' | 'displayName'>): string {
  return user.username ?? user.displayName;
}

/**
 * Refuses (audited as denied) a role that may not take `action` on any person at all. Runs
 * before the target is loaded, so such a role learns nothing about which ids exist.
 */
export function requireAnyRight(
  ability: AppAbility,
  action: Action,
  auditAction: AuditAction,
  targetId?: string,
  subject: SubjectName = 'User',
): void {
  authorize(ability, action, subject, { auditAction, targetType: 'user', targetId });
}

/** Loads a person by id, or answers 404 `not_found`. */
export async function loadUser(em: EntityManager, id: string): Promise<User> {
  const user = await em.findOne(User, { id });
  if (!user) throw notFound('User');
  return user;
}

// Any constant shared by every writer that can remove an active superadmin.
const LAST_SUPERADMIN_LOCK = 730_001;

/**
 * Refuses to deactivate or demote the last active superadmin. The transaction-level advisory
 * lock serializes every such change until commit, and the count runs after the lock is taken
 * (a fresh snapshot under READ COMMITTED), so two concurrent demotions cannot both pass.
 * Call it from any command that deactivates or demotes a person.
 */
export async function guardLastSuperadmin(em: EntityManager, target: User): Promise<void> {
  if (target.role !== 'superadmin' || target.status !== 'active') return;
  await em.execute('select pg_advisory_xact_lock(?)', [LAST_SUPERADMIN_LOCK]);
  const [row] = await em.execute<{ others: number }[]>(
    `select count(*)::int as others from app_user
      where role = 'superadmin' and status = 'active' and id <> ?`,
    [target.id],
  );
  if (!row || row.others === 0)
    throw conflict(
      'last_superadmin',
      'The last active superadmin cannot be deactivated or demoted',
    );
}

/** Picks `fields` of a person for an audit diff. */
export function pick<K extends keyof User>(
  user: User,
  fields: readonly K[],
): Partial<Pick<User, K>> {
  const out: Partial<Pick<User, K>> = {};
  for (const field of fields) out[field] = user[field];
  return out;
}
