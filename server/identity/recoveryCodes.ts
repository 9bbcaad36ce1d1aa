import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { hashToken } from '../shared/tokens.ts';
import { RecoveryCode } from './entities.ts';

/** How many recovery codes a person holds after enrolling or regenerating. */
export const RECOVERY_CODE_COUNT = 10;

// Crockford's Base32 without i, l, o, u: 32 symbols (5 bits each), none easily confused when
// typed from paper. 12 symbols give 60 random bits, shown as xxxx-xxxx-xxxx.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const SYMBOLS = 12;

/** A new random recovery code, `xxxx-xxxx-xxxx` (60 bits). */
export function newRecoveryCode(): string {
  // 256 is a multiple of 32, so `byte % 32` is unbiased.
  const symbols = [...randomBytes(SYMBOLS)].map((byte) => ALPHABET[byte % 32]).join('');
  return `${symbols.slice(0, 4)}-${symbols.slice(4, 8)}-${symbols.slice(8)}`;
}

/**
 * The canonical form of a typed code: lower case, separators and spaces dropped, and the
 * look-alikes Crockford's alphabet leaves out read as the digits they resemble. Null when it
 * cannot be a code at all.
 */
export function normalizeRecoveryCode(input: string): string | null {
  const compact = input
    .toLowerCase()
    .replace(/[\s-]+/g, '')
    .replace(/[il]/g, '1')
    .replace(/o/g, '0');
  if (compact.length !== SYMBOLS) return null;
  for (const char of compact) if (!ALPHABET.includes(char)) return null;
  return compact;
}

function hashCode(canonical: string): Buffer {
  return hashToken(`recovery:${canonical}`);
}

/**
 * Replaces a person's recovery codes with ten new ones and returns them (the only time they
 * exist in clear text; only their SHA-256 is stored).
 */
export async function replaceRecoveryCodes(
  em: EntityManager,
  userId: string,
  now: Date,
): Promise<string[]> {
  await em.nativeDelete(RecoveryCode, { userId });
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  for (const code of codes) {
    const canonical = normalizeRecoveryCode(code) as string;
    em.create(RecoveryCode, { userId, codeHash: hashCode(canonical), createdAt: now });
  }
  await em.flush();
  return codes;
}

/**
 * Uses up one recovery code if it is a live code of the person. One conditional UPDATE, so two
 * concurrent uses of the same code cannot both succeed. Returns how many live codes remain, or
 * null when the code was not accepted.
 */
export async function consumeRecoveryCode(
  em: EntityManager,
  userId: string,
  code: string,
  now: Date,
): Promise<number | null> {
  const canonical = normalizeRecoveryCode(code);
  if (!canonical) return null;
  const used = await em.nativeUpdate(
    RecoveryCode,
    { userId, codeHash: hashCode(canonical), usedAt: null },
    { usedAt: now },
  );
  if (used !== 1) return null;
  return em.count(RecoveryCode, { userId, usedAt: null });
}
