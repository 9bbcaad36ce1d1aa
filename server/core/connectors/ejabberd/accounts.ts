import { randomBytes } from 'node:crypto';
import { ALREADY_REGISTERED, apiFailure, type EjabberdApi, EjabberdApiError } from './api.ts';

/**
 * A password nobody will ever use: people log in with their session token through external
 * auth; the account's own password only exists because ejabberd's store needs one.
 */
export function randomPassword(): string {
  return randomBytes(32).toString('base64url');
}

/** Whether `user@host` is registered. `check_account` answers HTTP 200 and body 0 (yes) / 1 (no). */
export async function accountExists(
  api: EjabberdApi,
  user: string,
  host: string,
): Promise<boolean> {
  const answer = await api.call('check_account', { user, host });
  if (answer.status === 200 && answer.body === 0) return true;
  if (answer.status === 200 && answer.body === 1) return false;
  throw apiFailure('check_account', answer.status, answer.body);
}

/**
 * Registers `user@host` unless it exists; returns whether it was created. `register` itself is
 * the existence check: ejabberd answers 409 "already registered" (code 10090) and changes nothing
 * for an existing account, so one call does what `check_account` + `register` would in two, and a
 * redelivery or a concurrent registration is harmless.
 */
export async function ensureAccount(
  api: EjabberdApi,
  user: string,
  host: string,
): Promise<boolean> {
  const answer = await api.call('register', { user, host, password: randomPassword() });
  if (answer.status === 200) return true;
  const code = (answer.body as { code?: unknown } | null)?.code;
  if (answer.status === 409 && code === ALREADY_REGISTERED) return false;
  throw apiFailure('register', answer.status, answer.body);
}

/** The resources of `user@host`'s live sessions (`user_sessions_info`). */
export async function sessionResources(
  api: EjabberdApi,
  user: string,
  host: string,
): Promise<string[]> {
  const body = await api.get('user_sessions_info', { user, host });
  if (!Array.isArray(body)) throw new EjabberdApiError('user_sessions_info', 200, body);
  return body.map((session: unknown) => String((session as { resource?: unknown }).resource ?? ''));
}

/** `kick_user`: closes every session of `user@host`; answers how many there were. */
export async function kickUser(api: EjabberdApi, user: string, host: string): Promise<number> {
  const body = await api.get('kick_user', { user, host });
  const count = (body as { num_resources?: unknown } | null)?.num_resources;
  if (typeof count !== 'number') throw new EjabberdApiError('kick_user', 200, body);
  return count;
}
