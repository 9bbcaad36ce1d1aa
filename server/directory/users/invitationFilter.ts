/*
 * The people list's `invitation` filter. The invitation table belongs to identity/invitations;
 * the directory only reads it here, so the list, its count and the dashboard agree.
 */

/** The people list's invitation filters. */
export const INVITATION_FILTERS = [
  'invited_not_registered',
  'not_invited',
  'registered',
  'expired',
] as const;
export type InvitationFilter = (typeof INVITATION_FILTERS)[number];

/**
 * The SQL condition of a filter on `app_user u`, with its bindings (`now`: the service's clock,
 * so an invitation's expiry reads the same as everywhere else). A revoked invitation counts as
 * not invited; a held one as invited (it waits for approval, not for the person).
 */
export function invitationCondition(
  filter: InvitationFilter,
  now: Date,
): { sql: string; bindings: Date[] } {
  const open = 'select 1 from invitation i where i.user_id = u.id';
  switch (filter) {
    case 'not_invited':
      return { sql: `not exists (${open} and i.status <> 'revoked')`, bindings: [] };
    case 'registered':
      return { sql: `exists (${open} and i.status = 'registered')`, bindings: [] };
    case 'expired':
      return {
        sql: `exists (${open} and i.status = 'invited' and i.expires_at <= ?)`,
        bindings: [now],
      };
    case 'invited_not_registered':
      return {
        sql: `exists (${open} and (i.status = 'held' or (i.status = 'invited' and i.expires_at > ?)))`,
        bindings: [now],
      };
  }
}

/** The stored state of an invitation (`expired` is derived: an invited row past its expiry). */
export type StoredInvitation = 'invited' | 'held' | 'registered' | 'revoked';

/** Where a person's invitation stands, as the console shows it. */
export const INVITATION_STATUSES = [
  'not_invited',
  'invited',
  'held',
  'expired',
  'registered',
  'revoked',
] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/** The invitation status at `now` of a stored state (null: never invited). */
export function invitationStatusOf(
  stored: StoredInvitation | null,
  expiresAt: Date | string | null,
  now: Date,
): InvitationStatus {
  if (!stored) return 'not_invited';
  if (stored === 'invited' && expiresAt && new Date(expiresAt) <= now) return 'expired';
  return stored;
}
