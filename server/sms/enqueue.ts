import { randomUUID } from 'node:crypto';
import type { EntityManager } from '../db/orm.ts';
import type { Config } from '../shared/config/schema.ts';
import { isSmsNumber, smsConfigured } from './status.ts';
import { renderSms, type SmsLocale, type SmsParams, type SmsTemplateName } from './templates.ts';

export type { SmsLocale, SmsTemplateName } from './templates.ts';

/** The LISTEN/NOTIFY channel that wakes SMS workers. */
export const SMS_CHANNEL = 'sms';

/** One SMS to send: a registered template rendered with `params` for `to`. */
export interface SmsRequest {
  /** The recipient, E.164. */
  to: string;
  template: SmsTemplateName;
  locale: SmsLocale;
  params: SmsParams;
  /** The person the message is about, if any (kept on the row for delivery tracking). */
  userId?: string | null;
  /** After this the message is useless (a code that expired): it is dropped, never sent late. */
  expiresAt?: Date | null;
}

/**
 * Queues SMS inside the caller's transaction (the outbox pattern, as `enqueueMail`): the SMS
 * worker posts them to the gateway after commit, never if the transaction rolls back, and never
 * while a transaction is open. One INSERT; a `pg_notify` in it wakes the workers at commit.
 *
 * Without a gateway the rows are recorded as `unconfigured` without their text (which may hold a
 * code) and are never sent. Throws on a number that is not E.164 (callers check `isSmsNumber`).
 * Returns the new rows' ids, in the order of `messages`.
 */
export async function enqueueSms(
  em: EntityManager,
  config: Config,
  messages: readonly SmsRequest[],
): Promise<string[]> {
  if (messages.length === 0) return [];
  const configured = smsConfigured(config);
  const rows = messages.map((message) => {
    if (!isSmsNumber(message.to)) throw new Error('SMS recipient is not an E.164 number');
    return {
      id: randomUUID(),
      recipient: message.to,
      template: message.template,
      locale: message.locale,
      user_id: message.userId ?? null,
      body: configured
        ? renderSms(message.template, message.locale, message.params, config.mail.companyName)
        : null,
      expires_at: message.expiresAt?.toISOString() ?? null,
    };
  });
  await em.execute(
    `with inserted as (
       insert into sms_message (id, recipient, template, locale, user_id, body, expires_at, status)
       select r.id, r.recipient, r.template, r.locale, r.user_id, r.body, r.expires_at, ?
         from jsonb_to_recordset(?::jsonb) as r(id uuid, recipient text, template text,
              locale text, user_id uuid, body text, expires_at timestamptz)
       returning 1)
     select case when ? then pg_notify(?, '') end as notified from (select count(*) from inserted) c`,
    [configured ? 'queued' : 'unconfigured', JSON.stringify(rows), configured, SMS_CHANNEL],
  );
  return rows.map((row) => row.id);
}
