import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import type { invitationView } from './schemas.ts';
import { type InvitationRow, readInvitationRow, statusOf } from './state.ts';

/** The state of a person's invitation as the API shows it (never the token). */
export type InvitationView = z.infer<typeof invitationView>;

const iso = (value: Date | null | undefined) => (value ? new Date(value).toISOString() : null);

/** Presents a person's invitation row at `now` (no row: never invited). */
export function presentInvitation(
  userId: string,
  row: InvitationRow | null,
  now: Date,
): InvitationView {
  return {
    userId,
    status: statusOf(row, now),
    locale: row?.locale ?? null,
    firstSentAt: iso(row?.first_sent_at),
    lastSentAt: iso(row?.last_sent_at),
    sentCount: row?.sent_count ?? 0,
    firstInvitedById: row?.first_invited_by_id ?? null,
    lastInvitedById: row?.last_invited_by_id ?? null,
    expiresAt: iso(row?.expires_at),
    remindedAt: iso(row?.reminded_at),
    heldUntil: iso(row?.held_until),
    registeredAt: iso(row?.registered_at),
    revokedAt: iso(row?.revoked_at),
  };
}

/** Reads and presents a person's invitation in the caller's transaction. */
export async function readInvitation(
  em: EntityManager,
  userId: string,
  now: Date,
): Promise<InvitationView> {
  return presentInvitation(userId, await readInvitationRow(em, userId), now);
}
