import type { EntityManager } from '@mikro-orm/postgresql';
import type { User } from '../../../../directory/entities.ts';
import { revokeBackofficeSessions } from '../../../../identity/backofficeSession.ts';
import { revokeDeviceSessions } from '../../../../identity/sessions/revokeDeviceSessions.ts';
import { SCIM_SOURCE_ID } from '../../source.ts';

/**
 * Deactivates a person as a manual deactivation does (back-office and device sessions revoked in
 * the same transaction), marking SCIM as the source of the status so that a directory sync does
 * not undo it. Returns how many sessions were revoked.
 */
export async function deactivate(
  em: EntityManager,
  user: User,
  now: Date,
  reason: string,
): Promise<number> {
  user.status = 'deactivated';
  user.statusChangedAt = now;
  user.statusChangedById = null;
  user.statusReason = reason;
  const backoffice = await revokeBackofficeSessions(em, user.id, now);
  const devices = await revokeDeviceSessions(em, user.id, now, reason, null);
  return backoffice + devices;
}

/** Activates a person (pending or deactivated). */
export function activate(user: User, now: Date, reason: string): void {
  user.status = 'active';
  user.statusChangedAt = now;
  user.statusChangedById = null;
  user.statusReason = reason;
}

/** Records SCIM as the source of the person's current status (after the flush). */
export async function markStatusSource(em: EntityManager, id: string): Promise<void> {
  await em.execute(
    'update app_user set status_source = ?, status_source_at = status_changed_at where id = ?',
    [SCIM_SOURCE_ID, id],
  );
}

/** Whether the last working day `date` has ended (end of that day in `timeZone`) at `now`. */
export async function dayEnded(
  em: EntityManager,
  date: string,
  timeZone: string,
  now: Date,
): Promise<boolean> {
  const [row] = await em.execute<{ ended: boolean }[]>(
    'select ((?::date + 1)::timestamp at time zone ?) <= ?::timestamptz as ended',
    [date, timeZone, now.toISOString()],
  );
  return row?.ended === true;
}

/** Whether the first working day `date` is still ahead (its start in `timeZone`) at `now`. */
export async function dayAhead(
  em: EntityManager,
  date: string,
  timeZone: string,
  now: Date,
): Promise<boolean> {
  const [row] = await em.execute<{ ahead: boolean }[]>(
    'select (?::date::timestamp at time zone ?) > ?::timestamptz as ahead',
    [date, timeZone, now.toISOString()],
  );
  return row?.ahead === true;
}
