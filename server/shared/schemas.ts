import { z } from 'zod';
import { PLAN_NOTE_CODES, type PlanNoteCode } from './errorCodes.ts';
import { phoneE164 } from './phone.ts';
import { hasLoneSurrogate, UNSAFE_TEXT_MESSAGES } from './text.ts';

// C0/C1 control characters, DEL, and Unicode line/paragraph separators have no place in names.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: multi-line text allows \n and \t only
const CONTROL_MULTILINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

// Refinements name their registered field code (shared/errorCodes.ts) in `params.code`: the
// problem body carries it, and the console translates it instead of the English message.
const controlCharacters = {
  message: 'must not contain control characters',
  params: { code: 'control_character' },
};
const loneSurrogate = {
  message: UNSAFE_TEXT_MESSAGES.lone_surrogate,
  params: { code: 'lone_surrogate' },
};

/** A single-line text field: trimmed, NFC-normalized, no control characters, 1..max characters. */
export function line(max: number) {
  return z
    .string()
    .transform((value) => value.normalize('NFC').trim())
    .pipe(
      z
        .string()
        .min(1, 'must not be empty')
        .max(max, `must be at most ${max} characters`)
        .refine((value) => !CONTROL.test(value), controlCharacters)
        // An unpaired surrogate survives NFC and trim, then fails in jsonb (the outbox) or turns
        // into U+FFFD in a text column: refused here too, for callers that bypass the boundary.
        .refine((value) => !hasLoneSurrogate(value), loneSurrogate),
    );
}

/** A multi-line text field (descriptions, reasons): newlines and tabs allowed. */
export function paragraph(max: number) {
  return z
    .string()
    .transform((value) => value.normalize('NFC').trim())
    .pipe(
      z
        .string()
        .max(max, `must be at most ${max} characters`)
        .refine((value) => !CONTROL_MULTILINE.test(value), controlCharacters)
        .refine((value) => !hasLoneSurrogate(value), loneSurrogate),
    );
}

/** A UUID path or body parameter. */
export const uuid = z.uuid({ message: 'must be a UUID' });

/** An email address, lower-cased. */
export const email = z
  .string()
  .trim()
  .max(320)
  .pipe(z.email({ message: 'must be a valid email address' }))
  .transform((value) => value.toLowerCase());

/**
 * A phone number in any common format, normalized to E.164. Numbers without a country code are
 * read as Russian (the product's home market): `8 (916) 123-45-67` becomes `+79161234567`.
 */
export const phone = z
  .string()
  .max(40, 'must be at most 40 characters')
  .transform((value, ctx) => {
    const e164 = phoneE164(value);
    if (e164 === null) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a valid phone number',
        params: { code: 'invalid_phone' },
      });
      return z.NEVER;
    }
    return e164;
  });

/** A username: lower-case letters, digits, dot, dash, underscore; 2 to 64 characters. */
export const username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'must be 2-64 characters: a-z, 0-9, dot, dash, underscore');

/** `offset`/`limit` paging, with a maximum page size from the configuration. */
export function paging(maxLimit: number, defaultLimit: number) {
  return {
    offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(maxLimit, `must be at most ${maxLimit}`)
      .default(Math.min(defaultLimit, maxLimit)),
  };
}

/** Sort order. */
export const order = z.enum(['asc', 'desc']).default('asc');

/** An ISO 8601 timestamp query parameter. */
export const timestamp = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 timestamp' })
  .transform((value) => new Date(value));

/** A `{ id }` path. */
export const idParams = z.object({ id: uuid }).strict();

/** A list response. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), total: z.number().int() });
}

/**
 * One note of a sync plan item (a registered code and its params), also a status change's
 * reason phrase by phrase: the console says it in its language.
 */
export const planNote = z.object({
  code: z.enum(Object.keys(PLAN_NOTE_CODES) as [PlanNoteCode, ...PlanNoteCode[]]),
  params: z.record(z.string(), z.unknown()),
});
