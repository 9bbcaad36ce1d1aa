import polyglotI18nProvider from 'ra-i18n-polyglot';
import type { TranslationMessages } from 'react-admin';
import { describe, expect, it } from 'vitest';
import { bulkJobsEn, bulkJobsRu } from '../../admin-ui/src/i18n/bulkJobs.ts';

// Only the bulk job messages are read here; react-admin's own (`ra`) are not needed.
const ru = bulkJobsRu as unknown as TranslationMessages;
const en = bulkJobsEn as unknown as TranslationMessages;

/*
 * The selection toolbar's whole count («Выбрано 120 человек») through the console's own
 * messages and i18n provider (react-admin's polyglot), in Russian's three plural forms and English's two.
 */

const count = (locale: string, n: number) => new Intl.NumberFormat(locale).format(n);

describe('the selection count in plural forms', () => {
  it('speaks Russian: один, несколько, много (11–14 are many)', () => {
    const { translate } = polyglotI18nProvider(() => ru, 'ru');
    const said = (n: number) =>
      translate('bulkjob.selected_all', { smart_count: n, count: count('ru', n) });
    expect(said(1)).toBe('Выбран 1 человек');
    expect(said(3)).toBe('Выбрано 3 человека');
    expect(said(5)).toBe('Выбрано 5 человек');
    expect(said(11)).toBe('Выбрано 11 человек');
    expect(said(21)).toBe('Выбран 21 человек');
    expect(said(22)).toBe('Выбрано 22 человека');
    expect(said(120)).toBe('Выбрано 120 человек');
    expect(said(5_000)).toBe('Выбрано 5\u00a0000 человек');
  });

  it('speaks English: one, other', () => {
    const { translate } = polyglotI18nProvider(() => en, 'en');
    const said = (n: number) =>
      translate('bulkjob.selected_all', { smart_count: n, count: count('en', n) });
    expect(said(1)).toBe('1 person selected');
    expect(said(120)).toBe('120 people selected');
    expect(said(5_000)).toBe('5,000 people selected');
  });
});
