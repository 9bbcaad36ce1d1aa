/**
 * The one rule for characters that no input may carry (issue 12, "one input boundary"). The JSON
 * API's boundary (http/inputBoundary.ts), the text schemas (schemas.ts) and SCIM (sources/hr/scim/
 * text.ts) all ask this module, so the rule cannot drift between doors.
 *
 * Refused: C0 control characters (U+0000–U+001F) and UTF-16 surrogates that are not half of a
 * pair. PostgreSQL stores no NUL in text and refuses `\u0000` and unpaired `\ud800` escapes in
 * jsonb (the outbox, audit details); an unpaired surrogate is not a Unicode character and cannot
 * be encoded in UTF-8 (the driver would store U+FFFD, so two different inputs would collide).
 * Multi-line text (descriptions, reasons) may carry tab, line feed and carriage return.
 */

/** Which line-break characters a value may carry. */
export type TextKind = 'singleLine' | 'multiLine';

/** Why a value was refused, or null when it is clean. */
export type UnsafeReason = 'control_character' | 'lone_surrogate';

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

/** The first reason `value` must be refused, or null. `multiLine` lets tab, LF and CR through. */
export function unsafeCharacterIn(
  value: string,
  kind: TextKind = 'singleLine',
): UnsafeReason | null {
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if (code < 0x20) {
      if (kind === 'multiLine' && (code === TAB || code === LF || code === CR)) continue;
      return 'control_character';
    }
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return 'lone_surrogate';
      i += 1;
    } else if (code >= 0xdc00 && code <= 0xdfff) return 'lone_surrogate';
  }
  return null;
}

/** Whether a single-line value holds a C0 control character or an unpaired surrogate. */
export function hasUnsafeCharacters(value: string): boolean {
  return unsafeCharacterIn(value) !== null;
}

/** Whether a value holds a UTF-16 surrogate that is not half of a pair (controls aside). */
export function hasLoneSurrogate(value: string): boolean {
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i += 1;
    } else if (code >= 0xdc00 && code <= 0xdfff) return true;
  }
  return false;
}

/** A message for a refused value, as problem+json `errors[].message` and SCIM `detail` say it. */
export const UNSAFE_TEXT_MESSAGES: Record<UnsafeReason, string> = {
  control_character: 'must not contain NUL or other control characters',
  lone_surrogate: 'must not contain unpaired UTF-16 surrogates (not Unicode text)',
};

// One segmenter for every cut: grapheme rules do not depend on the locale, and building a
// segmenter costs far more than using one.
const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

// A cut that would drop more than this many code units to keep a cluster whole (text stacked
// with thousands of combining marks) cuts between code points instead: the cluster is garbage
// already, and the field should not shrink to nothing because of it.
const MAX_CLUSTER_LOSS = 32;

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/**
 * Whether a grapheme boundary lies between the code units `before` and `after`, for sure,
 * without segmenting: `after` is Latin, Greek or Cyrillic but no combining mark (U+0300–036F,
 * U+0483–0489), which nothing extends, and `before` is below U+0600, so no Prepend character
 * (Arabic and up), no ZWJ, no surrogate (emoji, flags) (UAX #29). Controls are never here: the
 * callers replaced them. Covers the usual cut in the middle of a word.
 */
function plainBoundary(before: number, after: number): boolean {
  return (
    before < 0x600 &&
    (after < 0x300 || (after >= 0x370 && after < 0x483) || (after >= 0x48a && after < 0x530))
  );
}

/**
 * `value` cut to at most `max` UTF-16 code units (the unit of `.length` and of the API's zod
 * limits, so a cut value always passes them; PostgreSQL's `length()` counts code points, never
 * more), on a grapheme-cluster boundary: never half of a surrogate pair (a lone surrogate fails
 * in jsonb, issue 13), never a letter without its accent or a family emoji without its members.
 * Only values over the limit pay for anything; a cut inside Latin, Greek or Cyrillic text needs
 * no segmentation, other cuts segment the first `max + 2` units only (measured: about 5 µs).
 */
export function cutText(value: string, max: number): string {
  if (value.length <= max) return value;
  if (max > 0 && plainBoundary(value.charCodeAt(max - 1), value.charCodeAt(max)))
    return value.slice(0, max);
  // Two units past the limit: the whole code point after it decides whether `max` is a boundary.
  const start = GRAPHEMES.segment(value.slice(0, max + 2)).containing(max)?.index ?? max;
  if (start > 0 && max - start <= MAX_CLUSTER_LOSS) return value.slice(0, start);
  return value.slice(0, isHighSurrogate(value.charCodeAt(max - 1)) ? max - 1 : max);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const ANY_SURROGATE = /[\ud800-\udfff]/;

/**
 * `value` with every unpaired surrogate replaced by U+FFFD, as a UTF-8 encoder would
 * (`String.prototype.toWellFormed`, not in our ES2023 lib). For display text only: an
 * identifier with one must be refused, since two different values would become one.
 */
export function wellFormed(value: string): string {
  return ANY_SURROGATE.test(value) ? value.replace(LONE_SURROGATE, '\ufffd') : value;
}

const SURROGATE_PAIR = /[\ud800-\udbff][\udc00-\udfff]/g;

/** The number of code points of `value` (what a person, and PostgreSQL, call characters). */
export function codePointLength(value: string): number {
  if (!ANY_SURROGATE.test(value)) return value.length;
  return value.length - (value.match(SURROGATE_PAIR)?.length ?? 0);
}
