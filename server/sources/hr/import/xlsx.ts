import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { AppError, unprocessable } from '../../../shared/errors.ts';
import {
  cellTooLong,
  type ImportLimits,
  tooManyColumns,
  tooManyRows,
  uncompressedTooLarge,
} from './limits.ts';
import type { Table, TableRow } from './table.ts';
import { entryText, inflateEntry, readZipDirectory, type ZipEntry } from './zip.ts';

/** The first bytes of a ZIP archive (an XLSX is one). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

const unreadable = (why: string) =>
  unprocessable(
    'unreadable_spreadsheet',
    `The file could not be read as an XLSX workbook: ${why}`.slice(0, 500),
  );

/** A tag's name without its namespace prefix (`x:row` → `row`). */
const local = (name: string) => name.slice(name.indexOf(':') + 1);

/** A parser of attributes as plain strings (no namespace processing: OOXML needs none here). */
function xmlParser(): SaxesParser {
  return new SaxesParser({ xmlns: false, position: false });
}

/** Parses a small XML part whole, calling `onTag` for every opening tag. */
function eachTag(text: string, onTag: (name: string, attributes: Record<string, string>) => void) {
  const parser = xmlParser();
  parser.on('opentag', (tag) => onTag(local(tag.name), (tag as SaxesTagPlain).attributes));
  parser.on('error', (error) => {
    throw unreadable(error.message);
  });
  parser.write(text).close();
}

/** An attribute by its local name (`r:id` is `id`). */
function attribute(attributes: Record<string, string>, name: string): string | undefined {
  if (attributes[name] !== undefined) return attributes[name];
  for (const [key, value] of Object.entries(attributes)) if (local(key) === name) return value;
  return undefined;
}

/** The part a relationship target points at, from the folder of the part that names it. */
function resolvePart(from: string, target: string): string {
  const segments = target.startsWith('/')
    ? []
    : from
        .split('/')
        .slice(0, -1)
        .filter((segment) => segment !== '');
  for (const segment of target.replace(/^\/+/, '').split('/'))
    if (segment === '..') segments.pop();
    else if (segment !== '.' && segment !== '') segments.push(segment);
  return segments.join('/');
}

/** A part's relationships: type (last segment) → targets in order, and id → target. */
function relationships(entries: Map<string, ZipEntry>, bytes: Uint8Array, part: string) {
  const folder = part.split('/').slice(0, -1).join('/');
  const name = part.split('/').pop() ?? '';
  const relsPart = `${folder ? `${folder}/` : ''}_rels/${name}.rels`;
  const byId = new Map<string, string>();
  const byType = new Map<string, string>();
  const entry = entries.get(relsPart);
  if (!entry) return { byId, byType };
  eachTag(entryText(bytes, entry), (tag, attributes) => {
    if (tag !== 'Relationship' || attributes.TargetMode === 'External') return;
    const target = resolvePart(part, attributes.Target ?? '');
    if (attributes.Id) byId.set(attributes.Id, target);
    const type = (attributes.Type ?? '').split('/').pop() ?? '';
    if (!byType.has(type)) byType.set(type, target);
  });
  return { byId, byType };
}

// Built-in number formats that show a date (ECMA-376 18.8.30, and the East Asian ones).
const DATE_FORMAT_IDS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51,
  52, 53, 54, 55, 56, 57, 58,
]);

/** Whether a custom format code shows a date: d, m or y outside quotes, escapes and brackets. */
function isDateFormat(code: string): boolean {
  const bare = code
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[[^\]]*\]/g, '');
  return /[dmy]/i.test(bare);
}

/** Per cell style (index into cellXfs): whether its number format is a date. */
function dateStyles(text: string): boolean[] {
  const custom = new Map<number, boolean>();
  const styles: boolean[] = [];
  let inCellXfs = false;
  const parser = xmlParser();
  parser.on('opentag', (raw) => {
    const tag = raw as SaxesTagPlain;
    const name = local(tag.name);
    if (name === 'numFmt')
      custom.set(Number(tag.attributes.numFmtId), isDateFormat(tag.attributes.formatCode ?? ''));
    else if (name === 'cellXfs') inCellXfs = true;
    else if (name === 'xf' && inCellXfs) {
      const id = Number(tag.attributes.numFmtId ?? 0);
      styles.push(custom.get(id) ?? DATE_FORMAT_IDS.has(id));
    }
  });
  parser.on('closetag', (tag) => {
    if (local(tag.name) === 'cellXfs') inCellXfs = false;
  });
  parser.on('error', (error) => {
    throw unreadable(error.message);
  });
  parser.write(text).close();
  return styles;
}

// OOXML escapes characters XML cannot carry as _xHHHH_.
const ESCAPED = /_x([0-9A-Fa-f]{4})_/g;
const unescapeText = (text: string) =>
  text.includes('_x')
    ? text.replace(ESCAPED, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    : text;

/** Feeds an entry's XML to a parser chunk by chunk as it is inflated. */
function streamXml(bytes: Uint8Array, entry: ZipEntry, parser: SaxesParser): void {
  const decoder = new TextDecoder('utf-8');
  parser.on('error', (error) => {
    throw unreadable(error.message);
  });
  inflateEntry(bytes, entry, (chunk) => {
    parser.write(decoder.decode(chunk, { stream: true }));
  });
  parser.write(decoder.decode());
  parser.close();
}

/** The shared strings, each cut to one character over the cell limit (refused if used). */
function sharedStrings(bytes: Uint8Array, entry: ZipEntry, maxChars: number): string[] {
  const strings: string[] = [];
  let current = '';
  let inText = false;
  let phonetic = 0;
  const parser = xmlParser();
  parser.on('opentag', (tag) => {
    const name = local(tag.name);
    if (name === 'si') current = '';
    else if (name === 't') inText = true;
    else if (name === 'rPh') phonetic += 1;
  });
  parser.on('text', (text) => {
    if (inText && phonetic === 0 && current.length <= maxChars)
      current = (current + text).slice(0, maxChars + 1);
  });
  parser.on('closetag', (tag) => {
    const name = local(tag.name);
    if (name === 't') inText = false;
    else if (name === 'rPh') phonetic -= 1;
    else if (name === 'si') strings.push(unescapeText(current));
  });
  streamXml(bytes, entry, parser);
  return strings;
}

/** A column's 0-based index from a cell reference (`C12` → 2); -1 when there is none. */
function columnOf(reference: string | undefined): number {
  if (!reference) return -1;
  let column = 0;
  let at = 0;
  for (; at < reference.length; at += 1) {
    const code = reference.charCodeAt(at);
    if (code >= 65 && code <= 90) column = column * 26 + (code - 64);
    else if (code >= 97 && code <= 122) column = column * 26 + (code - 96);
    else break;
  }
  return at === 0 ? -1 : column - 1;
}

const pad = (value: number) => String(value).padStart(2, '0');

/** An Excel day number as YYYY-MM-DD (1900 system, with its 29.02.1900; or the 1904 system). */
function serialDate(serial: number, date1904: boolean): string {
  // Day 60 is Excel's 29.02.1900, which did not exist; days before it are a day later.
  const base = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, serial < 60 ? 31 : 30);
  const date = new Date(base + Math.round(serial * 86_400_000));
  if (Number.isNaN(date.getTime())) return '';
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** What a sheet is read with besides its bytes. */
interface SheetContext {
  shared: string[];
  dateStyles: boolean[];
  date1904: boolean;
  limits: ImportLimits;
  onProgress?: (rows: number) => void;
}

const PROGRESS_EVERY = 10_000;

/** Streams the sheet's XML into rows of text cells, checking the limits as it goes. */
function readSheetRows(bytes: Uint8Array, entry: ZipEntry, context: SheetContext): TableRow[] {
  const { shared, limits } = context;
  const rows: TableRow[] = [];
  let line = 0;
  let cells: string[] = [];
  let column = 0;
  let nextColumn = 0;
  let type = '';
  let dateStyle = false;
  let value = '';
  let collecting = false;
  let phonetic = 0;
  const checkLength = (text: string) => {
    if (text.length > limits.maxCellChars) throw cellTooLong(line, column + 1, limits.maxCellChars);
  };
  const parser = xmlParser();
  parser.on('opentag', (raw) => {
    const tag = raw as SaxesTagPlain;
    switch (local(tag.name)) {
      case 'row':
        line = Number(tag.attributes.r) || line + 1;
        cells = [];
        nextColumn = 0;
        break;
      case 'c': {
        const at = columnOf(tag.attributes.r);
        column = at >= 0 ? at : nextColumn;
        if (column >= limits.maxColumns) throw tooManyColumns(column + 1, limits.maxColumns, line);
        type = tag.attributes.t ?? 'n';
        dateStyle = context.dateStyles[Number(tag.attributes.s ?? 0)] ?? false;
        value = '';
        break;
      }
      case 'v':
        collecting = true;
        break;
      case 't':
        if (type === 'inlineStr') collecting = true;
        break;
      case 'rPh':
        phonetic += 1;
        break;
      case 'dimension': {
        // The sheet's declared extent (A1:H300001): a sheet too large is refused before its rows.
        const last = (tag.attributes.ref ?? '').split(':').pop() ?? '';
        const rowCount = Number(last.replace(/^[A-Za-z]+/, ''));
        const columnCount = columnOf(last) + 1;
        if (rowCount - 1 > limits.maxRows) throw tooManyRows(rowCount - 1, limits.maxRows);
        if (columnCount > limits.maxColumns)
          throw tooManyColumns(columnCount, limits.maxColumns, 1);
        break;
      }
    }
  });
  parser.on('text', (text) => {
    if (!collecting || phonetic > 0) return;
    value += text;
    checkLength(value);
  });
  parser.on('closetag', (tag) => {
    switch (local(tag.name)) {
      case 'v':
      case 't':
        collecting = false;
        break;
      case 'rPh':
        phonetic -= 1;
        break;
      case 'c': {
        let text: string;
        if (type === 's') text = shared[Number(value)] ?? '';
        else if (type === 'inlineStr' || type === 'str') text = unescapeText(value);
        else if (type === 'b') text = value === '1' ? 'true' : value === '' ? '' : 'false';
        else if (type === 'e') text = '';
        else if (type === 'd') text = /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : '';
        else if (value.trim() === '') text = '';
        else {
          const number = Number(value);
          if (Number.isNaN(number)) text = value;
          else if (dateStyle) text = serialDate(number, context.date1904);
          else text = Number.isInteger(number) ? number.toFixed(0) : String(number);
        }
        text = text.trim();
        checkLength(text);
        while (cells.length < column) cells.push('');
        cells[column] = text;
        nextColumn = column + 1;
        collecting = false;
        break;
      }
      case 'row': {
        // Trailing empty cells of a row are formatting, not data.
        while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop();
        if (cells.length === 0) break;
        for (let index = 0; index < cells.length; index += 1) cells[index] ??= '';
        rows.push({ line, cells });
        // The header row is not a data row.
        if (rows.length - 1 > limits.maxRows) throw tooManyRows(rows.length - 1, limits.maxRows);
        if (rows.length % PROGRESS_EVERY === 0) context.onProgress?.(rows.length - 1);
        break;
      }
    }
  });
  streamXml(bytes, entry, parser);
  return rows;
}

/**
 * Reads the first sheet of an XLSX workbook into a table of text cells, streaming: the ZIP's
 * directory is read first and the parts to inflate (workbook, styles, shared strings, sheet)
 * are refused (413 `uncompressed_too_large`) if they declare more than the limit, before any is
 * inflated; the sheet's XML is then inflated and parsed chunk by chunk (saxes), so it is never
 * held whole. Date cells become YYYY-MM-DD, numbers text (`1001`, not `1001.0`). Rows, columns
 * and cell lengths are checked as they are read (422). An unreadable workbook is a 422
 * `unreadable_spreadsheet`, never a crash.
 */
export function readXlsx(
  bytes: Uint8Array,
  limits: ImportLimits,
  onProgress?: (rows: number) => void,
): Table {
  try {
    return readWorkbook(bytes, limits, onProgress);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw unreadable((error as Error).message);
  }
}

function readWorkbook(
  bytes: Uint8Array,
  limits: ImportLimits,
  onProgress?: (rows: number) => void,
): Table {
  const entries = readZipDirectory(bytes);
  const declared = (part: string | undefined) =>
    part === undefined ? 0 : (entries.get(part)?.uncompressedSize ?? 0);
  const relsSizes = (part: string) => {
    const folder = part.split('/').slice(0, -1).join('/');
    return declared(`${folder ? `${folder}/` : ''}_rels/${part.split('/').pop()}.rels`);
  };
  // The package's own relationships say where the workbook is (xl/workbook.xml by convention).
  const rootSize = relsSizes('');
  if (rootSize > limits.maxUncompressedBytes)
    throw uncompressedTooLarge(rootSize, limits.maxUncompressedBytes, '_rels/.rels');
  const root = relationships(entries, bytes, '');
  const workbookPart = root.byType.get('officeDocument') ?? 'xl/workbook.xml';
  const workbookEntry = entries.get(workbookPart);
  if (!workbookEntry) throw unreadable('no workbook in the archive (not an XLSX?)');
  const small = declared(workbookPart) + relsSizes(workbookPart);
  if (small > limits.maxUncompressedBytes)
    throw uncompressedTooLarge(small, limits.maxUncompressedBytes, workbookPart);
  const rels = relationships(entries, bytes, workbookPart);
  let firstSheet: string | undefined;
  let date1904 = false;
  eachTag(entryText(bytes, workbookEntry), (tag, attributes) => {
    if (tag === 'workbookPr')
      date1904 = attributes.date1904 === '1' || attributes.date1904 === 'true';
    else if (tag === 'sheet' && firstSheet === undefined)
      firstSheet = rels.byId.get(attribute(attributes, 'id') ?? '');
  });
  const sheetPart =
    firstSheet ??
    [...entries.keys()].filter((name) => /^xl\/worksheets\/sheet\d+\.xml$/.test(name)).sort()[0];
  const sheetEntry = sheetPart === undefined ? undefined : entries.get(sheetPart);
  if (!sheetEntry || sheetPart === undefined) throw unreadable('the workbook has no sheet');
  const stylesPart = rels.byType.get('styles');
  const sharedPart = rels.byType.get('sharedStrings');
  // Everything still to inflate, as declared, against the limit: before inflating any of it.
  const parts: [string, number][] = [
    [sheetPart, declared(sheetPart)],
    [sharedPart ?? '', declared(sharedPart)],
    [stylesPart ?? '', declared(stylesPart)],
  ];
  const total = small + parts.reduce((sum, [, size]) => sum + size, 0);
  if (total > limits.maxUncompressedBytes) {
    const [largest, size] = parts.reduce((a, b) => (b[1] > a[1] ? b : a));
    throw uncompressedTooLarge(Math.max(size, total), limits.maxUncompressedBytes, largest);
  }
  const stylesEntry = stylesPart === undefined ? undefined : entries.get(stylesPart);
  const sharedEntry = sharedPart === undefined ? undefined : entries.get(sharedPart);
  const rows = readSheetRows(bytes, sheetEntry, {
    shared: sharedEntry ? sharedStrings(bytes, sharedEntry, limits.maxCellChars) : [],
    dateStyles: stylesEntry ? dateStyles(entryText(bytes, stylesEntry)) : [],
    date1904,
    limits,
    onProgress,
  });
  const [header, ...rest] = rows;
  return {
    headers: header?.cells ?? [],
    headerLine: header?.line ?? 1,
    rows: rest,
    fixedWidth: false,
  };
}
