const pad = (value: number) => String(value).padStart(2, '0');

function isoDate(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 31.02 over into March: such a date does not exist.
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  )
    return null;
  if (year < 1900 || year > 2200) return null;
  return `${year}-${pad(month)}-${pad(day)}`;
}

// Excel counts days from 1899-12-30 (its 1900 leap-year bug included); 20000–80000 is 1954–2119.
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

/** What a date cell holds. */
export type DateValue = { ok: true; value: string | null } | { ok: false; message: string };

/**
 * Reads a date as people and programs write it: DD.MM.YYYY (1C adds " 0:00:00"), D.M.YY,
 * YYYY-MM-DD, DD/MM/YYYY, or an Excel day number. Empty (and 1C's empty date 01.01.0001) is
 * no date.
 */
export function parseDate(raw: string): DateValue {
  const text = raw.trim().replace(/[ T]\d{1,2}:\d{2}(:\d{2})?(\.\d+)?Z?$/, '');
  if (text === '' || text === '01.01.0001' || text === '0001-01-01')
    return { ok: true, value: null };
  let match = /^(\d{1,2})[./](\d{1,2})[./](\d{2}|\d{4})$/.exec(text);
  if (match) {
    const [, d, m, y] = match as unknown as [string, string, string, string];
    // Two-digit years: 00–69 are 20xx, 70–99 are 19xx.
    const year = y.length === 2 ? (Number(y) < 70 ? 2000 : 1900) + Number(y) : Number(y);
    const value = isoDate(year, Number(m), Number(d));
    return value ? { ok: true, value } : { ok: false, message: `"${raw}" is not a date` };
  }
  match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (match) {
    const [, y, m, d] = match as unknown as [string, string, string, string];
    const value = isoDate(Number(y), Number(m), Number(d));
    return value ? { ok: true, value } : { ok: false, message: `"${raw}" is not a date` };
  }
  if (/^\d{5}(\.0+)?$/.test(text)) {
    const serial = Number(text);
    if (serial >= 20_000 && serial <= 80_000) {
      const date = new Date(EXCEL_EPOCH + serial * 86_400_000);
      const value = isoDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
      if (value) return { ok: true, value };
    }
  }
  return {
    ok: false,
    message: `"${raw.slice(0, 50)}" is not a date (use DD.MM.YYYY or YYYY-MM-DD)`,
  };
}
