import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../config.ts';
import type { EntityManager } from '../db/orm.ts';
import { mailSetup } from './site.ts';
import { MAIL_TEMPLATES, type MailTemplateName } from './templates/index.ts';
import type { MailLocale, RenderedMail } from './templates/types.ts';

export type { MailTemplateName } from './templates/index.ts';
export type { MailLocale } from './templates/types.ts';

/** The LISTEN/NOTIFY channel that wakes mail workers. */
export const MAIL_CHANNEL = 'mail';

/** One mail to send: a registered template rendered with `params` for `to`. */
export interface MailRequest {
  /** The recipient's address (one address; no display name). */
  to: string;
  template: MailTemplateName;
  locale: 'ru' | 'en';
  /** The template's values (a link, a code, a name); `companyName` and the public URL are added. */
  params: Record<string, string | number>;
  /** The person the mail is about, if any (kept on the row for the queue view). */
  userId?: string | null;
}

const recipient = z.email().max(254);

/** Renders a template; exported for previews and tests. Throws on an unknown template or locale. */
export function renderMail(
  template: MailTemplateName,
  locale: MailLocale,
  params: Record<string, string | number>,
  site: { companyName: string; publicUrl: string },
): RenderedMail {
  const parts = MAIL_TEMPLATES[template]?.[locale];
  if (!parts) throw new Error(`unknown mail template ${String(template)}/${String(locale)}`);
  return {
    subject: parts.subject(params, site).replace(/[\r\n]+/g, ' '),
    text: parts.text(params, site),
    html: parts.html(params, site),
  };
}

/**
 * Queues mails inside the caller's transaction (the outbox pattern): they are sent by the mail
 * worker after the transaction commits, and never if it rolls back. Templates are rendered now,
 * so a later change of a template or of the company name does not alter a queued mail. One
 * INSERT however many mails; a `pg_notify` in it wakes the workers at commit.
 *
 * When mail is not configured (`mailConfigured`), the rows are recorded as `unconfigured` without
 * their bodies (which may carry a credential nobody will send) and are never sent, not even when
 * mail is configured later: a code or a link in them would be stale or unexpected by then.
 * Returns the new rows' ids, in the order of `mails`.
 */
export async function enqueueMail(
  em: EntityManager,
  config: Config,
  mails: readonly MailRequest[],
): Promise<string[]> {
  if (mails.length === 0) return [];
  const { site, configured } = mailSetup(config);
  const rows = mails.map((mail) => {
    const to = recipient.parse(mail.to.trim());
    const rendered = renderMail(mail.template, mail.locale, mail.params, site);
    return {
      id: randomUUID(),
      recipient: to,
      template: mail.template,
      locale: mail.locale,
      user_id: mail.userId ?? null,
      subject: rendered.subject,
      body_text: configured ? rendered.text : null,
      body_html: configured ? rendered.html : null,
    };
  });
  await em.execute(
    `with inserted as (
       insert into mail_message
              (id, recipient, template, locale, user_id, subject, body_text, body_html, status)
       select r.id, r.recipient, r.template, r.locale, r.user_id, r.subject, r.body_text,
              r.body_html, ?
         from jsonb_to_recordset(?::jsonb) as r(id uuid, recipient text, template text,
              locale text, user_id uuid, subject text, body_text text, body_html text)
       returning 1)
     select case when ? then pg_notify(?, '') end as notified from (select count(*) from inserted) c`,
    [configured ? 'queued' : 'unconfigured', JSON.stringify(rows), configured, MAIL_CHANNEL],
  );
  return rows.map((row) => row.id);
}
