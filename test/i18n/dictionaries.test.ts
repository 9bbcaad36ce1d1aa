import polyglotI18nProvider from 'ra-i18n-polyglot';
import { beforeAll, describe, expect, it } from 'vitest';
import { CYRILLIC, type Dictionaries, loadDictionaries, loadMessages } from './dictionaries.ts';

/**
 * Texts that stay the same in Russian: names of products and protocols, codes shown as data,
 * and patterns made only of placeholders. Anything else without a Cyrillic letter, or equal to
 * its English, is English left on the Russian side.
 */
const NAMES_AND_CODES = new Set([
  'Active Directory',
  'LDAP',
  'LDAPS (ldaps://)',
  'AD/LDAP',
  'SCIM',
  'DNS',
  'TLS',
  'STARTTLS',
  'Email (OTP)',
  '№',
]);

/** A text with nothing to translate: placeholders, punctuation and spaces only. */
function onlyPlaceholders(text: string): boolean {
  return !/\p{L}/u.test(text.replace(/%\{\w+\}/g, ''));
}

/** Placeholders react-admin passes though its English text does not use them. */
const ALSO_GIVEN: Record<string, string[]> = { 'ra.sort.sort_by': ['field'] };

const placeholders = (text: string) =>
  new Set([...text.matchAll(/%\{(\w+)\}/g)].map((match) => match[1] as string));

let dictionaries: Dictionaries;
beforeAll(async () => {
  dictionaries = await loadDictionaries();
});

describe('the console dictionaries (admin-ui/src/i18n)', () => {
  it('have the same keys in Russian and English', () => {
    const { en, ru } = dictionaries;
    expect([...en.keys()].filter((key) => !ru.has(key))).toEqual([]);
    // ra-language-russian still carries a key react-admin 5 dropped (`ra.navigation.prev`):
    // harmless, and not ours to delete; any other extra key is a typo on the Russian side.
    expect([...ru.keys()].filter((key) => !en.has(key) && !key.startsWith('ra.'))).toEqual([]);
    // Not vacuous: both hold the app's and react-admin's texts.
    expect(ru.get('ra.navigation.page_range_info')).toBe('%{offsetBegin}–%{offsetEnd} из %{total}');
    expect(ru.size).toBeGreaterThan(1000);
  });

  it('write every Russian text in Cyrillic, outside names and codes', () => {
    const latin = [...dictionaries.ru].filter(
      ([, text]) => !CYRILLIC.test(text) && !NAMES_AND_CODES.has(text) && !onlyPlaceholders(text),
    );
    expect(latin).toEqual([]);
  });

  it('never leave a Russian text equal to the English, outside names and codes', () => {
    const { en, ru } = dictionaries;
    const same = [...ru].filter(
      ([key, text]) =>
        en.get(key) === text && !NAMES_AND_CODES.has(text) && !onlyPlaceholders(text),
    );
    expect(same).toEqual([]);
  });

  it('give Russian counts three plural forms and English two (polyglot smart_count)', () => {
    const wrong: string[] = [];
    for (const [language, forms] of [
      ['ru', 3],
      ['en', 2],
    ] as const) {
      for (const [key, text] of dictionaries[language]) {
        const count = text.split('||||').length;
        // A resource's name is react-admin's pair "singular |||| plural" (it asks for 1 or 2).
        const expected = /^resources\.[^.]+\.name$/.test(key) ? 2 : forms;
        if (count > 1 && count !== expected) wrong.push(`${language} ${key}: ${count} forms`);
      }
    }
    expect(wrong).toEqual([]);
    // 1, 2 and 5 people read as a Russian product team writes them.
    const people = dictionaries.ru.get('app.count.people') ?? '';
    const [one, few, many] = people.split(' |||| ');
    expect([one, few, many]).toEqual([
      '%{count} сотрудник',
      '%{count} сотрудника',
      '%{count} сотрудников',
    ]);
  });

  it('pick the Russian plural form the way a Russian reader expects (through polyglot)', async () => {
    const { en, ru } = await loadMessages();
    // Our Messages type is a plain nested record; react-admin's is the same shape, named.
    type Loaded = Awaited<ReturnType<Parameters<typeof polyglotI18nProvider>[0]>>;
    const i18n = polyglotI18nProvider((locale) => (locale === 'en' ? en : ru) as Loaded, 'ru');
    const people = (n: number) => i18n.translate('app.count.people', { smart_count: n, count: n });
    expect([1, 2, 5, 11, 21, 22, 25, 101].map(people)).toEqual([
      '1 сотрудник',
      '2 сотрудника',
      '5 сотрудников',
      '11 сотрудников',
      '21 сотрудник',
      '22 сотрудника',
      '25 сотрудников',
      '101 сотрудник',
    ]);
    expect(i18n.translate('app.bulk.title.deactivate', { smart_count: 3 })).toBe(
      'Деактивировать 3 сотрудников',
    );
  });

  it('use in Russian only the placeholders the English text is given', () => {
    const { en, ru } = dictionaries;
    const unknown: string[] = [];
    for (const [key, text] of ru) {
      const given = placeholders(en.get(key) ?? '');
      for (const name of ALSO_GIVEN[key] ?? []) given.add(name);
      for (const name of placeholders(text))
        if (!given.has(name) && name !== 'smart_count') unknown.push(`${key}: %{${name}}`);
    }
    expect(unknown).toEqual([]);
  });

  it('name the back-office staff role apart from the people it acts on', () => {
    const { ru } = dictionaries;
    // «Сотрудник» is a person of the directory (glossary); the role must not read the same.
    expect(ru.get('app.role.staff')).toBe('Оператор');
    expect(ru.get('resources.users.name')).toBe('Сотрудник |||| Сотрудники');
    const roles = ['superadmin', 'admin', 'auditor', 'staff'].map((role) =>
      ru.get(`app.role.${role}`),
    );
    expect(roles.filter((name) => /сотрудник/i.test(name ?? ''))).toEqual([]);
  });
});
