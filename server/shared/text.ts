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
