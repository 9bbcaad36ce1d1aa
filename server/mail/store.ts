import type pg from 'pg';
import { claimQueuedRows } from '../db/queueClaim.ts';

/** A claimed queued mail: what the worker sends, and the attempt number that identifies this claim. */
export interface ClaimedMail {
  id: string;
  recipient: string;
  subject: string;
  text: string;
  html: string;
  attempt: number;
}

interface ClaimRow {
  id: string;
  recipient: string;
  subject: string;
  body_text: string | null;
  body_html: string | null;
  attempts: number;
}

/**
 * Claims up to `limit` due queued mails, oldest first (`claimQueuedRows`: SKIP LOCKED, a lease
 * that expires, so the mails of a worker that died are claimed again once it passes).
 */
export async function claimDueMails(
  pool: pg.Pool,
  limit: number,
  lockSeconds: number,
): Promise<ClaimedMail[]> {
  const rows = await claimQueuedRows<ClaimRow>(
    pool,
    'mail_message',
    'm.id::text as id, m.recipient, m.subject, m.body_text, m.body_html, m.attempts',
    limit,
    lockSeconds,
  );
  return rows.map((row) => ({
    id: row.id,
    recipient: row.recipient,
    subject: row.subject,
    text: row.body_text ?? '',
    html: row.body_html ?? '',
    attempt: row.attempts,
  }));
}

/**
 * Records a sent mail and clears its body (it may carry a credential; the subject, recipient
 * and template stay). Only the claim that sent it records it: a worker whose claim expired and
 * was taken over leaves the row to the new claim.
 */
export async function markMailSent(
  pool: pg.Pool,
  mail: ClaimedMail,
  answer: { response: string; messageId: string },
): Promise<void> {
  await pool.query(
    `update mail_message
        set status = 'sent', sent_at = now(), body_text = null, body_html = null,
            locked_until = null, last_error = null, smtp_response = $3, smtp_message_id = $4
      where id = $1 and attempts = $2 and status = 'queued'`,
    [mail.id, mail.attempt, answer.response.slice(0, 1000), answer.messageId.slice(0, 998)],
  );
}

/**
 * Records a failed attempt: due again after `delayMs`, or `dead` (a permanent refusal, or the
 * last attempt) with its body cleared, as it will never be sent.
 */
export async function markMailFailed(
  pool: pg.Pool,
  mail: ClaimedMail,
  error: string,
  dead: boolean,
  delayMs: number,
): Promise<void> {
  await pool.query(
    `update mail_message
        set last_error = $3, locked_until = null,
            status = case when $4 then 'dead' else status end,
            dead_at = case when $4 then now() end,
            body_text = case when $4 then null else body_text end,
            body_html = case when $4 then null else body_html end,
            next_attempt_at = now() + make_interval(secs => $5::double precision / 1000)
      where id = $1 and attempts = $2 and status = 'queued'`,
    [mail.id, mail.attempt, error.slice(0, 1000), dead, delayMs],
  );
}
