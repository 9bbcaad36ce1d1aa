import { z } from 'zod';

/** A named secret kept only as its SHA-256 (hex): core API keys, SCIM tokens from config. */
const namedHash = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 characters: A-Z a-z 0-9 . _ -'),
    sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits')
      .transform((hex) => hex.toLowerCase()),
  })
  .strict();

/**
 * A list of named hashes: `name:sha256hex,...` from an environment variable (replacing the
 * file's list), or a list of `{ name, sha256 }` in the configuration. Names are unique.
 */
export const namedHashList = z.preprocess(
  (value) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== '')
          .map((item) => {
            const [name = '', sha256 = ''] = item.split(':');
            return { name, sha256 };
          })
      : value,
  z
    .array(namedHash)
    .refine(
      (keys) => new Set(keys.map((k) => k.name)).size === keys.length,
      'names must be unique',
    ),
);
