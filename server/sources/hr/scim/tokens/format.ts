import { createHash, randomBytes } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const PREFIX_LENGTH = 12;
const TOKEN = /^scim_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

/** A freshly made SCIM token: the whole secret (shown once), its public prefix and its hash. */
export interface NewScimToken {
  token: string;
  prefix: string;
  hash: Buffer;
}

/** SHA-256 of a presented token, the form tokens are stored and configured in. */
export function scimTokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * Makes `scim_<prefix>_<secret>`: a 12-character alphanumeric prefix (looked up in the database,
 * safe to show) and 32 random bytes in base64url (the secret).
 */
export function newScimToken(): NewScimToken {
  const bytes = randomBytes(PREFIX_LENGTH);
  let prefix = '';
  // 62 does not divide 256: the tiny bias is irrelevant for a public lookup key.
  for (const byte of bytes) prefix += ALPHANUMERIC[byte % ALPHANUMERIC.length];
  const token = `scim_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { token, prefix, hash: scimTokenHash(token) };
}

/** The prefix of a token in our format, or null (config tokens may have any form). */
export function prefixOf(token: string): string | null {
  return TOKEN.exec(token)?.[1] ?? null;
}
