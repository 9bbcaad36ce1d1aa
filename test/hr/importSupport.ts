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
