import { useLocaleState } from 'react-admin';

/**
 * The company's time zone (the service's `hr.timeZone`, sent in `GET /api/v1/me`). Every instant
 * the console shows is in this zone, not the browser's: a scheduled deactivation "at the end of
 * 31 December" must read 23:59 for an operator in Novosibirsk as for one in Moscow, and a
 * browser set to UTC must not show UTC. Until `/me` answers, the browser's zone is used.
 */
let companyTimeZone: string | undefined;

/** Remembers the company's time zone from `/me`; an unknown zone name is ignored. */
export function setCompanyTimeZone(timeZone: string | null | undefined): void {
  if (!timeZone) return;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    companyTimeZone = timeZone;
  } catch {
    // A zone this browser's ICU does not know: the browser's own zone is the best left.
  }
}

/** The zone instants are shown in (the company's once known). */
export function displayTimeZone(): string | undefined {
  return companyTimeZone;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${companyTimeZone ?? ''}|${JSON.stringify(options)}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(locale, { ...options, timeZone: companyTimeZone });
    formatters.set(key, found);
  }
  return found;
}

function parseInstant(value: string): Date | null {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Formats a timestamp for the locale (date and time, short) in the company's time zone. */
export function formatDateTime(value: string | null | undefined, locale: string): string {
  if (!value) return '—';
  const date = parseInstant(value);
  if (!date) return value;
  return dateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
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

/**
 * Formats an instant with seconds in the company's time zone, with the zone's offset
 * (`31 дек. 2026 г., 23:59:59 GMT+3`): the exact moment, unambiguous for a reader elsewhere.
 */
export function formatInstant(value: string | null | undefined, locale: string): string {
  if (!value) return '—';
  const date = parseInstant(value);
  if (!date) return value;
  return dateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'long' }).format(date);
}

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/;

function wallTimeParts(date: Date): string {
  const parts = Object.fromEntries(
    dateTimeFormat('en-CA', {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

function wallTimeAsUtc(local: string): number | null {
  const match = WALL_TIME.exec(local);
  if (!match) return null;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi);
}

/**
 * The company-zone wall time (`YYYY-MM-DDTHH:mm`) of an instant, for a `datetime-local` input:
 * a time filter reads in the same zone as the times in the list it filters.
 */
export function toCompanyWallTime(value: string | null | undefined): string {
  if (!value) return '';
  const date = parseInstant(value);
  return date ? wallTimeParts(date) : '';
}

/**
 * The instant (ISO 8601) a company-zone wall time means; the inverse of
 * {@link toCompanyWallTime}. The zone's offset is found by formatting a guess in the zone and
 * correcting by the difference, twice, so a guess across a DST change still lands.
 */
export function fromCompanyWallTime(local: string): string {
  const wanted = wallTimeAsUtc(local);
  if (wanted === null) return local;
  let guess = wanted;
  for (let round = 0; round < 2; round += 1) {
    const shown = wallTimeAsUtc(wallTimeParts(new Date(guess)));
    if (shown === null) break;
    guess -= shown - wanted;
  }
  return new Date(guess).toISOString();
}

/** Formats a count for the locale (`12 345` in Russian, `12,345` in English). */
export function formatNumber(value: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(value);
}

function unit(locale: string, name: string, value: number, fractionDigits = 0): string {
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: name,
    unitDisplay: 'short',
    maximumFractionDigits: fractionDigits,
  }).format(value);
}

/**
 * Formats a duration in milliseconds with the locale's unit names: `850 мс`, `1,3 с`,
 * `2 мин 5 с`, `1 ч 2 мин` (`850 ms`, `1.3 sec`, `2 min 5 sec` in English). Intl's unit
 * formatting gives the words and the decimal separator; the split into units is ours because
 * Intl.DurationFormat is not in every browser the console supports yet.
 */
export function formatDuration(ms: number | null | undefined, locale: string): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return unit(locale, 'millisecond', Math.round(ms));
  if (ms < 60_000) return unit(locale, 'second', ms / 1000, ms < 10_000 ? 1 : 0);
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const parts: string[] = [];
  if (hours > 0) parts.push(unit(locale, 'hour', hours));
  if (minutes > 0) parts.push(unit(locale, 'minute', minutes));
  // Seconds beside hours are noise; beside minutes they are the precision a run is read with.
  if (hours === 0 && seconds > 0) parts.push(unit(locale, 'second', seconds));
  return parts.join(' ');
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
    duration: (ms: number | null | undefined) => formatDuration(ms, locale),
    compare: (a: string, b: string) => collator(locale).compare(a, b),
  };
}
