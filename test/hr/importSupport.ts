import { Zip, ZipDeflate } from 'fflate';
import iconv from 'iconv-lite';
import writeXlsxFile from 'write-excel-file/node';
import type { ApiClient, ApiResponse } from '../support/api.ts';

/** One person as a test file lists them. */
export interface FilePerson {
  number: string;
  family: string;
  given: string;
  middle?: string;
  title?: string;
  department?: string;
  phone?: string;
  email?: string;
  hired?: string;
  left?: string;
}

/** A 1C:ЗУП-style export: Russian headers, `;`, CRLF, DD.MM.YYYY dates with " 0:00:00". */
export function oneCText(people: readonly FilePerson[]): string {
  const header =
    'Табельный номер;ФИО;Должность;Подразделение;Телефон;E-mail;Дата приема;Дата увольнения';
  const lines = people.map((p) =>
    [
      p.number,
      [p.family, p.given, p.middle].filter(Boolean).join(' '),
      p.title ?? '',
      p.department ?? '',
      p.phone ?? '',
      p.email ?? '',
      p.hired ? `${p.hired} 0:00:00` : '',
      p.left ?? '',
    ].join(';'),
  );
  return `${[header, ...lines].join('\r\n')}\r\n`;
}

/** The 1C-style file in Windows-1251, as 1C writes it. */
export function oneCFile(people: readonly FilePerson[]): Uint8Array {
  return iconv.encode(oneCText(people), 'win1251');
}

/** An English, tab-separated file in UTF-8 with a BOM, separate name columns. */
export function englishTsv(people: readonly FilePerson[]): Uint8Array {
  const header =
    'Employee ID\tLast name\tFirst name\tMiddle name\tJob title\tDepartment\tEmail\tHire date';
  const lines = people.map((p) =>
    [
      p.number,
      p.family,
      p.given,
      p.middle ?? '',
      p.title ?? '',
      p.department ?? '',
      p.email ?? '',
      p.hired ?? '',
    ].join('\t'),
  );
  return Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from([header, ...lines].join('\n')),
  ]);
}

/** An XLSX workbook with Russian headers and real date cells. */
export async function xlsxFile(people: readonly FilePerson[]): Promise<Uint8Array> {
  const toDate = (text?: string) => {
    if (!text) return null;
    const [d, m, y] = text.split('.').map(Number);
    return new Date(Date.UTC(y as number, (m as number) - 1, d as number));
  };
  const rows = [
    ['Таб. №', 'Фамилия', 'Имя', 'Отчество', 'Должность', 'Отдел', 'Эл. почта', 'Дата приёма'],
    ...people.map((p) => [
      Number.isNaN(Number(p.number)) ? p.number : Number(p.number),
      p.family,
      p.given,
      p.middle ?? null,
      p.title ?? null,
      p.department ?? null,
      p.email ?? null,
      toDate(p.hired) ? { value: toDate(p.hired) as Date, type: Date, format: 'dd.mm.yyyy' } : null,
    ]),
  ];
  return new Uint8Array(await writeXlsxFile(rows as never).toBuffer());
}

/** Sends a multipart upload with the given parts. */
export async function upload<T = unknown>(
  api: ApiClient,
  parts: { file?: Uint8Array; fileName?: string; field?: string; fields?: Record<string, string> },
  path = '/api/v1/imports',
): Promise<ApiResponse<T>> {
  const form = new FormData();
  if (parts.file)
    form.append(parts.field ?? 'file', new Blob([parts.file]), parts.fileName ?? 'staff.csv');
  for (const [key, value] of Object.entries(parts.fields ?? {})) form.append(key, value);
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  const body = new Uint8Array(await request.arrayBuffer());
  return api.request<T>('POST', path, {
    raw: body,
    headers: { 'content-type': request.headers.get('content-type') ?? '' },
  });
}

/** A cell of a generated sheet: text (shared string), a number, a date, or nothing. */
export type SheetCell = string | number | { date: string } | null;

const xmlEscape = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/** Excel's day number of a YYYY-MM-DD date (1900 system). */
function excelDay(date: string): number {
  return (Date.parse(`${date}T00:00:00Z`) - Date.UTC(1899, 11, 30)) / 86_400_000;
}

/**
 * An XLSX workbook written directly (the XML of one sheet, shared strings and a date style,
 * deflated with fflate piece by piece): fast enough for hundreds of thousands of rows, which
 * write-excel-file builds slowly. `rows(i)` is row i (0: the header); `extraSheetXml` is put
 * inside <sheetData> after the rows (a bomb's padding).
 */
export function generatedXlsx(
  count: number,
  rows: (index: number) => readonly SheetCell[],
  options: { dimension?: string; padding?: { bytes: number } } = {},
): Uint8Array {
  const chunks: Uint8Array[] = [];
  const zip = new Zip((error, chunk) => {
    if (error) throw error;
    chunks.push(chunk);
  });
  const encoder = new TextEncoder();
  const add = (name: string, parts: Iterable<string>) => {
    const file = new ZipDeflate(name, { level: 1 });
    zip.add(file);
    let buffered = '';
    for (const part of parts) {
      buffered += part;
      if (buffered.length > 1_000_000) {
        file.push(encoder.encode(buffered));
        buffered = '';
      }
    }
    file.push(encoder.encode(buffered), true);
  };
  const shared = new Map<string, number>();
  const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  const pkg = 'http://schemas.openxmlformats.org/package/2006/relationships';
  add('[Content_Types].xml', [
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
    '<Default Extension="xml" ContentType="application/xml"/></Types>',
  ]);
  add('_rels/.rels', [
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${pkg}">`,
    `<Relationship Id="rId1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  ]);
  add('xl/workbook.xml', [
    `<?xml version="1.0" encoding="UTF-8"?><workbook ${ns} xmlns:r="${rel}">`,
    '<sheets><sheet name="Сотрудники" sheetId="1" r:id="rId1"/></sheets></workbook>',
  ]);
  add('xl/_rels/workbook.xml.rels', [
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${pkg}">`,
    `<Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/>`,
    `<Relationship Id="rId2" Type="${rel}/styles" Target="styles.xml"/>`,
    `<Relationship Id="rId3" Type="${rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
  ]);
  add('xl/styles.xml', [
    `<?xml version="1.0" encoding="UTF-8"?><styleSheet ${ns}>`,
    '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>',
  ]);
  function* sheet(): Iterable<string> {
    yield `<?xml version="1.0" encoding="UTF-8"?><worksheet ${ns}>`;
    if (options.dimension) yield `<dimension ref="${options.dimension}"/>`;
    yield '<sheetData>';
    for (let index = 0; index < count; index += 1) {
      const line = index + 1;
      let xml = `<row r="${line}">`;
      rows(index).forEach((cell, column) => {
        if (cell === null) return;
        const ref = `${columnName(column)}${line}`;
        if (typeof cell === 'number') xml += `<c r="${ref}"><v>${cell}</v></c>`;
        else if (typeof cell === 'string') {
          let id = shared.get(cell);
          if (id === undefined) {
            id = shared.size;
            shared.set(cell, id);
          }
          xml += `<c r="${ref}" t="s"><v>${id}</v></c>`;
        } else xml += `<c r="${ref}" s="1"><v>${excelDay(cell.date)}</v></c>`;
      });
      yield `${xml}</row>`;
    }
    if (options.padding) {
      const row = `<row r="${count + 1}"></row>`;
      for (let size = 0; size < options.padding.bytes; size += row.length * 1_000)
        yield row.repeat(1_000);
    }
    yield '</sheetData></worksheet>';
  }
  add('xl/worksheets/sheet1.xml', sheet());
  add('xl/sharedStrings.xml', [
    `<?xml version="1.0" encoding="UTF-8"?><sst ${ns} count="${shared.size}" uniqueCount="${shared.size}">`,
    ...[...shared.keys()].map((text) => `<si><t xml:space="preserve">${xmlEscape(text)}</t></si>`),
    '</sst>',
  ]);
  zip.end();
  return Buffer.concat(chunks);
}
