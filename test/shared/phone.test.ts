import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastRussianE164, libraryE164, phoneE164 } from '../../server/shared/phone.ts';

// The scan in front of libphonenumber may answer only where its answer is the library's own.
// These properties hold it to that: on the shapes it was written for, on near misses of them
// (other prefixes, lengths and separators), and on arbitrary text.

const PREFIXES = ['+7', '8', '+7 ', '8 ', '7', '+8', '+', '', '+77', '+7-', '8-', ' +7', '+ 7'];
const SEPARATORS = ['', '', '', ' ', '-', '(', ')', '  ', '--', '()', '.', '/', ' - ', '\t', 'x'];

/** Digits with a random separator before each one, behind a random prefix. */
const phoneLike = fc
  .tuple(
    fc.constantFrom(...PREFIXES),
    fc.array(fc.tuple(fc.constantFrom(...SEPARATORS), fc.integer({ min: 0, max: 9 })), {
      minLength: 8,
      maxLength: 12,
    }),
    fc.constantFrom('', '', ' ', '-', ')', ' доб. 12', ' ext. 5'),
  )
  .map(
    ([prefix, parts, tail]) =>
      prefix + parts.map(([separator, digit]) => `${separator}${digit}`).join('') + tail,
  );

/** The usual Russian shapes, with the number's first three digits given. */
function shapes(first3: string, rest: string): string[] {
  const a = rest.slice(0, 3);
  const b = rest.slice(3, 5);
  const c = rest.slice(5, 7);
  return [
    `+7${first3}${rest}`,
    `+7 (${first3}) ${a}-${b}-${c}`,
    `+7 ${first3} ${a} ${b} ${c}`,
    `+7-${first3}-${a}-${b}-${c}`,
    `8 (${first3}) ${a}-${b}-${c}`,
    `8${first3}${rest}`,
    `8 ${first3} ${a}-${b}${c}`,
    `+7 (${first3}) ${a}-${b}${c}`,
    `8(${first3})${a}${b}${c}`,
  ];
}

/** The property every test below checks, over its own inputs. */
function answersAsTheLibrary(inputs: fc.Arbitrary<string>, numRuns: number): void {
  fc.assert(
    fc.property(inputs, (input) => {
      expect(phoneE164(input)).toBe(libraryE164(input));
    }),
    { numRuns },
  );
}

describe('phoneE164: a scan in front of libphonenumber', () => {
  it('gives the library’s answer for every first three digits, in every usual shape', () => {
    let decidedByScan = 0;
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{7}$/), (rest) => {
        for (let first = 0; first < 1000; first++) {
          for (const input of shapes(String(first).padStart(3, '0'), rest)) {
            const scanned = fastRussianE164(input);
            if (scanned !== undefined) decidedByScan++;
            expect(phoneE164(input), input).toBe(libraryE164(input));
          }
        }
      }),
      { numRuns: 5 },
    );
    // Russian and Kazakh numbers starting 3, 4, 7, 8 or 9: half of the shapes' inputs.
    expect(decidedByScan).toBe(5 * 500 * 9);
  });

  it('gives the library’s answer on near misses of those shapes', () => {
    answersAsTheLibrary(phoneLike, 50_000);
  });

  it('gives the library’s answer on arbitrary text', () => {
    answersAsTheLibrary(fc.string({ unit: 'grapheme', maxLength: 40 }), 20_000);
    answersAsTheLibrary(
      fc.string({ unit: fc.constantFrom(...'+78 ()-0123456789'), maxLength: 24 }),
      50_000,
    );
  });

  it('reads the usual forms, and leaves the rest to the library', () => {
    expect(fastRussianE164('+7 (495) 123-45-67')).toBe('+74951234567');
    expect(fastRussianE164('8 916 123 45 67')).toBe('+79161234567');
    expect(fastRussianE164('8 (800) 555-35-35')).toBe('+78005553535');
    expect(fastRussianE164('+7 701 123 45 67')).toBe('+77011234567');
    // An invalid number, a foreign one, an extension, text around it: the library decides.
    for (const input of [
      '+7 (123) 456-78-90',
      '+1 212 555 0100',
      '8 916 123 45 67 доб. 2',
      'тел. +7 495 123 45 67',
    ])
      expect(fastRussianE164(input), input).toBeUndefined();
    expect(phoneE164('тел. +7 495 123 45 67')).toBe('+74951234567');
    expect(phoneE164('+7 (123) 456-78-90')).toBeNull();
  });
});
