import { once } from 'node:events';
import { PassThrough, pipeline, type Readable, Transform } from 'node:stream';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import QueryStream from 'pg-query-stream';
import { z } from 'zod';
import type { Actor } from '../../authz/actor.ts';
import { type AppAbility, accessibleWhere, authorize } from '../../authz/index.ts';
import { neutralizeCell } from '../../commands/auditLog/export.ts';
import { runCommand } from '../../commands/runCommand.ts';
import { ForbiddenError } from '../../shared/errors.ts';
import type { Services } from '../../shared/services.ts';
import type { User } from '../entities.ts';
import { type UserFilter, userFilter } from './userFilter.ts';
import { EXPORT_COLUMNS, exportUsersSql } from './userQuery.ts';

/** Formats of the people export. */
export const USER_EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type UserExportFormat = (typeof USER_EXPORT_FORMATS)[number];

/** `GET /users/export`: the list's filters, a format and the language of headers and values. */
export const exportUsersQuery = userFilter
  .extend({
    format: z.enum(USER_EXPORT_FORMATS).default('csv'),
    lang: z.enum(['ru', 'en']).default('ru'),
  })
  .strict();
export type ExportUsersQuery = z.infer<typeof exportUsersQuery>;

type Lang = ExportUsersQuery['lang'];
type Column = (typeof EXPORT_COLUMNS)[number][0];

const HEADERS: Record<Lang, Record<Column, string>> = {
  ru: {
    id: 'ID',
    familyName: 'Фамилия',
    givenName: 'Имя',
    middleName: 'Отчество',
    displayName: 'Отображаемое имя',
    username: 'Логин',
    email: 'Эл. почта',
    phone: 'Телефон',
    title: 'Должность',
    organization: 'Организация',
    status: 'Статус',
    role: 'Роль',
    source: 'Источник',
    employeeNumber: 'Табельный номер',
    loginMethod: 'Способ входа',
    createdAt: 'Добавлен (UTC)',
    lastLoginAt: 'Последний вход (UTC)',
  },
  en: {
    id: 'ID',
    familyName: 'Family name',
    givenName: 'Given name',
    middleName: 'Middle name',
    displayName: 'Display name',
    username: 'Login',
    email: 'E-mail',
    phone: 'Phone',
    title: 'Title',
    organization: 'Organization',
    status: 'Status',
    role: 'Role',
    source: 'Source',
    employeeNumber: 'Employee number',
    loginMethod: 'Login method',
    createdAt: 'Added (UTC)',
    lastLoginAt: 'Last login (UTC)',
  },
};

// Codes a spreadsheet reader wants as words; anything else is written as stored.
const WORDS: Record<Lang, Partial<Record<Column, Record<string, string>>>> = {
  ru: {
    status: {
      pending: 'Ожидает',
      active: 'Активен',
      suspended: 'Приостановлен',
      deactivated: 'Деактивирован',
    },
    role: {
      superadmin: 'Суперадминистратор',
      admin: 'Администратор',
      staff: 'Оператор',
      auditor: 'Аудитор',
    },
  },
  en: {
    status: {
      pending: 'Pending',
      active: 'Active',
      suspended: 'Suspended',
      deactivated: 'Deactivated',
    },
    role: { superadmin: 'Superadmin', admin: 'Admin', staff: 'Staff', auditor: 'Auditor' },
  },
};

const STATUS_INDEX = EXPORT_COLUMNS.findIndex(([name]) => name === 'status');
const ROLE_INDEX = EXPORT_COLUMNS.findIndex(([name]) => name === 'role');

// Digits and the punctuation of a phone number or a signed number: no function name, no cell
// reference, so nothing a spreadsheet could run or fetch.
const LETTERLESS = /^[+-]?[0-9 ()+\-.]*$/;

/**
 * One database row as the cells of the file: words for codes, formulas neutralized. An XLSX
 * cell is typed text, never a formula, and keeps a phone number (`+7…`) as it is; a CSV cell has
 * no type, so every cell a spreadsheet could take for a formula gets its `'` (OWASP).
 */
function cellsOf(row: (string | null)[], lang: Lang, format: 'csv' | 'xlsx'): string[] {
  const words = WORDS[lang];
  return row.map((value, index) => {
    if (value === null) return '';
    const word =
      index === STATUS_INDEX
        ? words.status?.[value]
        : index === ROLE_INDEX
          ? words.role?.[value]
          : undefined;
    const cell = word ?? value;
    return format === 'xlsx' && LETTERLESS.test(cell) ? cell : neutralizeCell(cell);
  });
}

/** An export on its way: the file's bytes, its name and content type. */
export interface UserExport {
  body: Readable;
  filename: string;
  contentType: string;
}

/**
 * Exports the people list as filtered (within the caller's read rules) to CSV (UTF-8 with a
 * BOM, so Excel reads Cyrillic) or XLSX, streamed from a database cursor and never held whole.
 * Every cell that a spreadsheet would take for a formula gets a leading `'`. Audited twice
 * (docs/decisions.md "Exporting people"): `user.exported` with the filter commits before the
 * first byte, so no export goes unrecorded, and `user.export_finished` with the row count (and
 * outcome `failure` when the reader went away or the stream broke) when it ends.
 */
export async function exportUsers(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  query: ExportUsersQuery,
): Promise<UserExport> {
  const { format, lang, ...filter } = query;
  const statement = await runCommand(
    services,
    actor,
    async ({ em, audit }) => {
      authorize(ability, 'export', 'User', { auditAction: 'user.exported', targetType: 'user' });
      const access = accessibleWhere<User>(ability, 'read', 'User');
      if (!access) throw new ForbiddenError({ action: 'user.exported', targetType: 'user' });
      if (filter.role && !ability.can('read', 'BackofficeAccount'))
        throw new ForbiddenError(
          { action: 'user.exported', targetType: 'user' },
          'Filtering by role is not allowed for your role',
          'forbidden_filter',
        );
      audit({ action: 'user.exported', targetType: 'user', details: { format, filter } });
      return exportUsersSql(em, access, { ...filter, now: services.now() });
    },
    ability,
  );
  let rows = 0;
  const finished = (error: Error | null | undefined) =>
    void finishExport(services, actor, ability, format, filter, rows, !error).catch(
      (failure: unknown) => services.logger.error({ err: failure }, 'auditing an export failed'),
    );
  const client = await services.pool.connect();
  const cursor = client.query(
    new QueryStream(statement.sql, [...statement.bindings], {
      batchSize: 2000,
      highWaterMark: 2000,
      rowMode: 'array',
    }),
  );
  const release = (error?: Error | null) => client.release(error ?? undefined);
  const stamp = services.now().toISOString().slice(0, 10);
  const headers = EXPORT_COLUMNS.map(([name]) => HEADERS[lang][name]);
  if (format === 'csv') {
    const toCells = new Transform({
      objectMode: true,
      transform(row: (string | null)[], _encoding, done) {
        rows++;
        done(null, cellsOf(row, lang, 'csv'));
      },
    });
    const body = pipeline(
      cursor,
      toCells,
      stringify({ bom: true, header: true, columns: headers }),
      (error) => {
        release(error);
        finished(error);
      },
    );
    return {
      body,
      filename: `people-${stamp}.csv`,
      contentType: 'text/csv; charset=utf-8',
    };
  }
  const out = new PassThrough();
  void writeWorkbook(cursor, out, headers, lang, () => rows++).then(
    () => {
      release();
      finished(null);
    },
    (error: Error) => {
      release(error);
      finished(error);
      out.destroy(error);
    },
  );
  return {
    body: out,
    filename: `people-${stamp}.xlsx`,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  };
}

/**
 * Writes the rows into `out` as one worksheet with exceljs's streaming writer (each row is
 * committed, so written and dropped, at once), waiting whenever the reader lags behind.
 */
async function writeWorkbook(
  cursor: Readable,
  out: PassThrough,
  headers: string[],
  lang: Lang,
  counted: () => void,
): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: false,
    useSharedStrings: false,
    // Level 1: the file is a little larger, the export several times faster.
    zip: { zlib: { level: 1 } },
  });
  const sheet = workbook.addWorksheet(lang === 'ru' ? 'Сотрудники' : 'People');
  sheet.addRow(headers).commit();
  let sinceCheck = 0;
  for await (const row of cursor as AsyncIterable<(string | null)[]>) {
    if (out.destroyed) throw new Error('the reader went away');
    counted();
    sheet.addRow(cellsOf(row, lang, 'xlsx')).commit();
    if (++sinceCheck >= 500) {
      sinceCheck = 0;
      // Backpressure: the zip writer pipes into `out` and pauses when it is full; wait for
      // the reader to drain it rather than queueing the rest of the table in memory.
      if (out.writableNeedDrain) await Promise.race([once(out, 'drain'), once(out, 'close')]);
    }
  }
  sheet.commit();
  await workbook.commit();
}

/** Records how an export ended and how many people it held. */
function finishExport(
  services: Services,
  actor: Actor,
  ability: AppAbility,
  format: UserExportFormat,
  filter: UserFilter,
  rows: number,
  complete: boolean,
): Promise<void> {
  return runCommand(
    services,
    actor,
    async ({ audit }) => {
      audit({
        action: 'user.export_finished',
        outcome: complete ? 'success' : 'failure',
        targetType: 'user',
        details: { format, filter, rows },
      });
    },
    ability,
  );
}
