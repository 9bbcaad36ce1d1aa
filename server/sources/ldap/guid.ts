import { type Entry, EqualityFilter } from 'ldapts';

/**
 * AD's objectGUID is 16 bytes in the Windows GUID layout: the first three groups (a 32-bit and two
 * 16-bit integers) are little-endian, the last 8 bytes are in order. The standard string form
 * (what `samba-tool`, `ldbsearch` and PowerShell print) byte-swaps those three groups.
 */
export function formatGuid(bytes: Buffer): string {
  if (bytes.length !== 16) throw new Error(`objectGUID must be 16 bytes, got ${bytes.length}`);
  const hex = bytes.toString('hex');
  // Byte i is hex[2i..2i+2]; this runs once per person, so no intermediate arrays.
  const swapped = (from: number, length: number) => {
    let out = '';
    for (let i = from + length - 1; i >= from; i -= 1) out += hex.slice(i * 2, i * 2 + 2);
    return out;
  };
  return `${swapped(0, 4)}-${swapped(4, 2)}-${swapped(6, 2)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The 16 bytes of a GUID string in AD's binary layout (what objectGUID holds). */
export function guidBytes(guid: string): Buffer {
  const hex = guid.replaceAll('-', '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a GUID: ${guid}`);
  const bytes = Buffer.from(hex, 'hex');
  return Buffer.concat([
    Buffer.from(bytes.subarray(0, 4)).reverse(),
    Buffer.from(bytes.subarray(4, 6)).reverse(),
    Buffer.from(bytes.subarray(6, 8)).reverse(),
    bytes.subarray(8),
  ]);
}

/**
 * The GUID string as an LDAP filter value (`\XX` per byte, in AD's binary layout), for people
 * and logs. ldapts's filter parser turns `\XX` above 7F into a UTF-8 character, not a byte: to
 * search by objectGUID, give ldapts an EqualityFilter with {@link guidBytes} instead.
 */
export function guidFilterValue(guid: string): string {
  return [...guidBytes(guid)].map((byte) => `\\${byte.toString(16).padStart(2, '0')}`).join('');
}

/** An AD entry's objectGUID in the standard string form; null when it has none (or not 16 bytes). */
export function entryGuid(entry: Entry): string | null {
  const raw = entry.objectGUID;
  const value = Array.isArray(raw) ? raw[0] : raw;
  return Buffer.isBuffer(value) && value.length === 16 ? formatGuid(value) : null;
}

const GUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The filter `(objectGUID=<the 16 bytes>)` for a GUID string, built as a filter object (see
 * {@link guidFilterValue}); null when the text is not a GUID (it then matches nobody).
 */
export function objectGuidFilter(guid: string): EqualityFilter | null {
  return GUID_TEXT.test(guid)
    ? new EqualityFilter({ attribute: 'objectGUID', value: guidBytes(guid) })
    : null;
}
