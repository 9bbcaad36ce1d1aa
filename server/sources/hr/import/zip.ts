import { Inflate } from 'fflate';
import { unprocessable } from '../../../shared/errors.ts';

/** One file of a ZIP archive, as its central directory describes it. */
export interface ZipEntry {
  name: string;
  /** 0: stored, 8: deflated. */
  method: number;
  flags: number;
  compressedSize: number;
  /** As declared; inflating never goes past it. */
  uncompressedSize: number;
  localOffset: number;
}

const unreadable = (why: string) =>
  unprocessable('unreadable_spreadsheet', `The file could not be read as an XLSX workbook: ${why}`);

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX32 = 0xffffffff;

function u64(view: DataView, at: number): number {
  // Sizes past 2^53 are absurd here; they only have to compare as huge.
  return view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
}

/**
 * Reads a ZIP archive's central directory (no entry is inflated): name, method and declared
 * sizes of every entry, so limits can be checked before any work. ZIP64 archives are read too.
 * A damaged archive is a 422 `unreadable_spreadsheet`.
 */
export function readZipDirectory(bytes: Uint8Array): Map<string, ZipEntry> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end record is in the last 22 bytes plus a comment of at most 65,535.
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65_535); at -= 1)
    if (view.getUint32(at, true) === EOCD) {
      end = at;
      break;
    }
  if (end < 0) throw unreadable('no ZIP directory (a truncated or damaged file?)');
  let count = view.getUint16(end + 10, true);
  let size = view.getUint32(end + 12, true);
  let offset = view.getUint32(end + 16, true);
  if (
    (count === 0xffff || size === MAX32 || offset === MAX32) &&
    end >= 20 &&
    view.getUint32(end - 20, true) === ZIP64_LOCATOR
  ) {
    const at = u64(view, end - 12);
    if (at + 56 > bytes.length || view.getUint32(at, true) !== ZIP64_EOCD)
      throw unreadable('a damaged ZIP64 directory');
    count = u64(view, at + 32);
    size = u64(view, at + 40);
    offset = u64(view, at + 48);
  }
  if (offset + size > bytes.length) throw unreadable('the ZIP directory is past the end');
  const entries = new Map<string, ZipEntry>();
  const names = new TextDecoder('utf-8');
  let at = offset;
  for (let index = 0; index < count; index += 1) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL)
      throw unreadable('a damaged ZIP directory entry');
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const entry: ZipEntry = {
      name: names.decode(bytes.subarray(at + 46, at + 46 + nameLength)),
      method: view.getUint16(at + 10, true),
      flags: view.getUint16(at + 8, true),
      compressedSize: view.getUint32(at + 20, true),
      uncompressedSize: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
    };
    // ZIP64 extra field: the 64-bit values of the fields saturated above, in this order.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = view.getUint16(extra, true);
      const length = view.getUint16(extra + 2, true);
      if (id === 0x0001) {
        let field = extra + 4;
        for (const key of ['uncompressedSize', 'compressedSize', 'localOffset'] as const)
          if (entry[key] === MAX32 && field + 8 <= extra + 4 + length) {
            entry[key] = u64(view, field);
            field += 8;
          }
      }
      extra += 4 + length;
    }
    entries.set(entry.name, entry);
    at = extraEnd + commentLength;
  }
  return entries;
}

/** Where an entry's data starts (after its local header). */
function dataStart(bytes: Uint8Array, entry: ZipEntry): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = entry.localOffset;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== LOCAL)
    throw unreadable(`a damaged entry (${entry.name})`);
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  if (start + entry.compressedSize > bytes.length)
    throw unreadable(`the entry ${entry.name} is past the end`);
  return start;
}

// Compressed bytes fed to the inflater at a time: its output per push stays a few MB.
const SLICE = 16_384;

/**
 * Inflates one entry piece by piece, handing each piece to `onChunk` as it comes (nothing is
 * held whole). Never inflates past the entry's declared size: an entry that lies about it is a
 * 422 `unreadable_spreadsheet`, so the declared sizes checked up front bound the work.
 */
export function inflateEntry(
  bytes: Uint8Array,
  entry: ZipEntry,
  onChunk: (chunk: Uint8Array) => void,
): void {
  if (entry.flags & 0x1) throw unreadable('the workbook is encrypted (password-protected)');
  const start = dataStart(bytes, entry);
  const data = bytes.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) {
    if (data.length !== entry.uncompressedSize) throw unreadable(`a damaged entry (${entry.name})`);
    for (let at = 0; at < data.length; at += SLICE * 64)
      onChunk(data.subarray(at, at + SLICE * 64));
    return;
  }
  if (entry.method !== 8) throw unreadable(`unsupported compression (${entry.method})`);
  let produced = 0;
  const inflater = new Inflate((chunk) => {
    produced += chunk.length;
    if (produced > entry.uncompressedSize)
      throw unreadable(`the entry ${entry.name} inflates past its declared size`);
    onChunk(chunk);
  });
  try {
    for (let at = 0; at < data.length; at += SLICE)
      inflater.push(data.subarray(at, at + SLICE), at + SLICE >= data.length);
    if (data.length === 0) inflater.push(new Uint8Array(0), true);
  } catch (error) {
    if ((error as { status?: number }).status) throw error;
    throw unreadable(`a damaged entry (${entry.name}): ${(error as Error).message}`);
  }
}

/** A small entry's whole text (UTF-8). */
export function entryText(bytes: Uint8Array, entry: ZipEntry): string {
  const decoder = new TextDecoder('utf-8');
  let text = '';
  inflateEntry(bytes, entry, (chunk) => {
    text += decoder.decode(chunk, { stream: true });
  });
  return text + decoder.decode();
}
