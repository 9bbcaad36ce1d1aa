import { useLocaleState } from 'react-admin';

/** Formats a timestamp for the locale (date and time, short). */
export function formatDateTime(value: string | null | undefined, locale: string): string {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** Formats a count for the locale. */
export function formatNumber(value: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(value);
}

const collators = new Map<string, Intl.Collator>();

/** A collator that sorts Cyrillic and Latin names right for the locale (ё with е). */
export function collator(locale: string): Intl.Collator {
  let found = collators.get(locale);
  if (!found) {
    found = new Intl.Collator(locale === 'en' ? ['en', 'ru'] : ['ru', 'en'], {
      sensitivity: 'base',
      numeric: true,
    });
    collators.set(locale, found);
  }
  return found;
}

/** The current locale with formatters bound to it. */
export function useFormat() {
  const [locale] = useLocaleState();
  return {
    locale,
    dateTime: (value: string | null | undefined) => formatDateTime(value, locale),
    number: (value: number) => formatNumber(value, locale),
    compare: (a: string, b: string) => collator(locale).compare(a, b),
  };
}
