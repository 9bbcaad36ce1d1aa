import { createHash } from 'node:crypto';
import { unprocessable } from '../../../shared/errors.ts';
import { readCsv } from './csv.ts';
import { decodeText, type TextEncodingName } from './decode.ts';
import { type Delimiter, detectDelimiter } from './delimiter.ts';
import { type ColumnMapping, resolveColumns } from './headers.ts';
import { cellTooLong, type ImportLimits, tooManyColumns, tooManyRows } from './limits.ts';
import { type RowError, type ValidatedRow, validateRows } from './rows.ts';
import type { Table } from './table.ts';
import { looksLikeZip, readXlsx } from './xlsx.ts';

/** The file formats an import reads. */
export const IMPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** How to read an import file. */
export interface ParseOptions {
  fileName: string;
  /** Forces the format; otherwise the extension, then the bytes (ZIP → XLSX) decide. */
  format?: ImportFormat;
  /** Explicit field → header mapping; wins over recognised headers. */
  mapping?: ColumnMapping;
}

/** An import file read, mapped and validated, with what was detected on the way. */
export interface ParsedImport {
  fileName: string;
  sha256: string;
  bytes: number;
  format: ImportFormat;
  encoding: TextEncodingName | null;
  delimiter: Delimiter | null;
  headers: string[];
  mapping: ColumnMapping;
  unmappedHeaders: string[];
  rows: ValidatedRow[];
  /** Every row error, in file order. */
  rowErrors: RowError[];
}

function formatOf(bytes: Uint8Array, options: ParseOptions): ImportFormat {
  if (options.format) return options.format;
  const name = options.fileName.toLowerCase();
  if (name.endsWith('.xlsx')) return 'xlsx';
  if (name.endsWith('.csv') || name.endsWith('.txt') || name.endsWith('.tsv')) return 'csv';
  return looksLikeZip(bytes) ? 'xlsx' : 'csv';
}

/** Refuses a table past the row, column or cell-length limits (422, with where and which). */
function checkTable(table: Table, limits: ImportLimits): void {
  if (table.rows.length > limits.maxRows) throw tooManyRows(table.rows.length, limits.maxRows);
  const check = (cells: string[], line: number) => {
    if (cells.length > limits.maxColumns)
      throw tooManyColumns(cells.length, limits.maxColumns, line);
    for (let index = 0; index < cells.length; index += 1)
      if ((cells[index] as string).length > limits.maxCellChars)
        throw cellTooLong(line, index + 1, limits.maxCellChars);
  };
  check(table.headers, table.headerLine);
  for (const row of table.rows) check(row.cells, row.line);
}

/**
 * Reads an import file (CSV in UTF-8 or Windows-1251 with `,` `;` or tab, or XLSX), maps its
 * columns and validates every row. File-level problems (empty, unreadable, no usable columns,
 * no rows, past a limit) are 4xx problems; row problems are listed by row and column, never
 * thrown. Synchronous and in proportion to the file: run it off the main thread (parseWorker).
 */
export function parseImport(
  bytes: Uint8Array,
  options: ParseOptions,
  limits: ImportLimits,
  onProgress?: (rows: number) => void,
): ParsedImport {
  if (bytes.length === 0) throw unprocessable('empty_file', 'The file is empty');
  const format = formatOf(bytes, options);
  let table: Table;
  let encoding: TextEncodingName | null = null;
  let delimiter: Delimiter | null = null;
  if (format === 'xlsx') {
    if (!looksLikeZip(bytes))
      throw unprocessable('unreadable_spreadsheet', 'The file is not an XLSX workbook');
    table = readXlsx(bytes, limits, onProgress);
  } else {
    if (looksLikeZip(bytes))
      throw unprocessable('unreadable_csv', 'The file is a ZIP archive (an XLSX?), not CSV text');
    const decoded = decodeText(bytes);
    // NUL characters do not occur in text files: this is a binary file.
    if (decoded.text.slice(0, 65_536).includes('\u0000'))
      throw unprocessable('unreadable_csv', 'The file is binary, not CSV text');
    encoding = decoded.encoding;
    delimiter = detectDelimiter(decoded.text);
    table = readCsv(decoded.text, delimiter);
    checkTable(table, limits);
  }
  if (table.headers.length === 0) throw unprocessable('empty_file', 'The file has no rows');
  const resolved = resolveColumns(table.headers, options.mapping);
  if (table.rows.length === 0)
    throw unprocessable('no_rows', 'The file has a header row but no people in it');
  const rows = validateRows(table, resolved);
  return {
    fileName: options.fileName,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.length,
    format,
    encoding,
    delimiter,
    headers: table.headers,
    mapping: resolved.mapping,
    unmappedHeaders: resolved.unmappedHeaders,
    rows,
    rowErrors: rows.flatMap((row) => row.errors).sort((a, b) => a.row - b.row),
  };
}
