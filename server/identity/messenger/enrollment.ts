import { AppError, conflict, unprocessable } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import { hashToken, hmac } from '../../shared/tokens.ts';
import type { DeviceAuthenticated } from '../authenticated.ts';

/** How long an enrollment started from the messenger's settings waits for its confirming code. */
export const ENROLLMENT_TTL_MS = 10 * 60_000;

/**
 * The key of the pending enrollment of a device session. The pending secret waits in a
 * `login_challenge` row (no device, so no login can use it); its key is an HMAC of the session
 * id with a server key, so only this session can find it again and nobody can forge it.
 */
export function enrollmentKey(services: Services, device: DeviceAuthenticated): Buffer {
  return hashToken(hmac(services.keys.csrf, `totp-enroll:${device.sessionId}`));
}

/** 409 `second_factor_exists`: the person already has a factor (a reset comes from the back office). */
export const factorExists = () =>
  conflict('second_factor_exists', 'A second factor is already set up for this account');

/** 422 `enrollment_not_started`: no live enrollment to confirm from this session. */
export const enrollmentNotStarted = () =>
  unprocessable('enrollment_not_started', 'Start the enrollment first (it may have expired)');

/**
 * 422 `invalid_code` for code checks from a signed-in device: the session itself is fine, so this
 * must not read as a 401 that would make the app sign out.
 */
export const wrongCode = (attemptsLeft?: number) =>
  new AppError(422, 'invalid_code', 'The code is not valid; check the authenticator app', {
    ...(attemptsLeft === undefined ? {} : { attemptsLeft }),
  });
