import type { EntityManager } from '@mikro-orm/postgresql';
import { type ActorKind, actorKindOf } from '../../audit/actorKind.ts';
import type { UserStatus } from '../../directory/entities.ts';
import type { PlanNote } from '../../shared/errorCodes.ts';
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
  /** The acting person's current «Фамилия Имя Отчество»; null for a source or the service. */
  actorName: string | null;
  /** What acted when it was not a person (a source, SCIM, the service…). */
  actorKind: ActorKind;
  reason: string | null;
  /** The reason's phrases as registered notes (a source's plan item's), else null. */
  reasonNotes: PlanNote[] | null;
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
      actor_name: string | null;
      reason: string | null;
      reason_notes: PlanNote[] | null;
    }[]
  >(
    `select c.changed_at as at, c.from_status, c.to_status, c.door, c.source_id, c.actor_id,
            c.actor_label, c.reason, c.reason_notes,
            concat_ws(' ', a.family_name, a.given_name, nullif(a.middle_name, '')) as actor_name
       from user_status_change c left join app_user a on a.id = c.actor_id
      where c.user_id = ? order by c.changed_at desc, c.id desc limit ?`,
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
    actorName: row.actor_id ? row.actor_name : null,
    actorKind: actorKindOf(row.actor_id, row.actor_label),
    reason: row.reason,
    reasonNotes: row.reason_notes,
  }));
}
