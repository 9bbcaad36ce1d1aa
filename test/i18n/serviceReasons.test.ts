import polyglotI18nProvider from 'ra-i18n-polyglot';
import { beforeAll, describe, expect, it } from 'vitest';
import { reasonNotesOf, reasonText } from '../../admin-ui/src/components/serviceReason.ts';
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
  "the company's time zone is Asia/Yekaterinburg",
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
    // Every Latin word left is data: a source's id, a date, the client's name, a time zone.
    const latin = russian.match(/[A-Za-z]{3,}/g) ?? [];
    expect(latin.filter((word) => !/^(corp|ad|SCIM|Asia|Yekaterinburg)$/i.test(word))).toEqual([]);
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

  // A source's reason is its plan item's English line (server/sources/reconcile/plan.ts); the
  // status change stores the item's notes beside it (changeStatus.ts, reasonNotes).
  const SOURCE_SAYS: readonly (readonly [string, string, Record<string, unknown>])[] = [
    ['directory source corp-ad: disabled in the source', 'disabled_in_source', {}],
    ['directory source corp-ad: not found in the source', 'not_found_in_source', {}],
    ['directory source corp-ad: enabled again in the source', 'enabled_again', {}],
    ['HR hr-import: on leave in the source', 'on_leave', {}],
    ['HR hr-import: back from leave in the source', 'back_from_leave', {}],
    ['HR hr-import: not in the complete list', 'not_in_complete_list', {}],
    ['HR hr-import: left on 2031-03-15', 'left_on', { date: '2031-03-15' }],
  ];

  it.each(SOURCE_SAYS)('says what a source said («%s») from its codes', (written, code, params) => {
    const coded = (locale: string) => ({ notes: [{ code, params }], locale });
    const russian = reasonText(written, ru, (iso) => `день ${iso}`, coded('ru'));
    expect(russian).toMatch(/^(Источник каталога|Кадровый источник) «[^»]+»: /);
    const latin = russian.match(/[A-Za-z]{3,}/g) ?? [];
    expect(latin.filter((word) => !/^(corp|ad)$/i.test(word))).toEqual([]);
    expect(russian).not.toMatch(/plan_notes|%\{/);
    // Without its codes (a change recorded before they were stored) the line stays as written.
    expect(reasonText(written, ru)).toContain(written.slice(written.indexOf(': ') + 2));
    expect(reasonText(written, en, undefined, coded('en'))).not.toMatch(/plan_notes|%\{/);
  });

  it('joins several coded phrases, and keeps the English line when one has no words here', () => {
    const written = 'directory source corp-ad: disabled in the source; linked by employee number';
    const notes = [
      { code: 'disabled_in_source', params: {} },
      { code: 'linked_by', params: { key: 'employeeId' } },
    ];
    const both = reasonText(written, ru, undefined, { notes, locale: 'ru' });
    expect(both).toBe(
      'Источник каталога «corp-ad»: Учётная запись отключена в источнике; ' +
        'Связь установлена по табельному номеру',
    );
    const unknown = [...notes, { code: 'said_by_a_newer_server', params: {} }];
    expect(reasonText(written, ru, undefined, { notes: unknown, locale: 'ru' })).toContain(
      'disabled in the source; linked by employee number',
    );
  });

  it('reads the codes an audit event keeps for its reason, and only whole ones', () => {
    const note = { note: 'left_on', params: { date: '2031-03-15' } };
    expect(reasonNotesOf({ door: 'hr-import', reasonNotes: [note] })).toEqual([
      { code: 'left_on', params: { date: '2031-03-15' } },
    ]);
    // The log redacts every field named `code`, at any depth: such a note is not said.
    const redacted = { note: 'left_on', params: { error: { code: '[redacted]' } } };
    expect(reasonNotesOf({ reasonNotes: [note, redacted] })).toBeNull();
    for (const details of [null, 'text', {}, { reasonNotes: 'x' }, { reasonNotes: [{ note: 1 }] }])
      expect(reasonNotesOf(details)).toBeNull();
  });

  it('leaves a reason a person typed as typed', () => {
    for (const typed of ['Уволен по собственному желанию', 'terminated by HR request', ''])
      expect(reasonText(typed, ru)).toBe(typed);
    // Codes say only what a source said, never a typed reason.
    const coded = { notes: [{ code: 'disabled_in_source', params: {} }], locale: 'ru' };
    expect(reasonText('terminated by HR request', ru, undefined, coded)).toBe(
      'terminated by HR request',
    );
    expect(reasonText(null, ru)).toBe('');
  });
});
