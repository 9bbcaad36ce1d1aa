import { useLocaleState } from 'react-admin';

/** Formats a timestamp for the locale (date and time, short). */
export function formatDateTime(value: string | null | undefined, locale: string): string {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/**
 * Formats a calendar date (`YYYY-MM-DD`) for the locale as that very day, whatever the browser's
 * time zone (it is read and shown in UTC, so no zone shifts it to the day before).
 */
export function formatDate(value: string | null | undefined, locale: string): string {
  if (!value) return '—';
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return value;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

/** Formats an instant with seconds and the name of the browser's time zone. */
export function formatInstant(value: string | null | undefined, locale: string): string {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'long',
  }).format(date);
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
    date: (value: string | null | undefined) => formatDate(value, locale),
    instant: (value: string | null | undefined) => formatInstant(value, locale),
    number: (value: number) => formatNumber(value, locale),
    compare: (a: string, b: string) => collator(locale).compare(a, b),
  };
}
