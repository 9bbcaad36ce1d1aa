import { AppError } from '../shared/errors.ts';
import type { Services } from '../shared/services.ts';

/** 429 `account_locked`; `retryAfterSeconds` also goes to the Retry-After header. */
export class AccountLockedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      429,
      'account_locked',
      'Too many failed sign-in attempts; the account is locked for now',
      {
        retryAfterSeconds,
      },
    );
  }
}

/** The lockout key of a typed username: known or not, so unknown accounts behave the same. */
export function lockoutKey(username: string): string {
  return username.trim().toLowerCase();
}

/** Seconds until the account may try again (0: not locked). */
export async function lockedForSeconds(services: Services, username: string): Promise<number> {
  const now = services.now();
  const { rows } = await services.pool.query<{ locked_until: Date | null }>(
    'select locked_until from account_lockout where account = $1',
    [lockoutKey(username)],
  );
  const until = rows[0]?.locked_until;
  if (!until || until <= now) return 0;
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
}

/** Throws AccountLockedError while the account is locked; checked before any password or code. */
export async function assertNotLocked(services: Services, username: string): Promise<void> {
  const seconds = await lockedForSeconds(services, username);
  if (seconds > 0) throw new AccountLockedError(seconds);
}

// One atomic upsert, so concurrent failures on several processes all count. `$2` is the service
// clock (not the database's), so tests can drive time. The exponent is capped before power() so
// a very long series of failures cannot overflow.
const FAILURES = `(case when l.updated_at < $2::timestamptz - $6::float8 * interval '1 hour'
  then 1 else l.failures + 1 end)`;
const lockUntil = (failures: string) => `(case when ${failures} >= $3::int
  then $2::timestamptz + least($5::float8, $4::float8 * power(2, least(${failures} - $3::int, 30)))
    * interval '1 second'
  else null end)`;
const RECORD_FAILURE = `
insert into account_lockout as l (account, failures, locked_until, updated_at)
values ($1, 1, case when 1 >= $3::int then $2::timestamptz + $4::float8 * interval '1 second' end, $2)
on conflict (account) do update set
  failures = ${FAILURES},
  locked_until = ${lockUntil(FAILURES)},
  updated_at = excluded.updated_at
returning failures, locked_until`;

/**
 * Counts one failed sign-in step (wrong password, wrong or replayed code) against the account.
 * From `failuresBeforeLock` consecutive failures on, the account is locked for `baseLockSeconds`,
 * doubling with each further failure up to `maxLockSeconds`. Failures older than
 * `forgetAfterHours` are forgotten, so occasional typos over months never add up to a lock.
 */
export async function recordFailedAttempt(
  services: Services,
  username: string,
): Promise<{ failures: number; lockedUntil: Date | null }> {
  const { failuresBeforeLock, baseLockSeconds, maxLockSeconds, forgetAfterHours } =
    services.config.identity.lockout;
  const { rows } = await services.pool.query<{ failures: number; locked_until: Date | null }>(
    RECORD_FAILURE,
    [
      lockoutKey(username),
      services.now(),
      failuresBeforeLock,
      baseLockSeconds,
      maxLockSeconds,
      forgetAfterHours,
    ],
  );
  const row = rows[0];
  return { failures: row?.failures ?? 0, lockedUntil: row?.locked_until ?? null };
}

/** A completed sign-in: the account's failures are forgiven. */
export async function clearLockout(services: Services, username: string): Promise<void> {
  await services.pool.query('delete from account_lockout where account = $1', [
    lockoutKey(username),
  ]);
}
