/**
 * Escapes a value for use inside an LDAP search filter (RFC 4515 §3): `*`, `(`, `)`, `\` and NUL
 * must be written as `\XX`. Other ASCII control characters are escaped too, which RFC 4515 allows
 * and which keeps logs and server parsers out of trouble. Non-ASCII text (Cyrillic names) stays
 * UTF-8 as the RFC's `UTF1SUBSET`/`UTFMB` permit.
 */
export function escapeFilterValue(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (
      char === '*' ||
      char === '(' ||
      char === ')' ||
      char === '\\' ||
      code < 0x20 ||
      code === 0x7f
    )
      out += `\\${code.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return out;
}

/** `(&<filter>(<attribute>=<escaped value>))`: the one entry a login name should match. */
export function loginFilter(userFilter: string, attribute: string, value: string): string {
  return `(&${userFilter}(${attribute}=${escapeFilterValue(value)}))`;
}

/**
 * Whether a value holds ASCII control characters (NUL included). Such a login name is refused
 * outright: Samba ends an escaped NUL-bearing value at the NUL (`ivanov\00` matches `ivanov`), so
 * escaping alone does not keep it from matching someone else.
 */
export function hasControlCharacters(value: string): boolean {
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
