import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * Phone numbers: one rule for every way in (forms, API, CSV, directory sources).
 *
 * libphonenumber-js decides; a number is read as Russian when it carries no country code. Its
 * parse costs ~4 µs and ~6 KB of garbage a call, the largest single cost of reading a directory
 * of a million people, so the commonest Russian shapes (`+7 (495) 123-45-67`,
 * `8 916 123 45 67`) are answered by a scan first. The scan answers only where its answer is
 * libphonenumber's own — a property test holds it to that on generated and arbitrary input — and
 * leaves every other input to the library.
 */

const PLUS = 43;
const DIGIT_0 = 48;
const DIGIT_9 = 57;
const SPACE = 32;
const HYPHEN = 45;
const OPEN = 40;
const CLOSE = 41;

/**
 * The first digits a 10-digit national number of country code 7 may start with in
 * libphonenumber's metadata: Russia's `[347-9]\d{9}` and Kazakhstan's `[78]\d{9}`. The property
 * test enumerates every first three digits, so a metadata update that changes this fails it.
 */
function validFirstDigit(code: number): boolean {
  const digit = code - DIGIT_0;
  return digit === 3 || digit === 4 || digit === 7 || digit === 8 || digit === 9;
}

/**
 * E.164 for a `+7` or `8` number of ten national digits separated only by spaces, hyphens and at
 * most one pair of parentheses, when that number is valid; `undefined` (undecided) for anything
 * else, including every invalid number. Exported for its property test.
 */
export function fastRussianE164(raw: string): string | undefined {
  let at: number;
  if (raw.charCodeAt(0) === PLUS && raw.charCodeAt(1) === DIGIT_0 + 7) at = 2;
  else if (raw.charCodeAt(0) === DIGIT_0 + 8) at = 1;
  else return undefined;
  let national = '';
  let opened = false;
  let inParens = false;
  for (; at < raw.length; at++) {
    const code = raw.charCodeAt(at);
    if (code >= DIGIT_0 && code <= DIGIT_9) {
      if (national === '' && !validFirstDigit(code)) return undefined;
      national += raw[at];
    } else if (code === OPEN) {
      if (opened) return undefined;
      opened = true;
      inParens = true;
    } else if (code === CLOSE) {
      if (!inParens) return undefined;
      inParens = false;
    } else if (code !== SPACE && code !== HYPHEN) return undefined;
  }
  const last = raw.charCodeAt(raw.length - 1);
  if (national.length !== 10 || inParens || last < DIGIT_0 || last > DIGIT_9) return undefined;
  return `+7${national}`;
}

/** libphonenumber's answer: E.164 when the text holds a valid number (Russian by default). */
export function libraryE164(raw: string): string | null {
  const parsed = parsePhoneNumberFromString(raw, 'RU');
  return parsed?.isValid() ? parsed.number : null;
}

/**
 * A phone number in any common format as E.164 (`+79161234567`), or null when it is not a valid
 * number. Numbers without a country code are read as Russian.
 */
export function phoneE164(raw: string): string | null {
  return fastRussianE164(raw) ?? libraryE164(raw);
}
