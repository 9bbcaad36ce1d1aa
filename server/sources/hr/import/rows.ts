import type { RowCode } from '../../../shared/errorCodes.ts';
import { UNSAFE_TEXT_MESSAGES, unsafeCharacterIn } from '../../../shared/text.ts';
import type { SourcedAttribute, SourcePerson } from '../../types.ts';
import { parseDate } from './dates.ts';
import type { ImportField, ResolvedColumns } from './headers.ts';
import { parseSuspension } from './suspension.ts';
import type { Table, TableRow } from './table.ts';

/**
 * One problem of one row: its line in the file, the column's header and what is wrong, as a
 * registered `code` with `params` (the console translates these) and as English `message`.
 */
export interface RowError {
  row: number;
  column: string | null;
  code: RowCode;
  params: Record<string, unknown>;
  message: string;
}

/** A validated row: the person it describes, with the errors that make it unusable. */
export interface ValidatedRow {
  row: number;
  person: SourcePerson;
  errors: RowError[];
}

const MAX_LENGTH: Partial<Record<ImportField, number>> = {
  employeeId: 64,
  fullName: 600,
  username: 200,
  email: 320,
  phone: 64,
};
const DEFAULT_MAX = 200;

const NAME_FIELDS: readonly ImportField[] = ['fullName', 'familyName', 'givenName'];

/** Cells that identify or reach a person: single-line, nothing rewritten. */
const IDENTIFIERS: ReadonlySet<ImportField> = new Set(['employeeId', 'username', 'email', 'phone']);

// Deliberately loose: one @, no spaces, a dot in the domain. The engine lowercases it.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const CARRIED: Partial<Record<ImportField, readonly SourcedAttribute[]>> = {
  // A full name carries the patronymic too (none when it has two words); names make the
  // display name.
  fullName: ['familyName', 'givenName', 'middleName', 'displayName'],
  familyName: ['familyName', 'displayName'],
  givenName: ['givenName', 'displayName'],
  middleName: ['middleName'],
  title: ['title'],
  department: ['department'],
  phone: ['phone'],
  email: ['email'],
  hireDate: ['hireDate'],
  terminationDate: ['terminationDate'],
  username: ['username'],
};

/**
 * The attributes a file carries (from its columns): the others are left as they are on the
 * people it updates, instead of being cleared (a file without an Email column keeps emails).
 */
export function carriedFields(resolved: ResolvedColumns): SourcedAttribute[] {
  const fields = new Set<SourcedAttribute>();
  for (const field of Object.keys(resolved.columns) as ImportField[])
    for (const attribute of CARRIED[field] ?? []) fields.add(attribute);
  return [...fields];
}

/** Reads and checks one row; the cells of unmapped columns are ignored. */
function validateRow(
  table: Table,
  resolved: ResolvedColumns,
  fields: SourcedAttribute[],
  row: TableRow,
): ValidatedRow {
  const errors: RowError[] = [];
  const header = (field: ImportField) => resolved.mapping[field] ?? field;
  const fail = (
    field: ImportField | null,
    code: RowCode,
    message: string,
    params: Record<string, unknown> = {},
  ) => errors.push({ row: row.line, column: field ? header(field) : null, code, params, message });
  if (table.fixedWidth && row.cells.length !== table.headers.length)
    fail(
      null,
      'cell_count_mismatch',
      `${row.cells.length} cells where the header has ${table.headers.length} (a delimiter or quote inside a value?)`,
      { cells: row.cells.length, headers: table.headers.length },
    );
  // Cells refused below: already this row's error, so not reported again as missing.
  const refused = new Set<ImportField>();
  const refuse = (
    field: ImportField,
    code: RowCode,
    message: string,
    params: Record<string, unknown> = {},
  ): null => {
    refused.add(field);
    fail(field, code, message, params);
    return null;
  };
  const cell = (field: ImportField): string | null => {
    const index = resolved.columns[field];
    const value = index === undefined ? '' : (row.cells[index] ?? '').trim();
    if (value === '') return null;
    // The API's rule for text (shared/text.ts): an unpaired surrogate (an XLSX `_xD800_`
    // escape) or a stray control character is this row's error, never a staged value that fails
    // in jsonb later or an identifier that differs from its twin by an invisible byte. Display
    // text may hold a line break (Alt+Enter in Excel): normalization turns it into a space.
    const unsafe = unsafeCharacterIn(value, IDENTIFIERS.has(field) ? 'singleLine' : 'multiLine');
    if (unsafe) return refuse(field, unsafe, UNSAFE_TEXT_MESSAGES[unsafe]);
    const max = MAX_LENGTH[field] ?? DEFAULT_MAX;
    if (value.length > max)
      return refuse(field, 'too_long', `longer than ${max} characters`, { max });
    return value;
  };
  const employeeId = cell('employeeId');
  if (employeeId === null && !refused.has('employeeId'))
    fail('employeeId', 'employee_id_missing', 'the employee number is missing');
  let familyName = cell('familyName');
  let givenName = cell('givenName');
  let middleName = cell('middleName');
  const fullName = cell('fullName');
  if (fullName !== null && (familyName === null || givenName === null)) {
    // ФИО: family name, given name, then the patronymic (possibly two words: "Алиевич оглы").
    const [family, given, ...rest] = fullName.split(/\s+/);
    if (!family || !given)
      fail(
        'fullName',
        'full_name_incomplete',
        `"${fullName}" does not have at least a family name and a given name`,
        { value: fullName },
      );
    else {
      familyName = family;
      givenName = given;
      middleName = rest.length > 0 ? rest.join(' ') : middleName;
    }
  } else if (
    (familyName === null || givenName === null) &&
    !NAME_FIELDS.some((field) => refused.has(field))
  ) {
    if (resolved.columns.fullName !== undefined)
      fail('fullName', 'name_missing', 'the name is missing');
    else
      fail(familyName === null ? 'familyName' : 'givenName', 'name_missing', 'the name is missing');
  }
  const email = cell('email');
  if (email !== null && !EMAIL.test(email))
    fail('email', 'invalid_email', `"${email}" is not an email address`, { value: email });
  const date = (field: 'hireDate' | 'terminationDate'): string | null => {
    const raw = cell(field);
    if (raw === null) return null;
    const parsed = parseDate(raw);
    if (parsed.ok) return parsed.value;
    fail(field, 'invalid_date', parsed.message, { value: raw.slice(0, 50) });
    return null;
  };
  const hireDate = date('hireDate');
  const terminationDate = date('terminationDate');
  const mark = resolved.columns.suspended === undefined ? undefined : cell('suspended');
  const suspended = mark === undefined ? undefined : parseSuspension(mark);
  if (suspended === null)
    fail(
      'suspended',
      'invalid_suspension_mark',
      `"${mark}" is not a suspension mark: use да / нет, «декрет», «отпуск по уходу», «отстранён»`,
      { value: mark },
    );
  if (hireDate && terminationDate && terminationDate < hireDate)
    fail(
      'terminationDate',
      'termination_before_hire',
      `the termination date ${terminationDate} is before the hire date ${hireDate}`,
      { terminationDate, hireDate },
    );
  const person: SourcePerson = {
    externalId: employeeId ?? `row:${row.line}`,
    locator: `row ${row.line}`,
    username: cell('username'),
    familyName,
    givenName,
    middleName,
    displayName: null,
    email: email !== null && EMAIL.test(email) ? email : null,
    phone: cell('phone'),
    title: cell('title'),
    department: cell('department'),
    employeeId,
    disabled: false,
    groups: [],
    hireDate,
    terminationDate,
    ...(suspended === undefined || suspended === null ? {} : { suspended }),
    fields,
  };
  return { row: row.line, person, errors };
}

/**
 * Validates every row. The same employee number on several rows is an error on each of them
 * (never one picked silently); the first keeps the number as its id, so the person counts as
 * present in a complete import, the others become `row:<line>` entries of their own.
 */
export function validateRows(table: Table, resolved: ResolvedColumns): ValidatedRow[] {
  const fields = carriedFields(resolved);
  const rows = table.rows.map((row) => validateRow(table, resolved, fields, row));
  const byNumber = new Map<string, ValidatedRow[]>();
  for (const row of rows) {
    const number = row.person.employeeId;
    if (number === null) continue;
    const same = byNumber.get(number);
    if (same) same.push(row);
    else byNumber.set(number, [row]);
  }
  const column = resolved.mapping.employeeId ?? 'employeeId';
  for (const same of byNumber.values()) {
    if (same.length < 2) continue;
    same.forEach((row, index) => {
      const others = same.filter((other) => other !== row).map((other) => other.row);
      const listed = others.slice(0, 5).join(', ') + (others.length > 5 ? ', ...' : '');
      row.errors.push({
        row: row.row,
        column,
        code: 'duplicate_employee_id',
        params: { employeeId: row.person.employeeId, rows: listed },
        message: `duplicate employee number ${row.person.employeeId}, also on row${others.length > 1 ? 's' : ''} ${listed}`,
      });
      if (index > 0) row.person.externalId = `row:${row.row}`;
    });
  }
  for (const row of rows)
    if (row.errors.length > 0)
      row.person.errors = row.errors.map((e) =>
        e.column ? `row ${e.row}, ${e.column}: ${e.message}` : `row ${e.row}: ${e.message}`,
      );
  return rows;
}
