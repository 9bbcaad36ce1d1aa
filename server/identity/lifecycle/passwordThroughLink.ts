import type { EntityManager } from '@mikro-orm/postgresql';
import type { CommandContext } from '../../commands/runCommand.ts';
import type { User } from '../../directory/entities.ts';
import type { ArtefactCounts } from '../sessions/revokeArtefacts.ts';
import { changeCredentials, countsOf } from './changeCredentials.ts';
import { changeStatus } from './changeStatus.ts';

/** The single-use link a person set their password through. */
export interface PasswordLink {
  /** Who issued the link: the activation is credited to them (issuing and activating need the same rank). */
  issuedById: string | null;
  /** Why earlier credentials end, as the revocation records it. */
  revokeReason: string;
  /** Why a pending person becomes active, as the status history records it. */
  activateReason: string;
}

/**
 * Whether a pending person has a live scheduled activation after `now` (a new hire whose first
 * day is still ahead): setting their credentials leaves them pending, and the scheduled change
 * activates them on that day.
 */
export async function startsLaterThan(
  em: EntityManager,
  userId: string,
  now: Date,
): Promise<boolean> {
  const rows = await em.execute<{ id: string }[]>(
    `select id from scheduled_change where user_id = ? and kind = 'activate'
        and cancelled_at is null and fired_at is null and effective_at > ?`,
    [userId, now],
  );
  return rows.length > 0;
}

/**
 * Sets the password a person chose through a single-use link (an enrollment link or an
 * invitation), in the command's transaction. As with every credential change, whatever proved
 * earlier credentials ends on every device and the core is told (`changeCredentials`). A pending
 * person becomes active (door `enrollment`): someone allowed to act on them issued the link, and
 * a person who has just chosen a password is evidently ready to use the account. A new hire whose
 * first day is still ahead stays pending; the scheduled change activates them on that day.
 * Returns what ended, for the caller's audit event.
 */
export async function setPasswordThroughLink(
  ctx: CommandContext,
  user: User,
  passwordHash: string,
  now: Date,
  link: PasswordLink,
): Promise<ArtefactCounts> {
  const { em } = ctx;
  user.passwordHash = passwordHash;
  user.passwordChangedAt = now;
  const startsLater = user.status === 'pending' && (await startsLaterThan(em, user.id, now));
  await em.flush();
  const revoked = await changeCredentials(ctx, [user], 'password_set', link.revokeReason);
  if (user.status === 'pending' && !startsLater) {
    await changeStatus(ctx, 'activate', [{ id: user.id, byId: link.issuedById }], {
      door: 'enrollment',
      reason: link.activateReason,
      sourceId: null,
      from: ['pending'],
    });
    await em.refresh(user);
  }
  return countsOf(revoked, user.id);
}
