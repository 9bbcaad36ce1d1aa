import type pg from 'pg';
import { claimQueuedRows } from '../db/queueClaim.ts';
import type { GatewayAnswer } from './gateway.ts';

/** A claimed queued SMS: what the worker posts, and the attempt number that identifies the claim. */
export interface ClaimedSms {
  id: string;
  recipient: string;
  text: string;
  attempt: number;
}

/**
 * Drops queued messages whose code expired (status `expired`, text cleared): sending a stale
 * code only costs money and confuses the person. Then claims up to `limit` due messages, oldest
 * first (`claimQueuedRows`: SKIP LOCKED, a lease that expires).
 */
export async function claimDueSms(
  pool: pg.Pool,
  limit: number,
  lockSeconds: number,
): Promise<ClaimedSms[]> {
  await pool.query(
    `update sms_message set status = 'expired', body = null, locked_until = null, dead_at = now()
      where status = 'queued' and expires_at is not null and expires_at <= now()
        and (locked_until is null or locked_until < now())`,
  );
  const rows = await claimQueuedRows<{
    id: string;
    recipient: string;
    body: string | null;
    attempts: number;
  }>(pool, 'sms_message', 'm.id::text as id, m.recipient, m.body, m.attempts', limit, lockSeconds);
  return rows.map((row) => ({
    id: row.id,
    recipient: row.recipient,
    text: row.body ?? '',
    attempt: row.attempts,
  }));
}

/**
 * Records the gateway's answer to one attempt. Accepted: `sent`, the text cleared. Refused for
 * good (a 4xx) or the last attempt: `dead`, the text cleared. Otherwise due again after
 * `delayMs`. Only the claim that posted it records it (a taken-over claim leaves the row alone).
 */
export async function recordGatewayAnswer(
  pool: pg.Pool,
  sms: ClaimedSms,
  answer: GatewayAnswer,
  dead: boolean,
  delayMs: number,
): Promise<void> {
  const status = answer.ok ? 'sent' : dead ? 'dead' : 'queued';
  const error = answer.ok
    ? null
    : `${answer.status === null ? 'no answer' : `HTTP ${answer.status}`}: ${answer.excerpt}`;
  await pool.query(
    `update sms_message
        set status = $3, locked_until = null, last_error = $4,
            gateway_status = $5, gateway_response = $6,
            gateway_message_id = coalesce($7, gateway_message_id),
            sent_at = case when $3 = 'sent' then now() end,
            dead_at = case when $3 = 'dead' then now() end,
            body = case when $3 = 'queued' then body end,
            next_attempt_at = now() + make_interval(secs => $8::double precision / 1000)
      where id = $1 and attempts = $2 and status = 'queued'`,
    [
      sms.id,
      sms.attempt,
      status,
      error?.slice(0, 1000) ?? null,
      answer.status,
      answer.excerpt.slice(0, 1000),
      answer.messageId,
      delayMs,
    ],
  );
}
