import type { EntityManager } from '@mikro-orm/postgresql';
import {
  type InvitationStatus,
  invitationStatusOf,
  type StoredInvitation,
} from '../../directory/users/invitationFilter.ts';

export type { InvitationStatus };

/** The languages an invitation is written in. */
export type InvitationLocale = 'ru' | 'en';

/** One person's invitation row, as read under lock by the commands. */
export interface InvitationRow {
  user_id: string;
  status: StoredInvitation;
  token_hash: Buffer | null;
  locale: InvitationLocale;
  expires_at: Date | null;
  first_sent_at: Date | null;
  last_sent_at: Date | null;
  sent_count: number;
  first_invited_by_id: string | null;
  last_invited_by_id: string | null;
  reminded_at: Date | null;
  held_until: Date | null;
  held_change_by_id: string | null;
  registered_at: Date | null;
  revoked_at: Date | null;
  revoked_by_id: string | null;
  pending_totp_secret: string | null;
}

/** The invitation's status at `now` (no row: never invited). */
export function statusOf(row: InvitationRow | null, now: Date): InvitationStatus {
  return invitationStatusOf(row?.status ?? null, row?.expires_at ?? null, now);
}

/** Reads a person's invitation row; `lock` takes it for the rest of the transaction. */
export async function readInvitationRow(
  em: EntityManager,
  userId: string,
  lock = false,
): Promise<InvitationRow | null> {
  const [row] = await em.execute<InvitationRow[]>(
    `select * from invitation where user_id = ?${lock ? ' for update' : ''}`,
    [userId],
  );
  return row ?? null;
}
