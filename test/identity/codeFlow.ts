import { ApiClient, type ApiResponse } from '../support/api.ts';
import type { TestContext } from '../support/harness.ts';
import { type MessengerStart, PHONE } from './messengerFlow.ts';

/** What POST /auth/login/code answers. */
export interface CodeStart {
  next: 'code';
  challenge: string;
  expiresAt: string;
}

let lastIp = 0;

/**
 * A client address of its own (the tests' service trusts X-Forwarded-For), so one test's
 * requests never use up another's per-IP limits.
 */
export function freshIp(): string {
  lastIp += 1;
  return `198.51.${Math.floor(lastIp / 250)}.${(lastIp % 250) + 1}`;
}

/** POST /auth/login/code from `ip`. */
export function requestCode(
  context: TestContext,
  username: string,
  ip: string,
  locale?: 'ru' | 'en',
): Promise<ApiResponse<CodeStart & { code?: string }>> {
  return new ApiClient(context.baseUrl).request<CodeStart & { code?: string }>(
    'POST',
    '/api/v1/auth/login/code',
    {
      body: { username, device: PHONE, ...(locale ? { locale } : {}) },
      headers: { 'x-forwarded-for': ip },
    },
  );
}

/** POST /auth/login/code/verify from `ip`. */
export function verifyCode(
  context: TestContext,
  challenge: string,
  code: string,
  ip: string,
): Promise<ApiResponse<MessengerStart & { code?: string }>> {
  return new ApiClient(context.baseUrl).request<MessengerStart & { code?: string }>(
    'POST',
    '/api/v1/auth/login/code/verify',
    { body: { challenge, code }, headers: { 'x-forwarded-for': ip } },
  );
}

/** POST /core/introspect with the core's key. */
export async function introspect(
  context: TestContext,
  coreApiKey: string,
  token: string,
): Promise<Record<string, unknown>> {
  const response = await new ApiClient(context.baseUrl).request<Record<string, unknown>>(
    'POST',
    '/api/v1/core/introspect',
    { body: { token }, headers: { authorization: `Bearer ${coreApiKey}` } },
  );
  return response.body;
}

/** Any six digits other than `code`. */
export function otherCode(code: string): string {
  return ((Number(code) + 1) % 1_000_000).toString().padStart(6, '0');
}

/** The `details.reason` of the person's `auth.login_failed` events, oldest first. */
export async function failureReasons(context: TestContext, userId: string): Promise<string[]> {
  const rows = await context.services.pool.query<{ reason: string }>(
    `select details ->> 'reason' as reason from audit_event
      where action = 'auth.login_failed' and target_id = $1 order by seq`,
    [userId],
  );
  return rows.rows.map((row) => row.reason);
}

/** The person's queued/sent messages of one template (mail or SMS), oldest first. */
export async function messagesOf(
  context: TestContext,
  table: 'mail_message' | 'sms_message',
  userId: string,
  template: string,
): Promise<Record<string, unknown>[]> {
  const rows = await context.services.pool.query(
    `select * from ${table} where user_id = $1 and template = $2 order by created_at`,
    [userId, template],
  );
  return rows.rows as Record<string, unknown>[];
}
