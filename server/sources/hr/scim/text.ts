import { z } from 'zod';

/**
 * Whether a string holds a C0 control character (U+0000–U+001F) or a UTF-16 surrogate that is
 * not half of a pair. PostgreSQL refuses NUL in text outright, and an unpaired surrogate cannot be
 * encoded in UTF-8 (it would be stored as U+FFFD): neither belongs in a name or an id.
 */
export function hasUnsafeCharacters(value: string): boolean {
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if (code < 0x20) return true;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i += 1;
    } else if (code >= 0xdc00 && code <= 0xdfff) return true;
  }
  return false;
}

/** `schema`, refusing control characters and unpaired surrogates (400 invalidValue). */
export function clean(schema: z.ZodString): z.ZodString {
  return schema.refine(
    (value) => !hasUnsafeCharacters(value),
    'must not contain control characters or unpaired surrogates',
  );
}

/** A SCIM string we store: at most `max` characters, clean. */
export const scimString = (max: number) => clean(z.string().max(max));
