import argon2 from 'argon2';
import { AppError, type FieldProblem } from '../shared/errors.ts';

/**
 * argon2id with the OWASP Password Storage Cheat Sheet's baseline (19 MiB, 2 passes, 1 lane),
 * which keeps one hash around 20-40 ms on a small server.
 */
const HASH_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** Shortest accepted password, in characters. */
export const PASSWORD_MIN_LENGTH = 12;
/** Longest accepted password, in characters (bounds the work one request can cause). */
export const PASSWORD_MAX_LENGTH = 256;

// Each hash holds ~19 MiB and a libuv thread for tens of milliseconds; a flood of logins must
// queue (briefly) and then be refused, not exhaust memory or starve every other request.
const MAX_IN_FLIGHT = 4;
const MAX_QUEUED = 64;

let inFlight = 0;
const waiting: (() => void)[] = [];

/** 503 `busy`: too many password hashes are in progress; the client may retry shortly. */
export class HashingBusyError extends AppError {
  constructor() {
    super(503, 'busy', 'Too many sign-in attempts are in progress; try again shortly', {
      retryAfterSeconds: 1,
    });
  }
}

async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (inFlight >= MAX_IN_FLIGHT) {
    if (waiting.length >= MAX_QUEUED) throw new HashingBusyError();
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    inFlight += 1;
  }
  try {
    return await work();
  } finally {
    // Hand the slot straight to the next waiter (inFlight stays the same) or release it.
    const next = waiting.shift();
    if (next) next();
    else inFlight -= 1;
  }
}

// Passwords are compared as NFC so that the same typed text matches across keyboards and OSes.
const normalize = (password: string) => password.normalize('NFC');

/** Hashes a password with argon2id (PHC string with its own salt and parameters). */
export function hashPassword(password: string): Promise<string> {
  return withHashSlot(() => argon2.hash(normalize(password), HASH_OPTIONS));
}

let dummyHash: Promise<string> | null = null;

/**
 * Verifies a password against a stored hash. With no hash (unknown person, no password yet) it
 * verifies against a dummy hash of the same parameters and returns false, so that the answer
 * takes about as long either way and does not reveal which people exist.
 */
export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (!hash) {
    dummyHash ??= hashPassword('dummy password for timing equalization');
    const dummy = await dummyHash;
    await withHashSlot(() => argon2.verify(dummy, normalize(password)));
    return false;
  }
  try {
    return await withHashSlot(() => argon2.verify(hash, normalize(password)));
  } catch (error) {
    if (error instanceof HashingBusyError) throw error;
    // A malformed stored hash is a refusal, not a crash of the login endpoint.
    return false;
  }
}

/**
 * Checks a new password against the policy: 12..256 characters and not the username.
 * Returns the problems (empty when acceptable).
 */
export function passwordProblems(password: string, username: string | null): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const length = [...normalize(password)].length;
  if (length < PASSWORD_MIN_LENGTH)
    problems.push({
      path: 'password',
      message: `must be at least ${PASSWORD_MIN_LENGTH} characters`,
      code: 'password_too_short',
      params: { minimum: PASSWORD_MIN_LENGTH },
    });
  if (length > PASSWORD_MAX_LENGTH)
    problems.push({
      path: 'password',
      message: `must be at most ${PASSWORD_MAX_LENGTH} characters`,
      code: 'password_too_long',
      params: { maximum: PASSWORD_MAX_LENGTH },
    });
  if (username && password.trim().toLowerCase() === username.toLowerCase())
    problems.push({
      path: 'password',
      message: 'must not be the username',
      code: 'password_is_username',
    });
  return problems;
}

/** Throws 422 `password_rejected` unless the password meets the policy. */
export function assertPasswordPolicy(password: string, username: string | null): void {
  const errors = passwordProblems(password, username);
  if (errors.length > 0)
    throw new AppError(422, 'password_rejected', 'The password does not meet the policy', {
      errors,
      // The rule itself, so the message can say it whichever check failed.
      params: { minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH },
    });
}
