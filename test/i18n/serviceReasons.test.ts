import polyglotI18nProvider from 'ra-i18n-polyglot';
import { beforeAll, describe, expect, it } from 'vitest';
import { reasonText } from '../../admin-ui/src/components/serviceReason.ts';
import { CYRILLIC, loadMessages } from './dictionaries.ts';

type Translate = (key: string, options?: Record<string, unknown>) => string;

/*
 * Reasons exactly as the service's writers store them. The same strings are pinned by the
 * writers' own tests (test/hr/scheduledFire.test.ts, test/hr/scim*.test.ts, the sync's apply
 * tests), so a writer that changes its words breaks there and here together.
 */
const WRITTEN = [
  'termination date reached',
  'hire date reached',
  'termination date 2031-03-15',
  'hire date 2031-09-01',
  'scheduled for 2031-03-15: уходит по собственному желанию',
  'scheduled for 2031-03-15',
  'the last active superadmin is never deactivated',
  'already deactivated',
  'no longer pending (active)',
  'termination date 2031-03-15 has passed (SCIM)',
  'deactivated by SCIM client 1C:ЗУП',
  'deleted by SCIM client 1C:ЗУП',
  'deactivated by directory source corp-ad',
  'suspended by HR hr-import',
  'directory source corp-ad: gone from the source',
  'HR hr-import: gone from the source',
  'Registered by invitation',
  'Enrollment completed',
  'back-office role changed',
];

let ru: Translate;
let en: Translate;

beforeAll(async () => {
  const messages = await loadMessages();
  type Loaded = Awaited<ReturnType<Parameters<typeof polyglotI18nProvider>[0]>>;
  const i18n = (locale: 'ru' | 'en') =>
    polyglotI18nProvider(() => messages[locale] as Loaded, locale);
  ru = i18n('ru').translate as Translate;
  en = i18n('en').translate as Translate;
});

describe('reasons the service writes itself read in words (issue 16)', () => {
  it.each(WRITTEN)('«%s» in Russian and in English', (written) => {
    const russian = reasonText(written, ru, (iso) => `день ${iso}`);
    const english = reasonText(written, en);
    expect(russian, 'Russian').not.toBe(written);
    expect(russian).toMatch(CYRILLIC);
    // Every Latin word left is data: a source's id, a date, the client's name.
    const latin = russian.match(/[A-Za-z]{3,}/g) ?? [];
    expect(latin.filter((word) => !/^(corp|ad|SCIM)$/i.test(word))).toEqual([]);
    expect(english).not.toMatch(/app\.service_reason|%\{/);
    expect(russian).not.toMatch(/app\.service_reason|%\{/);
  });

  it('names the service’s own source and the day in the console’s words', () => {
    expect(reasonText('HR hr-import: gone from the source', ru)).toBe(
      'Кадровый источник «Кадровый файл»: сотрудника больше нет в источнике',
    );
    expect(reasonText('termination date 2031-03-15', ru, () => '15 марта 2031 г.')).toBe(
      'Дата увольнения: 15 марта 2031 г.',
    );
  });

  it('leaves a reason a person typed as typed', () => {
    for (const typed of ['Уволен по собственному желанию', 'terminated by HR request', ''])
      expect(reasonText(typed, ru)).toBe(typed);
    expect(reasonText(null, ru)).toBe('');
  });
});
