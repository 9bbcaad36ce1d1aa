/**
 * A readable "who" from what the API embeds: a person reference (its «Фамилия Имя Отчество»
 * when the API gives it, else its display name), a label string (a system actor such as
 * `scheduler`), or nothing.
 */
export function personLabel(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') {
    const ref = value as {
      fullName?: unknown;
      displayName?: unknown;
      label?: unknown;
      username?: unknown;
    };
    for (const candidate of [ref.fullName, ref.displayName, ref.label, ref.username]) {
      if (typeof candidate === 'string' && candidate !== '') return candidate;
    }
  }
  return String(value);
}
