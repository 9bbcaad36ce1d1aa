import { InvalidCredentialsError } from 'ldapts';

/** What a failed bind as the person means for their login. */
export type BindFailure = 'wrong' | 'disabled' | 'unavailable';

/**
 * AD's sub-codes in the text of an invalidCredentials (49) answer, `…, data 533, …`, that mean
 * the password may be right but the account may not sign in: logon hours (530), workstation
 * (531), password expired (532), disabled (533), account expired (701), must change password
 * (773), locked out (775). 52e (wrong password) and 525 (no such user) are plain "wrong".
 */
const AD_BLOCKED_SUBCODES = new Set(['530', '531', '532', '533', '701', '773', '775']);

/** The `data XXX` sub-code of an AD bind error message, lowercased; null when absent. */
export function adSubCode(message: string): string | null {
  return /\bdata ([0-9a-f]{3,8})\b/i.exec(message)?.[1]?.toLowerCase() ?? null;
}

/**
 * Maps a failed bind to a login outcome. Result codes from the server other than
 * invalidCredentials (busy, unavailable, strong auth required, …) and every network error or
 * timeout mean the directory could not decide: `unavailable`, which must not count as a wrong
 * password.
 */
export function classifyBindError(error: unknown): BindFailure {
  if (error instanceof InvalidCredentialsError) {
    const sub = adSubCode(error.message);
    return sub !== null && AD_BLOCKED_SUBCODES.has(sub) ? 'disabled' : 'wrong';
  }
  return 'unavailable';
}
