import { z } from 'zod';
import type { Actor } from '../authz/actor.ts';
import { authorize } from '../authz/index.ts';
import { runCommand } from '../commands/runCommand.ts';
import { paging } from '../shared/schemas.ts';
import type { Services } from '../shared/services.ts';

/** Where a queued mail is in its life. */
export const MAIL_STATUSES = ['queued', 'sent', 'dead', 'unconfigured'] as const;

/** `GET /mail/messages` query. */
export function mailListQuery(maxLimit: number, defaultLimit: number) {
  return z
    .object({ status: z.enum(MAIL_STATUSES).optional(), ...paging(maxLimit, defaultLimit) })
    .strict();
}
/** The parsed list query. */
export type MailListQuery = z.infer<ReturnType<typeof mailListQuery>>;

/** One queued mail as the API shows it: never its body (it may carry a credential). */
export const mailMessageView = z.object({
  id: z.string(),
  recipient: z.string(),
  template: z.string(),
  locale: z.enum(['ru', 'en']),
  subject: z.string(),
  userId: z.string().nullable(),
  status: z.enum(MAIL_STATUSES),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  smtpResponse: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  deadAt: z.string().nullable(),
});
/** One mail of the queue. */
export type MailMessageView = z.infer<typeof mailMessageView>;

interface Row {
  id: string;
  recipient: string;
  template: string;
  locale: 'ru' | 'en';
  subject: string;
  user_id: string | null;
  status: (typeof MAIL_STATUSES)[number];
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  smtp_response: string | null;
  created_at: Date;
  sent_at: Date | null;
  dead_at: Date | null;
  total: number;
}

const iso = (value: Date | string | null) => (value ? new Date(value).toISOString() : null);

function present(row: Row): MailMessageView {
  return {
    id: row.id,
    recipient: row.recipient,
    template: row.template,
    locale: row.locale,
    subject: row.subject,
    userId: row.user_id,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'queued' ? iso(row.next_attempt_at) : null,
    lastError: row.last_error,
    smtpResponse: row.smtp_response,
    createdAt: iso(row.created_at) ?? '',
    sentAt: iso(row.sent_at),
    deadAt: iso(row.dead_at),
  };
}

/**
 * Lists the mail queue, newest first (superadmin, admin; auditor read-only). Recipients are
 * personal data, so the read is audited as `mail.messages_listed`. Bodies are never selected.
 */
export function listMailMessages(
  services: Services,
  actor: Actor,
  query: MailListQuery,
): Promise<{ data: MailMessageView[]; total: number }> {
  return runCommand(services, actor, async ({ em, ability, audit }) => {
    authorize(ability, 'read', 'MailMessage', {
      auditAction: 'mail.messages_listed',
      targetType: 'MailMessage',
    });
    const rows = await em.execute<Row[]>(
      `select id::text as id, recipient, template, locale, subject, user_id::text as user_id,
              status, attempts, next_attempt_at, last_error, smtp_response, created_at, sent_at,
              dead_at, count(*) over ()::int as total
         from mail_message
        where ?::text is null or status = ?
        order by created_at desc, id limit ? offset ?`,
      [query.status ?? null, query.status ?? null, query.limit, query.offset],
    );
    audit({
      action: 'mail.messages_listed',
      targetType: 'MailMessage',
      details: { ...query, returned: rows.length },
    });
    return { data: rows.map(present), total: rows[0]?.total ?? 0 };
  });
}
