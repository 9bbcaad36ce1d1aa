import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../../directory/entities.ts';
import { AppError, badRequest } from '../../shared/errors.ts';
import { hashToken } from '../../shared/tokens.ts';
import type { InvitationRow } from './state.ts';

/** 400: a token that matches no invitation (mistyped, or replaced by a newer link). */
export const unknownInvitation = () =>
  badRequest('invitation_invalid', 'This invitation link is not valid; ask for a new one');

/**
 * Why a known token no longer works (410: it existed and is gone for good). The codes are stable:
 * the registration page words each one for the person.
 */
export function invitationGone(
  row: InvitationRow,
  person: Pick<User, 'status'> | null,
  now: Date,
): AppError | null {
  if (row.status === 'registered')
    return new AppError(410, 'invitation_used', 'This invitation was already used to register');
  if (row.status === 'revoked')
    return new AppError(410, 'invitation_revoked', 'This invitation was withdrawn');
  if (row.status !== 'invited' || !row.expires_at)
    return new AppError(410, 'invitation_revoked', 'This invitation is not active');
  if (new Date(row.expires_at) <= now)
    return new AppError(410, 'invitation_expired', 'This invitation has expired');
  if (!person || person.status === 'deactivated' || person.status === 'suspended')
    return new AppError(410, 'invitation_not_applicable', 'This account cannot be registered');
  return null;
}

/** Finds the invitation of a token and its person; `lock` takes the row for the transaction. */
export async function findByToken(
  em: EntityManager,
  token: string,
  lock: boolean,
): Promise<{ row: InvitationRow; person: User | null } | null> {
  const [row] = await em.execute<InvitationRow[]>(
    `select * from invitation where token_hash = ?${lock ? ' for update' : ''}`,
    [hashToken(token)],
  );
  if (!row) return null;
  return { row, person: await em.findOne(User, { id: row.user_id }) };
}
