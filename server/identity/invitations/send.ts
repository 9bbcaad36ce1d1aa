import type { CommandContext } from '../../commands/runCommand.ts';
import { publicBaseUrl } from '../../config.ts';
import { enqueueMail, type MailRequest } from '../../mail/enqueue.ts';
import { hashToken, newToken } from '../../shared/tokens.ts';
import type { AddressHold } from '../addressHold.ts';
import type { InvitableFacts, Invitee } from './invitees.ts';
import type { InvitationLocale } from './state.ts';

/** A hand-made change of the delivery address holds invitations this long (issue 14, scope 4). */
export { HOLD_HOURS } from '../addressHold.ts';

/** The registration page's address for a token (the console's public route). */
export function registrationUrl(ctx: Pick<CommandContext, 'services'>, token: string): string {
  return `${publicBaseUrl(ctx.services.config)}/admin/#/register?token=${encodeURIComponent(token)}`;
}

/** One person's new token: who, who sends it, in which language, whether it is the reminder. */
export interface TokenRequest {
  person: Pick<Invitee, 'id'>;
  byId: string | null;
  locale: InvitationLocale;
  reminder?: boolean;
}

/** A token issued: the secret (for the mail or the shown link), its expiry and the sending count. */
export interface IssuedToken {
  token: string;
  expiresAt: Date;
  sentCount: number;
}

/**
 * New live tokens for people's invitations, in one statement however many: each earlier token
 * (if any) dies with this write. Returned in the order of `requests`; one request per person.
 */
export async function issueTokens(
  ctx: CommandContext,
  requests: readonly TokenRequest[],
): Promise<IssuedToken[]> {
  if (requests.length === 0) return [];
  const { services } = ctx;
  const now = services.now();
  const expiresAt = new Date(now.getTime() + services.config.invitations.ttlHours * 3_600_000);
  const tokens = requests.map((request) => ({ request, token: newToken() }));
  const rows = tokens.map(({ request, token }) => ({
    user_id: request.person.id,
    token_hash: hashToken(token).toString('hex'),
    locale: request.locale,
    by_id: request.byId,
    reminded_at: request.reminder ? now.toISOString() : null,
  }));
  const written = await ctx.em.execute<{ user_id: string; sent_count: number }[]>(
    `insert into invitation as i (user_id, status, token_hash, locale, expires_at, first_sent_at,
                                  last_sent_at, sent_count, first_invited_by_id, last_invited_by_id,
                                  reminded_at, updated_at)
     select r.user_id, 'invited', decode(r.token_hash, 'hex'), r.locale, ?::timestamptz,
            ?::timestamptz, ?::timestamptz, 1, r.by_id, r.by_id, r.reminded_at, ?::timestamptz
       from jsonb_to_recordset(?::jsonb)
            as r(user_id uuid, token_hash text, locale text, by_id uuid, reminded_at timestamptz)
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
     returning user_id, sent_count`,
    [expiresAt, now, now, now, JSON.stringify(rows)],
  );
  const counts = new Map(written.map((row) => [row.user_id, row.sent_count]));
  return tokens.map(({ request, token }) => ({
    token,
    expiresAt,
    sentCount: counts.get(request.person.id) ?? 1,
  }));
}

/** A new live token for one person's invitation: the earlier one (if any) dies with this write. */
export async function issueToken(
  ctx: CommandContext,
  person: Pick<Invitee, 'id'>,
  options: Omit<TokenRequest, 'person'>,
): Promise<IssuedToken> {
  const [issued] = await issueTokens(ctx, [{ person, ...options }]);
  if (!issued) throw new Error('issueTokens returned no token');
  return issued;
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

/** One invitation to send: to whom (refusalOf passed), how, by whom, in which language. */
export interface InvitationSend {
  invitee: InvitableFacts;
  kind: SendKind;
  byId: string | null;
  locale: InvitationLocale;
  /** Added to the person's audit event (a bulk job names itself there). */
  details?: Record<string, unknown>;
}

const ACTION = {
  invite: 'invitation.sent',
  resend: 'invitation.resent',
  reminder: 'invitation.reminded',
  approved: 'invitation.approved',
} as const;

/**
 * The hold that stops this sending, or null. Only an operator's invite or resend is held: a
 * reminder repeats a sending that already passed the hold, an approval is the second person.
 */
function holdOf(send: InvitationSend): AddressHold | null {
  return send.kind === 'invite' || send.kind === 'resend' ? send.invitee.emailHold : null;
}

/**
 * Sends people their invitations inside the caller's transaction, set-based (a constant number
 * of statements however many people, one person once): new tokens, the mails queued (delivered
 * after commit by the mail worker), each audited. The caller has authorized and checked
 * `refusalOf`. When the address was changed by hand within HOLD_HOURS, an invite or resend is
 * held instead (no token, no mail, audited `invitation.held`) until a second person approves it
 * or the hold passes (the reminder sweep sends it then). Outcomes in the order of `sends`.
 */
export async function sendInvitations(
  ctx: CommandContext,
  sends: readonly InvitationSend[],
): Promise<SendOutcome[]> {
  const held = sends.filter((send) => holdOf(send));
  const going = sends.filter((send) => !holdOf(send));
  await holdInvitations(ctx, held);
  const issued = await issueTokens(
    ctx,
    going.map((send) => ({
      person: send.invitee.person,
      byId: send.byId,
      locale: send.locale,
      reminder: send.kind === 'reminder',
    })),
  );
  const byPerson = new Map(going.map((send, index) => [send.invitee.person.id, issued[index]]));
  // Every token of one call expires at the same moment: word it once per language.
  const expiryText = new Map<InvitationLocale, string>();
  const expiry = (at: Date, locale: InvitationLocale) => {
    const text = expiryText.get(locale) ?? formatExpiry(ctx, at, locale);
    expiryText.set(locale, text);
    return text;
  };
  await enqueueMail(
    ctx.em,
    ctx.services.config,
    going.map((send, index): MailRequest => {
      const token = issued[index];
      if (!token) throw new Error('issueTokens returned fewer tokens than asked');
      return {
        to: send.invitee.person.email,
        template: send.kind === 'reminder' ? 'invitationReminder' : 'invitation',
        locale: send.locale,
        userId: send.invitee.person.id,
        params: {
          name: send.invitee.person.displayName,
          link: registrationUrl(ctx, token.token),
          expiresAt: expiry(token.expiresAt, send.locale),
        },
      };
    }),
  );
  // Audited in the order of `sends`, whichever statement wrote each.
  return sends.map((send): SendOutcome => {
    const { person } = send.invitee;
    const hold = holdOf(send);
    if (hold) {
      ctx.audit({
        action: 'invitation.held',
        targetType: 'User',
        targetId: person.id,
        targetLabel: person.label,
        details: {
          heldUntil: hold.until.toISOString(),
          emailChangedById: hold.byId,
          ...send.details,
        },
      });
      return { status: 'held', heldUntil: hold.until };
    }
    const token = byPerson.get(person.id);
    if (!token) throw new Error('issueTokens returned no token for a person');
    ctx.audit({
      action: ACTION[send.kind],
      targetType: 'User',
      targetId: person.id,
      targetLabel: person.label,
      // The address is recorded so a later dispute ("it went to my address") can be settled.
      details: {
        to: person.email,
        locale: send.locale,
        expiresAt: token.expiresAt.toISOString(),
        sentCount: token.sentCount,
        ...send.details,
      },
    });
    return { status: 'invited', expiresAt: token.expiresAt, sentCount: token.sentCount };
  });
}

/** Records held invitations (no token: any earlier link dies), in one statement. */
async function holdInvitations(
  ctx: CommandContext,
  held: readonly InvitationSend[],
): Promise<void> {
  if (held.length === 0) return;
  const rows = held.map((send) => {
    const hold = holdOf(send);
    return {
      user_id: send.invitee.person.id,
      locale: send.locale,
      by_id: send.byId,
      held_until: hold?.until.toISOString() ?? null,
      held_change_by_id: hold?.byId ?? null,
    };
  });
  await ctx.em.execute(
    `insert into invitation as i (user_id, status, locale, first_invited_by_id,
                                  last_invited_by_id, held_until, held_change_by_id, updated_at)
     select r.user_id, 'held', r.locale, r.by_id, r.by_id, r.held_until, r.held_change_by_id,
            ?::timestamptz
       from jsonb_to_recordset(?::jsonb) as r(user_id uuid, locale text, by_id uuid,
            held_until timestamptz, held_change_by_id uuid)
     on conflict (user_id) do update set status = 'held', token_hash = null,
       locale = excluded.locale, last_invited_by_id = excluded.last_invited_by_id,
       held_until = excluded.held_until, held_change_by_id = excluded.held_change_by_id,
       revoked_at = null, revoked_by_id = null, updated_at = excluded.updated_at`,
    [ctx.services.now(), JSON.stringify(rows)],
  );
}
