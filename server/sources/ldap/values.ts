import type { Entry } from 'ldapts';

/**
 * An attribute's values as text, however ldapts gives them: one value bare, several in a list,
 * none when the entry lacks the attribute (ldapts also gives an attribute asked for and not
 * sent as an empty list).
 */
export function valueTexts(raw: Entry[string] | undefined): string[] {
  if (raw === undefined) return [];
  return Array.isArray(raw) ? raw.map((value) => value.toString()) : [raw.toString()];
}
