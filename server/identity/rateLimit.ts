import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../shared/errors.ts';
import type { Services } from '../shared/services.ts';

/** 429 `too_many_attempts`; `retryAfterSeconds` also goes to the Retry-After header. */
export class TooManyAttemptsError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'too_many_attempts', 'Too many sign-in attempts; try again later', {
      retryAfterSeconds,
    });
  }
}

/**
 * Back-office login limits per account and per client IP. Counters live in the `rate_limit`
 * table (created by the initial migration in the shape rate-limiter-flexible expects), so every
 * process sharing the database enforces one limit. Windows are fixed: `windowSeconds` from the
 * first counted attempt.
 *
 * An attempt is counted *before* the password is checked (one atomic upsert), so concurrent
 * guesses cannot slip past the limit; a correct password gives the point back, a wrong TOTP
 * code takes one from the account, and a completed login clears the account's counter. The account key is the typed username, known or
 * not, so limits behave the same for people who do not exist.
 */
export interface LoginLimiter {
  /** Counts one attempt for the account and the IP; throws TooManyAttemptsError over a limit. */
  consume(username: string, ip: string | null): Promise<void>;
  /** Counts one more failure for an account (a wrong TOTP code); throws over the limit. */
  consumeAccount(username: string): Promise<void>;
  /**
   * A correct password: the attempt counts against neither the IP nor the account (wrong TOTP
   * codes count against the account instead).
   */
  passwordAccepted(username: string, ip: string | null): Promise<void>;
  /** A completed login: the account's failures are forgiven. */
  loginCompleted(username: string): Promise<void>;
  /**
   * Counts one attempt against the IP alone, for steps that name no account yet (a corporate SSO
   * login started, a one-time code exchanged); throws TooManyAttemptsError over the limit.
   */
  consumeIp(ip: string | null): Promise<void>;
  /** Gives `points` IP attempts back (an SSO login that completed). */
  ipAccepted(ip: string | null, points: number): Promise<void>;
}

const limiters = new WeakMap<Services, LoginLimiter>();

function retryAfter(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

async function consumeOrThrow(limiter: RateLimiterPostgres, key: string): Promise<void> {
  try {
    await limiter.consume(key, 1);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw new TooManyAttemptsError(retryAfter(error));
    throw error;
  }
}

function build(services: Services): LoginLimiter {
  const { loginFailuresPerAccount, loginFailuresPerIp, windowSeconds } = services.config.rateLimit;
  const common = {
    storeClient: services.pool,
    storeType: 'pool',
    tableName: 'rate_limit',
    tableCreated: true,
    duration: windowSeconds,
  };
  const account = new RateLimiterPostgres({
    ...common,
    keyPrefix: 'login-account',
    points: loginFailuresPerAccount,
  });
  const ip = new RateLimiterPostgres({
    ...common,
    keyPrefix: 'login-ip',
    points: loginFailuresPerIp,
  });
  const ipKey = (value: string | null) => value ?? 'unknown';
  const accountKey = (username: string) => username.toLowerCase();
  return {
    async consume(username, clientIp) {
      // Both counters move even when one refuses, so a blocked IP cannot probe accounts freely.
      const results = await Promise.allSettled([
        consumeOrThrow(account, accountKey(username)),
        consumeOrThrow(ip, ipKey(clientIp)),
      ]);
      const refused = results
        .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
        .map((r) => r.reason as unknown);
      if (refused.length === 0) return;
      const tooMany = refused.filter(
        (e): e is TooManyAttemptsError => e instanceof TooManyAttemptsError,
      );
      if (tooMany.length < refused.length)
        throw refused.find((e) => !(e instanceof TooManyAttemptsError));
      throw new TooManyAttemptsError(Math.max(...tooMany.map((e) => e.retryAfterSeconds)));
    },
    consumeAccount: (username) => consumeOrThrow(account, accountKey(username)),
    async passwordAccepted(username, clientIp) {
      await Promise.all([account.reward(accountKey(username), 1), ip.reward(ipKey(clientIp), 1)]);
    },
    async loginCompleted(username) {
      await account.delete(accountKey(username));
    },
    consumeIp: (clientIp) => consumeOrThrow(ip, ipKey(clientIp)),
    async ipAccepted(clientIp, points) {
      await ip.reward(ipKey(clientIp), points);
    },
  };
}

/** The login limiter of a running service (one per services, i.e. per database). */
export function loginLimiter(services: Services): LoginLimiter {
  let limiter = limiters.get(services);
  if (!limiter) {
    limiter = build(services);
    limiters.set(services, limiter);
  }
  return limiter;
}

/**
 * Limits of one-time login codes (`identity.loginCode`, per `rateLimit.windowSeconds`), in the
 * same `rate_limit` table: code requests per client IP (over it: 429, the same for every
 * username, so it tells nothing about who exists), and codes sent per delivery address (over it:
 * nothing is sent, but the answer is the usual one — a 429 here would tell that the person exists).
 */
export interface CodeLimiter {
  /** Counts one code request from `ip`; throws TooManyAttemptsError over the limit. */
  consumeRequest(ip: string | null): Promise<void>;
  /** Counts one code sent to `destination`; false when over the limit (send nothing). */
  allowSend(destination: string): Promise<boolean>;
}

const codeLimiters = new WeakMap<Services, CodeLimiter>();

/** The code limiter of a running service (one per services, i.e. per database). */
export function codeLimiter(services: Services): CodeLimiter {
  const known = codeLimiters.get(services);
  if (known) return known;
  const { windowSeconds } = services.config.rateLimit;
  const { sendsPerDestination, requestsPerIp } = services.config.identity.loginCode;
  const common = {
    storeClient: services.pool,
    storeType: 'pool',
    tableName: 'rate_limit',
    tableCreated: true,
    duration: windowSeconds,
  };
  const ip = new RateLimiterPostgres({ ...common, keyPrefix: 'code-ip', points: requestsPerIp });
  const destination = new RateLimiterPostgres({
    ...common,
    keyPrefix: 'code-destination',
    points: sendsPerDestination,
  });
  const limiter: CodeLimiter = {
    consumeRequest: (clientIp) => consumeOrThrow(ip, clientIp ?? 'unknown'),
    async allowSend(address) {
      try {
        await destination.consume(address.toLowerCase(), 1);
        return true;
      } catch (error) {
        if (error instanceof RateLimiterRes) return false;
        throw error;
      }
    },
  };
  codeLimiters.set(services, limiter);
  return limiter;
}
