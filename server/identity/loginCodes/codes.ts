import { randomInt } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { User } from '../../directory/entities.ts';
import { mailConfigured } from '../../mail/status.ts';
import { hmac, safeEqual } from '../../shared/tokens.ts';
import { isSmsNumber, smsConfigured } from '../../sms/status.ts';
import type { DeliveryField } from '../addressHold.ts';

/** The login methods that sign in with a one-time code. */
export type CodeLoginMethod = 'email_code' | 'sms_code';

/** Where a person's code goes. */
export interface CodeDestination {
  channel: 'email' | 'sms';
  /** The profile field the address is read from (a hand change of it holds codes). */
  field: DeliveryField;
  to: string;
  method: CodeLoginMethod;
}

/** Whether a login method signs in with a one-time code. */
export function isCodeMethod(method: User['loginMethod']): method is CodeLoginMethod {
  return method === 'email_code' || method === 'sms_code';
}

/**
 * Where a code for this person would go, or null when it cannot go anywhere: not a code method,
 * no address, or the channel (mail, SMS gateway) is not configured.
 */
export function codeDestination(
  config: Config,
  user: Pick<User, 'loginMethod' | 'email' | 'phone'>,
): CodeDestination | null {
  if (user.loginMethod === 'email_code')
    return user.email && mailConfigured(config)
      ? { channel: 'email', field: 'email', to: user.email, method: 'email_code' }
      : null;
  if (user.loginMethod === 'sms_code')
    return isSmsNumber(user.phone) && smsConfigured(config)
      ? { channel: 'sms', field: 'phone', to: user.phone, method: 'sms_code' }
      : null;
  return null;
}

/** A new six-digit code, uniformly drawn (leading zeros kept). */
export function newLoginCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

/**
 * The stored form of a code: an HMAC keyed with a key derived from SECRET_KEY (never in
 * PostgreSQL) and bound to its challenge. A bare hash of six digits would be reversed by anyone
 * who can read the table, such as a database administrator.
 */
export function codeHmac(key: Buffer, challengeHash: Buffer, code: string): string {
  return hmac(key, `${challengeHash.toString('base64url')}:${code}`);
}

/** Whether `code` is the code behind `stored` (constant time). */
export function codeMatches(key: Buffer, challengeHash: Buffer, code: string, stored: string) {
  return safeEqual(codeHmac(key, challengeHash, code), stored);
}
