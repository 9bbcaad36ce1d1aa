import { deviceSessionLifetimes } from '../identity/messenger/deviceSessions.ts';
import type { Services } from '../shared/services.ts';
import { hashToken } from '../shared/tokens.ts';
import type { AuthenticateResponse, IntrospectResponse } from './schemas.ts';

/**
 * What introspection needs from the running service, and nothing more: no ORM, no keys. The
 * benchmark's "fast path alone" contender runs the same code in a bare process with just these.
 */
export type IntrospectionServices = Pick<Services, 'config' | 'pool' | 'logger' | 'now'>;

/** A live device session as the messaging core learns it. */
export interface LiveSession {
  sid: string;
  sub: string;
  username: string | null;
  /** The person's account in the core (outbox/events.ts, `CoreAccount`). */
  coreAccount: string | null;
  /** Seconds since the epoch. */
  iat: number;
  exp: number;
}

interface Row {
  sid: string;
  sub: string;
  username: string | null;
  core_account: string | null;
  iat: string;
  exp: string;
  stale: boolean;
}

/** `last_seen_at` is written at most this often per session. */
export const LAST_SEEN_GRANULARITY_MS = 60_000;

// The hot path (exported for the benchmark's floor, which runs the very same statement): one statement, named so each pooled connection plans it once. It uses the unique
// index on token_hash and the primary key of app_user; no ORM, no entity hydration. Every rule of
// liveness is in the WHERE clause, so "revoked", "expired", "idle", "unknown token" and "person
// not active" are all the same empty answer.
export const INTROSPECT_STATEMENT = {
  name: 'core_introspect_v2',
  text: `select s.id as sid, s.user_id as sub, u.username, u.core_account,
                floor(extract(epoch from s.created_at))::int8 as iat,
                floor(extract(epoch from s.expires_at))::int8 as exp,
                s.last_seen_at < $3 as stale
           from device_session s join app_user u on u.id = s.user_id
          where s.token_hash = $1 and s.revoked_at is null and s.expires_at > $2
            and s.last_seen_at >= $4
            and u.status = 'active'`,
};

// Conditional, so concurrent introspections of the same stale session write once (the second
// re-checks the condition after the first commits and updates nothing).
export const INTROSPECT_TOUCH = {
  name: 'core_touch_session_v1',
  text: 'update device_session set last_seen_at = $2 where id = $1 and last_seen_at < $3',
};

/**
 * Resolves a device-session token to its live session, or null. Reads the database on every call
 * and caches nothing, so a revocation is seen by every process as soon as its transaction has
 * committed (see docs: a cache would need a round trip to be as strict). Not audited: an event per
 * call would serialize every introspection on the audit chain's lock.
 */
export async function lookupDeviceToken(
  services: IntrospectionServices,
  token: string,
): Promise<LiveSession | null> {
  const now = services.now();
  const { idleMs } = deviceSessionLifetimes(services.config);
  const staleBefore = new Date(now.getTime() - LAST_SEEN_GRANULARITY_MS);
  const idleBefore = new Date(now.getTime() - idleMs);
  const { rows } = await services.pool.query<Row>({
    ...INTROSPECT_STATEMENT,
    values: [hashToken(token), now, staleBefore, idleBefore],
  });
  const row = rows[0];
  if (!row) return null;
  if (row.stale) await touch(services, row.sid, now, staleBefore);
  return {
    sid: row.sid,
    sub: row.sub,
    username: row.username,
    coreAccount: row.core_account,
    iat: Number(row.iat),
    exp: Number(row.exp),
  };
}

/**
 * Records use of a session. Awaited (at most once a minute per session, so rarely on the hot
 * path) and never fatal: the answer is already decided, but a failure is logged, not lost.
 */
async function touch(services: IntrospectionServices, sid: string, now: Date, staleBefore: Date) {
  try {
    await services.pool.query({ ...INTROSPECT_TOUCH, values: [sid, now, staleBefore] });
  } catch (error) {
    services.logger.error({ err: error, sid }, 'could not record device session use');
  }
}

/** The RFC 7662 answer for a looked-up session: its claims, or exactly `{active: false}`. */
export function introspectionAnswer(session: LiveSession | null): IntrospectResponse {
  if (!session) return { active: false };
  return {
    active: true,
    sub: session.sub,
    ...(session.username === null ? {} : { username: session.username }),
    ...(session.coreAccount === null ? {} : { core_account: session.coreAccount }),
    sid: session.sid,
    exp: session.exp,
    iat: session.iat,
    token_type: 'device_session',
  };
}

/**
 * The answer to `POST /core/authenticate`: ok only when the looked-up session belongs to exactly
 * the core account `username` names (compared lower-case and trimmed: accounts are stored so, and
 * the core may send them in any case).
 */
export function authenticationAnswer(
  session: LiveSession | null,
  username: string,
): AuthenticateResponse {
  const account = username.trim().toLowerCase();
  if (!session || session.coreAccount === null || session.coreAccount !== account) {
    return { ok: false };
  }
  return { ok: true, sub: session.sub, sid: session.sid };
}
