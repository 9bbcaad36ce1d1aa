import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Secrets at rest, sealed in the service with AES-256-GCM: the key never leaves the process (no
 * pgcrypto; MikroORM's `em.execute` would inline it into the SQL text, and a database
 * administrator could read it from the statement log). Format: `v1.` + base64url of
 * iv (12 bytes) ‖ tag (16 bytes) ‖ ciphertext. `context` is bound as additional authenticated
 * data: a sealed value copied to another row or another purpose does not open.
 */
const VERSION = 'v1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Thrown when a sealed value does not open (wrong key, wrong context, or altered). */
export class SealedSecretError extends Error {
  override name = 'SealedSecretError';
}

/** Seals `plaintext` under `key` (32 bytes), bound to `context`. */
export function sealText(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return VERSION + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** Opens a value sealed by {@link sealText} with the same key and context. */
export function openText(key: Buffer, sealed: string, context: string): string {
  if (!sealed.startsWith(VERSION)) throw new SealedSecretError('unknown sealed value format');
  const raw = Buffer.from(sealed.slice(VERSION.length), 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new SealedSecretError('sealed value too short');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([
      decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    // The cause says nothing useful and must not echo anything: one plain error.
    throw new SealedSecretError('sealed value does not open with this key and context');
  }
}
