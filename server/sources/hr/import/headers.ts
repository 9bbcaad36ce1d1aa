import { unprocessable } from '../../../shared/errors.ts';

import { IMPORT_FIELDS, type ImportField } from '../../vocabulary.ts';

export { IMPORT_FIELDS, type ImportField };

/** Which header feeds each field (the header's text as in the file). */
export type ColumnMapping = Partial<Record<ImportField, string>>;

/** Header names recognised for each field, in Russian and English (compared normalized). */
const ALIASES: Record<ImportField, readonly string[]> = {
  fullName: [
    'ФИО',
    'Фамилия Имя Отчество',
    'Фамилия, имя, отчество',
    'Сотрудник',
    'Работник',
    'Физическое лицо',
    'Full name',
    'Name',
    'Employee name',
  ],
  familyName: ['Фамилия', 'Last name', 'Surname', 'Family name'],
  givenName: ['Имя', 'First name', 'Given name'],
  middleName: ['Отчество', 'Middle name', 'Patronymic'],
  title: ['Должность', 'Position', 'Job title', 'Title'],
  department: [
    'Подразделение',
    'Отдел',
    'Департамент',
    'Структурное подразделение',
    'Department',
    'Division',
  ],
  phone: [
    'Телефон',
    'Моб. телефон',
    'Мобильный телефон',
    'Мобильный',
    'Рабочий телефон',
    'Phone',
    'Mobile',
    'Mobile phone',
    'Phone number',
  ],
  email: ['Email', 'E-mail', 'Эл. почта', 'Электронная почта', 'Почта', 'Mail', 'Email address'],
  employeeId: [
    'Табельный номер',
    'Таб. №',
    'Таб. номер',
    'Табельный №',
    'Таб.номер',
    'Employee number',
    'Employee ID',
    'Employee No',
    'Personnel number',
  ],
  hireDate: [
    'Дата приёма',
    'Дата приема',
    'Дата приёма на работу',
    'Дата приема на работу',
    'Hire date',
    'Start date',
  ],
  terminationDate: ['Дата увольнения', 'Termination date', 'End date'],
  suspended: [
    'Приостановлен',
    'Приостановка',
    'Отсутствие',
    'Длительное отсутствие',
    'Отпуск по уходу',
    'Состояние',
    'Suspended',
    'On leave',
    'Leave of absence',
  ],
  username: ['Логин', 'Имя пользователя', 'Username', 'Login', 'User name'],
};

/** A header reduced for comparison: case, ё, spaces and punctuation do not matter; № = номер. */
export function normalizeHeader(header: string): string {
  return header
    .toLowerCase()
    .replaceAll('ё', 'е')
    .replaceAll('№', 'номер')
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

const BY_ALIAS = new Map<string, ImportField>(
  IMPORT_FIELDS.flatMap((field) => ALIASES[field].map((alias) => [normalizeHeader(alias), field])),
);

/** Where each mapped field is in a row, and what was not used. */
export interface ResolvedColumns {
  /** Field → index of its column. */
  columns: Partial<Record<ImportField, number>>;
  /** Field → header text, as reported. */
  mapping: ColumnMapping;
  /** Headers no field uses (ignored). */
  unmappedHeaders: string[];
}

/**
 * Maps a file's headers to fields: an explicit `override` wins (its header must exist), the
 * others are recognised by name. Needs an employee number column and either a full-name column
 * or family and given name columns (422 `missing_columns` otherwise, listing what was found).
 */
export function resolveColumns(headers: string[], override: ColumnMapping = {}): ResolvedColumns {
  const columns: Partial<Record<ImportField, number>> = {};
  const used = new Set<number>();
  const normalized = headers.map(normalizeHeader);
  for (const field of IMPORT_FIELDS) {
    const wanted = override[field];
    if (wanted === undefined) continue;
    const exact = headers.indexOf(wanted);
    const index = exact >= 0 ? exact : normalized.indexOf(normalizeHeader(wanted));
    if (index < 0)
      throw unprocessable(
        'mapping_header_not_found',
        `The mapping names a column "${wanted}" for ${field}; the file has: ${headers.join(', ')}`,
        { field, header: wanted, headers },
      );
    columns[field] = index;
    used.add(index);
  }
  normalized.forEach((name, index) => {
    const field = BY_ALIAS.get(name);
    // The first column of a kind wins; a second one is reported as not used.
    if (field && columns[field] === undefined && !used.has(index)) {
      columns[field] = index;
      used.add(index);
    }
  });
  const missing: string[] = [];
  if (columns.employeeId === undefined) missing.push('employee number (Табельный номер)');
  if (
    columns.fullName === undefined &&
    (columns.familyName === undefined || columns.givenName === undefined)
  )
    missing.push('name (ФИО, or Фамилия and Имя)');
  if (missing.length > 0)
    throw unprocessable(
      'missing_columns',
      `The file has no column for: ${missing.join('; ')}. Columns found: ${
        headers.map((h) => `"${h.slice(0, 100)}"`).join(', ') || 'none'
      }. Rename them or send a mapping.`,
      { missing, headers: headers.slice(0, 200).map((h) => h.slice(0, 200)) },
    );
  const mapping: ColumnMapping = {};
  for (const [field, index] of Object.entries(columns) as [ImportField, number][])
    mapping[field] = headers[index] ?? '';
  return {
    columns,
    mapping,
    unmappedHeaders: headers.filter((header, index) => !used.has(index) && header !== ''),
  };
}
