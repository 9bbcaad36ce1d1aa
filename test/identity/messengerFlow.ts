import { ApiClient, type ApiResponse } from '../support/api.ts';
import type { TestContext } from '../support/harness.ts';
import { codeFor, GOOD_PASSWORD, secretOf } from './loginFlow.ts';

/** A device as the messenger sends it. */
export const PHONE = { name: 'Pixel 8', platform: 'android' };

/** What POST /auth/login answers. */
export interface MessengerStart {
  next: 'totp' | 'totp_enroll' | 'done';
  challenge?: string;
  otpauthUri?: string;
  qrCode?: string;
  session?: { token: string; sessionId: string; expiresAt: string; coreAccount: string };
}

/** What POST /auth/login/verify answers. */
export interface MessengerDone {
  token: string;
  sessionId: string;
  expiresAt: string;
  coreAccount: string;
  recoveryCodes?: string[];
}

/** A problem body as tests read it. */
export interface Problem {
  code: string;
  status: number;
  attemptsLeft?: number;
  retryAfterSeconds?: number;
}

/** A client sending a device session's bearer token (no cookies involved). */
export function deviceClient(context: TestContext, token: string): ApiClient {
  const api = new ApiClient(context.baseUrl);
  const request = api.request.bind(api);
  api.request = (method, path, options = {}) =>
    request(method, path, {
      ...options,
      headers: { authorization: `Bearer ${token}`, ...options.headers },
    });
  return api;
}

/** POST /auth/login. */
export function startMessenger(
  context: TestContext,
  username: string,
  password = GOOD_PASSWORD,
  device = PHONE,
): Promise<ApiResponse<MessengerStart>> {
  return new ApiClient(context.baseUrl).post<MessengerStart>('/api/v1/auth/login', {
    username,
    password,
    device,
  });
}

/** POST /auth/login/verify. */
export function verifyMessenger(
  context: TestContext,
  body: { challenge: string; code?: string; recoveryCode?: string },
): Promise<ApiResponse<MessengerDone>> {
  return new ApiClient(context.baseUrl).post<MessengerDone>('/api/v1/auth/login/verify', body);
}

/**
 * The whole messenger login through the API: password, then (if asked) a TOTP code for `secret`
 * or the enrollment secret offered. Returns the session token and the factor's secret.
 */
export async function messengerLogIn(
  context: TestContext,
  username: string,
  options: { secret?: string; device?: typeof PHONE; offsetSeconds?: number } = {},
): Promise<{
  token: string;
  sessionId: string;
  coreAccount: string;
  secret?: string;
  recoveryCodes?: string[];
}> {
  const start = await startMessenger(context, username, GOOD_PASSWORD, options.device ?? PHONE);
  if (start.status !== 200) throw new Error(`password step: ${start.status} ${start.text}`);
  if (start.body.next === 'done' && start.body.session)
    return {
      token: start.body.session.token,
      sessionId: start.body.session.sessionId,
      coreAccount: start.body.session.coreAccount,
    };
  const secret = start.body.otpauthUri ? secretOf(start.body.otpauthUri) : options.secret;
  if (!secret || !start.body.challenge) throw new Error('no TOTP secret to answer with');
  const done = await verifyMessenger(context, {
    challenge: start.body.challenge,
    code: await codeFor(context, secret, options.offsetSeconds ?? 0),
  });
  if (done.status !== 200) throw new Error(`code step: ${done.status} ${done.text}`);
  return { ...done.body, secret };
}
