import type { EntityManager } from '@mikro-orm/postgresql';
import type { CommandContext } from '../../commands/runCommand.ts';
import { publicBaseUrl } from '../../config.ts';
import type { User } from '../../directory/entities.ts';
import { enqueueMail } from '../../mail/enqueue.ts';
import { hashToken, newToken } from '../../shared/tokens.ts';
import { recentHandAddressChange } from '../addressHold.ts';
import { hasEverHadCredentials } from '../credentialFacts.ts';
import { type InvitationLocale, type InvitationRow, statusOf } from './state.ts';

/** A hand-made change of the delivery address holds invitations this long (issue 14, scope 4). */
export { HOLD_HOURS } from '../addressHold.ts';

/** The facts about a person an invitation looks at. */
export interface Invitee {
  id: string;
  rank: number;
  label: string;
  displayName: string;
  email: string | null;
  status: User['status'];
  loginMethod: User['loginMethod'];
}

/** Why a person cannot be invited (the single commands turn these into problems). */
export type InviteRefusal =
  | 'not_found'
  | 'forbidden'
  | 'no_email'
  | 'deactivated'
  | 'suspended'
  | 'login_method'
  | 'already_registered'
  | 'already_invited'
  | 'not_invited';

/** Loads the invitees among `ids` (missing ones are simply absent). */
export async function loadInvitees(
  em: EntityManager,
  ids: readonly string[],
): Promise<Map<string, Invitee>> {
  const rows = await em.execute<
    {
      id: string;
      rank: number;
      label: string;
      display_name: string;
      email: string | null;
      status: User['status'];
      login_method: User['loginMethod'];
    }[]
  >(
    `select id, rank, coalesce(username, display_name) as label, display_name, email, status,
            login_method
       from app_user where id in (select value::uuid from jsonb_array_elements_text(?::jsonb))`,
    [JSON.stringify(ids)],
  );
  return new Map(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        rank: row.rank,
        label: row.label,
        displayName: row.display_name,
        email: row.email,
        status: row.status,
        loginMethod: row.login_method,
      },
    ]),
  );
}

/**
 * Why `person` may not be invited now, or null. An invitation goes only to someone who has never
 * had a way in: re-inviting a registered person would let whoever controls their (possibly just
 * edited) address take over the account and its chats (issue 14, scope 4).
 * `live`: also refuse while an earlier invitation is still open (a first invite; resends pass false).
 */
export async function refusalOf(
  em: EntityManager,
  person: Invitee,
  row: InvitationRow | null,
  now: Date,
  live: boolean,
): Promise<InviteRefusal | null> {
  if (person.status === 'deactivated') return 'deactivated';
  if (person.status === 'suspended') return 'suspended';
  if (row?.status === 'registered') return 'already_registered';
  // Only a local password is set on the registration page; directory logins need no invitation.
  if (person.loginMethod !== 'password') return 'login_method';
  if (await hasEverHadCredentials(em, person.id)) return 'already_registered';
  if (!person.email) return 'no_email';
  const status = statusOf(row, now);
  if (live && (status === 'invited' || status === 'held')) return 'already_invited';
  return null;
}

/** The registration page's address for a token (the console's public route). */
export function registrationUrl(ctx: Pick<CommandContext, 'services'>, token: string): string {
  return `${publicBaseUrl(ctx.services.config)}/admin/#/register?token=${encodeURIComponent(token)}`;
}

/** A new live token for the person's invitation: the earlier one (if any) dies with this write. */
export async function issueToken(
  ctx: CommandContext,
  person: Invitee,
  options: { byId: string | null; locale: InvitationLocale; reminder?: boolean },
): Promise<{ token: string; expiresAt: Date; sentCount: number }> {
  const { services } = ctx;
  const now = services.now();
  const token = newToken();
  const expiresAt = new Date(now.getTime() + services.config.invitations.ttlHours * 3_600_000);
  const [row] = await ctx.em.execute<{ sent_count: number }[]>(
    `insert into invitation as i (user_id, status, token_hash, locale, expires_at, first_sent_at,
                                  last_sent_at, sent_count, first_invited_by_id, last_invited_by_id,
                                  reminded_at, updated_at)
     values (?, 'invited', ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)
     on conflict (user_id) do update set
       status = 'invited', token_hash = excluded.token_hash, locale = excluded.locale,
       expires_at = excluded.expires_at, last_sent_at = excluded.last_sent_at,
       sent_count = i.sent_count + 1,
       first_sent_at = coalesce(i.first_sent_at, excluded.first_sent_at),
       first_invited_by_id = coalesce(i.first_invited_by_id, excluded.first_invited_by_id),
       last_invited_by_id = coalesce(excluded.last_invited_by_id, i.last_invited_by_id),
       reminded_at = excluded.reminded_at, held_until = null, held_change_by_id = null,
       revoked_at = null, revoked_by_id = null, pending_totp_secret = null,
       updated_at = excluded.updated_at
     returning sent_count`,
    [
      person.id,
      hashToken(token),
      options.locale,
      expiresAt,
      now,
      now,
      options.byId,
      options.byId,
      options.reminder ? now : null,
      now,
    ],
  );
  return { token, expiresAt, sentCount: row?.sent_count ?? 1 };
}

/**
 * When a mailed link stops working, written for the mail's language in the service's time zone
 * (the invitations' and the password reset's mails alike).
 */
export function formatExpiry(
  ctx: Pick<CommandContext, 'services'>,
  at: Date,
  locale: InvitationLocale,
): string {
  return new Intl.DateTimeFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: ctx.services.config.hr.timeZone,
  }).format(at);
}

/** What sending did: a mail queued with a new link, or the invitation held for approval. */
export type SendOutcome =
  | { status: 'invited'; expiresAt: Date; sentCount: number }
  | { status: 'held'; heldUntil: Date };

/** How an invitation is being sent: it decides the template, the audit action and the hold. */
export type SendKind = 'invite' | 'resend' | 'reminder' | 'approved';

const ACTION = {
  invite: 'invitation.sent',
  resend: 'invitation.resent',
  reminder: 'invitation.reminded',
  approved: 'invitation.approved',
} as const;

/**
 * Sends a person their invitation inside the caller's transaction: a new token, the mail queued
 * (delivered after commit by the mail worker), audited. The caller has authorized and checked
 * `refusalOf`. When the address was changed by hand within HOLD_HOURS, an invite or resend is
 * held instead (no token, no mail, audited `invitation.held`) until a second person approves it
 * or the hold passes (the reminder sweep sends it then).
 */
export async function sendInvitation(
  ctx: CommandContext,
  person: Invitee & { email: string },
  options: { kind: SendKind; byId: string | null; locale: InvitationLocale },
): Promise<SendOutcome> {
  const now = ctx.services.now();
  if (options.kind === 'invite' || options.kind === 'resend') {
    const change = await recentHandAddressChange(ctx.em, person.id, 'email', now);
    if (change) {
      await ctx.em.execute(
        `insert into invitation as i (user_id, status, locale, first_invited_by_id,
                                      last_invited_by_id, held_until, held_change_by_id, updated_at)
         values (?, 'held', ?, ?, ?, ?, ?, ?)
         on conflict (user_id) do update set status = 'held', token_hash = null,
           locale = excluded.locale, last_invited_by_id = excluded.last_invited_by_id,
           held_until = excluded.held_until, held_change_by_id = excluded.held_change_by_id,
           revoked_at = null, revoked_by_id = null, updated_at = excluded.updated_at`,
        [person.id, options.locale, options.byId, options.byId, change.until, change.byId, now],
      );
      ctx.audit({
        action: 'invitation.held',
        targetType: 'User',
        targetId: person.id,
        targetLabel: person.label,
        details: { heldUntil: change.until.toISOString(), emailChangedById: change.byId },
      });
      return { status: 'held', heldUntil: change.until };
    }
  }
  const issued = await issueToken(ctx, person, {
    byId: options.byId,
    locale: options.locale,
    reminder: options.kind === 'reminder',
  });
  await enqueueMail(ctx.em, ctx.services.config, [
    {
      to: person.email,
      template: options.kind === 'reminder' ? 'invitationReminder' : 'invitation',
      locale: options.locale,
      userId: person.id,
      params: {
        name: person.displayName,
        link: registrationUrl(ctx, issued.token),
        expiresAt: formatExpiry(ctx, issued.expiresAt, options.locale),
      },
    },
  ]);
  ctx.audit({
    action: ACTION[options.kind],
    targetType: 'User',
    targetId: person.id,
    targetLabel: person.label,
    // The address is recorded so a later dispute ("it went to my address") can be settled.
    details: {
      to: person.email,
      locale: options.locale,
      expiresAt: issued.expiresAt.toISOString(),
      sentCount: issued.sentCount,
    },
  });
  return { status: 'invited', expiresAt: issued.expiresAt, sentCount: issued.sentCount };
}
