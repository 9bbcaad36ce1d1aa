import { z } from 'zod';
import { hasUnsafeCharacters } from '../../../shared/text.ts';

// The rule itself lives in shared/text.ts, shared with the JSON API's input boundary.
export { hasUnsafeCharacters };

/** `schema`, refusing control characters and unpaired surrogates (400 invalidValue). */
export function clean(schema: z.ZodString): z.ZodString {
  return schema.refine(
    (value) => !hasUnsafeCharacters(value),
    'must not contain control characters or unpaired surrogates',
  );
}

/** A SCIM string we store: at most `max` characters, clean. */
export const scimString = (max: number) => clean(z.string().max(max));
