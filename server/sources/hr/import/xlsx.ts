import { readSheet } from 'read-excel-file/node';
import { unprocessable } from '../../../shared/errors.ts';
import type { Table, TableRow } from './table.ts';

/** The first bytes of a ZIP archive (an XLSX is one). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

const pad = (value: number) => String(value).padStart(2, '0');

/** A cell as text: dates as YYYY-MM-DD, whole numbers without a fraction, text trimmed. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return '';
    // read-excel-file gives a cell's calendar date at UTC midnight.
    return `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
  }
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  return String(value).trim();
}

/**
 * Reads the first sheet of an XLSX workbook into a table of text cells (with read-excel-file).
 * An unreadable workbook is a 422 `unreadable_spreadsheet`, never a crash.
 */
export async function readXlsx(bytes: Uint8Array): Promise<Table> {
  let data: unknown[][];
  try {
    data = (await readSheet(Buffer.from(bytes), 1)) as unknown[][];
  } catch (error) {
    throw unprocessable(
      'unreadable_spreadsheet',
      `The file could not be read as an XLSX workbook: ${(error as Error).message}`.slice(0, 500),
    );
  }
  const rows: TableRow[] = [];
  data.forEach((row, index) => {
    const cells = row.map(cellText);
    // Trailing empty cells of a row are formatting, not data.
    while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop();
    if (cells.length > 0) rows.push({ line: index + 1, cells });
  });
  const [header, ...rest] = rows;
  return {
    headers: header?.cells ?? [],
    headerLine: header?.line ?? 1,
    rows: rest,
    fixedWidth: false,
  };
}
