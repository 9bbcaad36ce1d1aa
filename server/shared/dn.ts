/*
 * Comparing distinguished names for "is this entry under that base DN". A full RFC 4514 parser
 * is not needed: directories answer with their own spelling of a DN, and an administrator types
 * the base DN by hand, so the two differ in letter case and in the spaces around `,`, `=` and
 * `+` (`OU=Moscow, DC=corp` against `OU=Moscow,DC=corp`), which LDAP ignores. Escaped
 * separators (`\,`) are left as they are.
 */

/** A DN's comparison key: lower case, no insignificant spaces around separators. */
export function dnMatchKey(dn: string): string {
  return dn
    .trim()
    .toLowerCase()
    .replace(/(?<!\\)\s*([,=+])\s*/g, '$1');
}

/** Whether `dn` is `base` itself or an entry below it. */
export function dnWithin(dn: string, base: string): boolean {
  const key = dnMatchKey(dn);
  const baseKey = dnMatchKey(base);
  return key === baseKey || key.endsWith(`,${baseKey}`);
}

/** Whether `dn` is one of `bases` or below one of them. */
export function dnWithinAny(dn: string, bases: readonly string[]): boolean {
  return bases.some((base) => dnWithin(dn, base));
}
