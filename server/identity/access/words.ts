import type { ExportLang } from './csv.ts';

/*
 * The words of the access exports (a spreadsheet reader wants words, not codes), in the
 * console's terms (docs/glossary.md): сотрудник, пространство, организация, деактивация.
 */

const STATUS: Record<ExportLang, Record<string, string>> = {
  ru: {
    pending: 'Ожидает',
    active: 'Активен',
    suspended: 'Приостановлен',
    deactivated: 'Деактивирован',
  },
  en: { pending: 'Pending', active: 'Active', suspended: 'Suspended', deactivated: 'Deactivated' },
};

const ROLE: Record<ExportLang, Record<string, string>> = {
  ru: {
    superadmin: 'Суперадминистратор',
    admin: 'Администратор',
    staff: 'Оператор',
    auditor: 'Аудитор',
  },
  en: { superadmin: 'Superadmin', admin: 'Admin', staff: 'Staff', auditor: 'Auditor' },
};

const VIA: Record<ExportLang, Record<string, string>> = {
  ru: {
    manual: 'Вручную',
    directory_group: 'Группа каталога',
    directory: 'Каталог',
    hr: 'Кадровая система',
    scim: 'SCIM',
    import: 'Загрузка',
  },
  en: {
    manual: 'By hand',
    directory_group: 'Directory group',
    directory: 'Directory',
    hr: 'HR system',
    scim: 'SCIM',
    import: 'Bulk load',
  },
};

const GONE: Record<ExportLang, Record<string, string>> = {
  ru: {
    source_removed: 'источник удалён',
    deactivation_not_applied: 'деактивация не применена',
  },
  en: {
    source_removed: 'source removed',
    deactivation_not_applied: 'deactivation not applied',
  },
};

const word =
  (table: Record<ExportLang, Record<string, string>>) => (lang: ExportLang, code: string) =>
    table[lang][code] ?? code;

/** A person's status as a word. */
export const statusWord = word(STATUS);
/** A back-office role as a word. */
export const roleWord = word(ROLE);
/** Why a person is in a space or an organization, as a word. */
export const viaWord = word(VIA);
/** Why a source counts a person as gone, as a word. */
export const goneWord = word(GONE);
