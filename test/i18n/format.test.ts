import { beforeAll, describe, expect, it } from 'vitest';

/** admin-ui/src/format.ts (loaded by a computed path, as dictionaries.ts explains). */
interface Format {
  formatDuration(ms: number | null | undefined, locale: string): string;
  formatInstant(value: string | null | undefined, locale: string): string;
  formatDateTime(value: string | null | undefined, locale: string): string;
  formatDate(value: string | null | undefined, locale: string): string;
  formatNumber(value: number, locale: string): string;
  setCompanyTimeZone(timeZone: string | null | undefined): void;
  toCompanyWallTime(value: string | null | undefined): string;
  fromCompanyWallTime(local: string): string;
  displayTimeZone(): string | undefined;
}

let format: Format;
beforeAll(async () => {
  const url = new URL('../../admin-ui/src/format.ts', import.meta.url).href;
  format = (await import(/* @vite-ignore */ url)) as Format;
});

// Intl separates numbers from units with a no-break space: compare with plain spaces.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('the console formats numbers, durations and times for the reader (admin-ui/src/format.ts)', () => {
  it('writes durations with the locale’s units and decimal separator', () => {
    const ru = (ms: number) => plain(format.formatDuration(ms, 'ru'));
    const en = (ms: number) => plain(format.formatDuration(ms, 'en'));
    expect(ru(1290)).toBe('1,3 с');
    expect(en(1290)).toBe('1.3 sec');
    expect(ru(850)).toBe('850 мс');
    expect(ru(42_400)).toBe('42 с');
    expect(ru(125_000)).toBe('2 мин 5 с');
    expect(ru(3_725_000)).toBe('1 ч 2 мин');
    expect(format.formatDuration(null, 'ru')).toBe('—');
  });

  it('groups thousands as Russian does', () => {
    expect(plain(format.formatNumber(100_000, 'ru'))).toBe('100 000');
    expect(format.formatNumber(100_000, 'en')).toBe('100,000');
  });

  it('shows instants in the company’s time zone, not the browser’s', () => {
    // The end of 31 December in Yekaterinburg (UTC+5), whatever zone this process runs in.
    const endOfDay = '2026-12-31T18:59:59.000Z';
    format.setCompanyTimeZone('Asia/Yekaterinburg');
    expect(format.displayTimeZone()).toBe('Asia/Yekaterinburg');
    expect(plain(format.formatInstant(endOfDay, 'ru'))).toBe('31 дек. 2026 г., 23:59:59 GMT+5');
    expect(plain(format.formatDateTime(endOfDay, 'ru'))).toBe('31 дек. 2026 г., 23:59');
    // A zone the browser does not know is ignored, not a blank page.
    format.setCompanyTimeZone('Nowhere/Atlantis');
    expect(format.displayTimeZone()).toBe('Asia/Yekaterinburg');
    format.setCompanyTimeZone('Europe/Moscow');
    expect(plain(format.formatInstant(endOfDay, 'ru'))).toBe('31 дек. 2026 г., 21:59:59 GMT+3');
  });

  it('reads a time filter in the company’s zone, as the list it filters shows times', () => {
    format.setCompanyTimeZone('Asia/Yekaterinburg');
    expect(format.fromCompanyWallTime('2026-12-31T23:59')).toBe('2026-12-31T18:59:00.000Z');
    expect(format.toCompanyWallTime('2026-12-31T18:59:00.000Z')).toBe('2026-12-31T23:59');
    // A zone with summer time: each side of the change gets its own offset.
    format.setCompanyTimeZone('Europe/Berlin');
    expect(format.fromCompanyWallTime('2026-07-01T12:00')).toBe('2026-07-01T10:00:00.000Z');
    expect(format.fromCompanyWallTime('2026-01-15T12:00')).toBe('2026-01-15T11:00:00.000Z');
    expect(format.toCompanyWallTime('2026-07-01T10:00:00.000Z')).toBe('2026-07-01T12:00');
    expect(format.toCompanyWallTime(null)).toBe('');
  });

  it('shows a calendar date as that day in any zone', () => {
    format.setCompanyTimeZone('Asia/Vladivostok');
    expect(plain(format.formatDate('2026-03-01', 'ru'))).toBe('1 марта 2026 г.');
  });
});
