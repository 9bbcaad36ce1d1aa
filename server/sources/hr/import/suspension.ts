/*
 * The suspension mark of an HR file (a column such as «Состояние» or «Приостановлен»): long
 * absences and investigations suspend a person; ordinary annual leave does not.
 */

const normalize = (value: string) =>
  value.toLowerCase().replaceAll('ё', 'е').replace(/\s+/g, ' ').trim();

const YES = new Set([
  'да',
  'yes',
  'y',
  'true',
  '1',
  '+',
  'suspended',
  'on leave',
  'leave of absence',
]);
const NO = new Set([
  'нет',
  'no',
  'n',
  'false',
  '0',
  '-',
  'работает',
  'активен',
  'активна',
  'active',
  'working',
]);
// Long absences in 1C's words: parental leave, maternity leave, suspension from work.
const YES_PREFIXES = [
  'приостановлен',
  'отстранен',
  'декрет',
  'отпуск по уходу',
  'отпуск по беременности',
];

/** What a cell says: suspended, not, or null when the value is not understood (a row error). */
export function parseSuspension(cell: string | null): boolean | null {
  if (cell === null) return false;
  const value = normalize(cell);
  if (value === '' || NO.has(value)) return false;
  if (YES.has(value) || YES_PREFIXES.some((prefix) => value.startsWith(prefix))) return true;
  return null;
}
