import iconv from 'iconv-lite';

/** How an import file's bytes were read as text. */
export type TextEncodingName = 'utf-8' | 'utf-8-bom' | 'utf-16le-bom' | 'windows-1251';

/** A file's text and the encoding it was read with. */
export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}

/**
 * Reads an import file as text: a BOM says UTF-8 (or UTF-16LE, Excel's "Unicode text");
 * otherwise strict UTF-8, and if the bytes are not valid UTF-8, Windows-1251 (what 1C and
 * Russian-locale Excel write). Every byte is a character in Windows-1251, so it never fails.
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  if (startsWith(bytes, UTF8_BOM))
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8-bom' };
  if (startsWith(bytes, [0xff, 0xfe]))
    return {
      text: new TextDecoder('utf-16le').decode(bytes.subarray(2)),
      encoding: 'utf-16le-bom',
    };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(Buffer.from(bytes), 'win1251'), encoding: 'windows-1251' };
  }
}
