import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditAction } from '../../audit/actions.ts';
import { type Action, type AppAbility, authorize, type SubjectName } from '../../authz/index.ts';
import { notFound, unprocessable } from '../../shared/errors.ts';
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

/** Picks `fields` of a person for an audit diff. */
export function pick<K extends keyof User>(
  user: User,
  fields: readonly K[],
): Partial<Pick<User, K>> {
  const out: Partial<Pick<User, K>> = {};
  for (const field of fields) out[field] = user[field];
  return out;
}

/**
 * Refuses an "initiated by" reference to nobody (422 `initiator_not_found` at the field), so a
 * card's provenance always links to a real person. Any status counts: the one who asked may
 * have left since.
 */
export async function requireInitiator(
  em: EntityManager,
  initiatedById: string | null | undefined,
): Promise<void> {
  if (!initiatedById) return;
  const [row] = await em.execute<{ id: string }[]>('select id from app_user where id = ?', [
    initiatedById,
  ]);
  if (!row)
    throw unprocessable('initiator_not_found', 'The person named as initiator does not exist', {
      errors: [
        {
          path: 'initiatedById',
          message: 'no such person in the directory',
          code: 'initiator_not_found',
        },
      ],
    });
}
