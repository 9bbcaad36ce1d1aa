/**
 * Deterministic synthetic staff for the sync benchmarks: Cyrillic names, phones, departments (a few
 * full of LDAP filter metacharacters), employee ids; ~2% disabled and ~1% expired.
 */

const GIVEN = [
  'Иван',
  'Пётр',
  'Анна',
  'Мария',
  'Алексей',
  'Ольга',
  'Дмитрий',
  'Елена',
  'Сергей',
  'Наталья',
];
const FAMILY = ['Иванов', 'Петров', 'Смирнов', 'Кузнецов', 'Попов', 'Соколов', 'Лебедев', 'Козлов'];
const MIDDLE = ['Иванович', 'Петрович', 'Сергеевна', 'Алексеевна', 'Дмитриевич'];
const TITLES = ['Инженер', 'Ведущий инженер', 'Бухгалтер', 'Менеджер', 'Руководитель группы'];

/** Number of departments; department i of person n is n % DEPARTMENTS. */
export const DEPARTMENTS = 50;

/** The department name of index i (some carry `( ) * \` on purpose). */
export function departmentName(index: number): string {
  if (index % 10 === 7) return `Отдел (R&D) *${index}* \\ север`;
  return `Отдел ${index}`;
}

/** One synthetic person (index n). */
export interface BenchPerson {
  login: string;
  givenName: string;
  familyName: string;
  middleName: string;
  displayName: string;
  email: string;
  phone: string;
  title: string;
  department: string;
  employeeId: string;
  disabled: boolean;
  expired: boolean;
}

/** Person number n (stable across runs). */
export function benchPerson(n: number): BenchPerson {
  const givenName = GIVEN[n % GIVEN.length] ?? 'Иван';
  const familyName = `${FAMILY[Math.floor(n / GIVEN.length) % FAMILY.length] ?? 'Иванов'}${n}`;
  return {
    login: `user${String(n).padStart(6, '0')}`,
    givenName,
    familyName,
    middleName: MIDDLE[n % MIDDLE.length] ?? '',
    displayName: `${familyName} ${givenName}`,
    email: `user${n}@corp.example.test`,
    phone: `+7 (495) ${String(1_000_000 + n).slice(1, 4)}-${String(n % 10_000).padStart(4, '0')}`,
    title: TITLES[n % TITLES.length] ?? '',
    department: departmentName(n % DEPARTMENTS),
    employeeId: `E${String(n).padStart(7, '0')}`,
    disabled: n % 50 === 3,
    expired: n % 100 === 5,
  };
}
