import type { EntityManager } from '@mikro-orm/postgresql';
import type { UserStatus } from '../../directory/entities.ts';
import type { Door } from './doors.ts';

/** One status change of a person, as the card shows it. */
export interface StatusHistoryEntry {
  at: string;
  from: UserStatus;
  to: UserStatus;
  door: Door;
  sourceId: string | null;
  actorId: string | null;
  actorLabel: string;
  reason: string | null;
}

/** How many entries one read returns at most (newest first). */
export const STATUS_HISTORY_LIMIT = 200;

/** A person's status changes, newest first (the caller has authorized reading the person). */
export async function readStatusHistory(
  em: EntityManager,
  userId: string,
): Promise<StatusHistoryEntry[]> {
  const rows = await em.execute<
    {
      at: Date;
      from_status: UserStatus;
      to_status: UserStatus;
      door: Door;
      source_id: string | null;
      actor_id: string | null;
      actor_label: string;
      reason: string | null;
    }[]
  >(
    `select changed_at as at, from_status, to_status, door, source_id, actor_id, actor_label, reason
       from user_status_change where user_id = ? order by changed_at desc, id desc limit ?`,
    [userId, STATUS_HISTORY_LIMIT],
  );
  return rows.map((row) => ({
    at: new Date(row.at).toISOString(),
    from: row.from_status,
    to: row.to_status,
    door: row.door,
    sourceId: row.source_id,
    actorId: row.actor_id,
    actorLabel: row.actor_label,
    reason: row.reason,
  }));
}
