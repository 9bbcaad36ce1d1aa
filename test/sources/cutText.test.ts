import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  codePointLength,
  cutText,
  unsafeCharacterIn,
  wellFormed,
} from '../../server/shared/text.ts';
import { normalizePerson } from '../../server/sources/normalize.ts';
import { sourcePerson } from './memoryDirectory.ts';

/** Issue 13, "no value can fail a run": the cut rule and what normalize does with hostile values. */

const ROCKET = '🚀';
const FAMILY = '👩‍👩‍👧';

describe('cutText', () => {
  it('keeps values within the limit as they are', () => {
    expect(cutText('Инженер', 300)).toBe('Инженер');
    expect(cutText(`${'a'.repeat(298)}${ROCKET}`, 300)).toBe(`${'a'.repeat(298)}${ROCKET}`);
  });

  it('never leaves half of a surrogate pair (a title of 299 characters then an emoji)', () => {
    const cut = cutText(`${'a'.repeat(299)}${ROCKET}`, 300);
    expect(cut).toBe('a'.repeat(299));
    expect(unsafeCharacterIn(cut)).toBeNull();
  });

  it('keeps a letter with its combining accent, and a ZWJ family whole', () => {
    expect(cutText(`${'a'.repeat(299)}e\u0301x`, 300)).toBe('a'.repeat(299));
    const families = cutText(FAMILY.repeat(50), 300);
    expect(families.length).toBeLessThanOrEqual(300);
    expect(families).toBe(FAMILY.repeat(Math.floor(300 / FAMILY.length)));
    // Flags are pairs of regional indicators: never one indicator alone.
    expect(cutText('🇷🇺'.repeat(100), 302)).toBe('🇷🇺'.repeat(75));
  });

  it('cuts a cluster of thousands of combining marks between code points', () => {
    const cut = cutText(`a${'\u0301'.repeat(10_000)}`, 300);
    expect(cut.length).toBe(300);
    const astral = cutText(`a${'\u{1d165}'.repeat(1_000)}`, 300);
    expect(astral.length).toBe(299);
    expect(unsafeCharacterIn(astral)).toBeNull();
  });

  it('cuts where a full grapheme segmentation would (fast path included)', () => {
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    const reference = (value: string, max: number) => {
      if (value.length <= max) return value;
      let start = 0;
      for (const { index } of segmenter.segment(value)) if (index <= max) start = index;
      return start > 0 && max - start <= 32 ? value.slice(0, start) : null;
    };
    const pieces = [
      'a',
      'я',
      'Ω',
      ' ',
      '\u0301',
      '\u0483',
      ROCKET,
      '\u200d',
      '👩',
      '🏽',
      '🇷',
      '🇺',
      '\u0600',
      'ب',
      '\u1100',
      '\u1161',
      'क',
      '\u094d',
      '\ufe0f',
      FAMILY,
    ];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 80 }),
        (parts, max) => {
          const value = parts.join('');
          const cut = cutText(value, max);
          expect(cut.length).toBeLessThanOrEqual(max);
          expect(unsafeCharacterIn(cut)).toBeNull();
          const expected = reference(value, max);
          if (expected !== null) expect(cut).toBe(expected);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('counts and repairs', () => {
    expect(codePointLength(`ab${ROCKET}`)).toBe(3);
    expect(wellFormed('a\ud800b\udc00')).toBe('a\ufffdb\ufffd');
    expect(wellFormed(`ok${ROCKET}`)).toBe(`ok${ROCKET}`);
  });
});

describe('normalizePerson with hostile values', () => {
  /** What jsonb needs: no string of the record (nor of its lists) holds NUL or a lone surrogate. */
  const stageable = (record: object) => {
    for (const value of Object.values(record))
      for (const item of Array.isArray(value) ? value : [value])
        if (typeof item === 'string') expect(unsafeCharacterIn(item)).toBeNull();
  };

  it('cuts display text on grapheme boundaries and reports each cut', () => {
    const record = normalizePerson(
      sourcePerson({
        title: `${'a'.repeat(299)}${ROCKET}`,
        department: 'x'.repeat(10_000),
        // No precomposed я́ exists, so NFC leaves the accent combining: the cut keeps them together.
        familyName: `${'я'.repeat(200)}\u0301`,
      }),
    );
    expect(record.title).toBe('a'.repeat(299));
    expect(record.department).toBe('x'.repeat(200));
    expect(record.familyName).toBe('я'.repeat(199));
    expect(record.errors).toEqual([]);
    expect(record.problems).toEqual([
      'family name cut from 201 to 199 characters',
      'title cut from 300 to 299 characters',
      'department cut from 10,000 to 200 characters',
    ]);
  });

  it('repairs lone surrogates and control characters in display text', () => {
    const record = normalizePerson(
      sourcePerson({ title: 'Инж\ud800енер', givenName: 'Ив\u0000ан\u0007', middleName: '\udc00' }),
    );
    expect(record.title).toBe('Инж\ufffdенер');
    expect(record.givenName).toBe('Ив ан');
    expect(record.middleName).toBe('\ufffd');
    expect(record.errors).toEqual([]);
    for (const value of Object.values(record))
      if (typeof value === 'string') expect(unsafeCharacterIn(value)).toBeNull();
  });

  it('makes an entry with an unusable employee number or external id a conflict of its own', () => {
    const employee = normalizePerson(sourcePerson({ employeeId: 'E-\ud8001' }));
    expect(employee.employeeId).toBeNull();
    expect(employee.errors).toEqual([
      'employee number "E-\\ud8001" must not contain unpaired UTF-16 surrogates (not Unicode text)',
    ]);
    const long = normalizePerson(sourcePerson({ employeeId: '7'.repeat(10_000) }));
    expect(long.errors[0]).toMatch(
      /^employee number "7{100}"… is longer than 100 characters \(10,000\)$/,
    );

    const id = normalizePerson(sourcePerson({ externalId: 'id\u0000\ud800' }));
    expect(id.errors[0]).toMatch(/^external id "id\\u0000\\ud800" must not contain NUL/);
    expect(unsafeCharacterIn(id.externalId)).toBeNull();
    stageable(id);
    const other = normalizePerson(sourcePerson({ externalId: 'id\u0000\udc00' }));
    expect(other.externalId).not.toBe(id.externalId);
    const huge = normalizePerson(sourcePerson({ externalId: 'g'.repeat(10_000) }));
    expect(huge.externalId.length).toBeLessThan(200);
    expect(huge.errors[0]).toMatch(/is longer than 512 characters \(10,000\)/);
  });

  it('drops (and reports) a login, email or phone that is too long or unsafe, never cutting it', () => {
    const record = normalizePerson(
      sourcePerson({
        username: `a${'b'.repeat(100)}`,
        email: `${'m'.repeat(400)}@corp.example`,
        phone: `+7 495 123-45-67${'8'.repeat(10_000)}`,
      }),
    );
    expect(record).toMatchObject({ username: null, email: null, phone: null, errors: [] });
    expect(record.problems).toHaveLength(3);
    expect(record.problems.every((problem) => problem.length < 200)).toBe(true);
    const nul = normalizePerson(sourcePerson({ email: 'a\u0000b@corp.example' }));
    expect(nul.email).toBeNull();
  });

  it('turns anything still unstageable into a conflict of that entry (the last check)', () => {
    // No reader produces this (fields are attribute names); it stands for a rule missed above.
    const record = normalizePerson(sourcePerson({ fields: ['title\u0000\ud800' as never] }));
    expect(record.errors).toEqual([
      'fields must not contain NUL or other control characters; the entry cannot be synced',
    ]);
    expect(record.fields).toEqual(['title \ufffd']);
    stageable(record);
  });

  it('ignores group DNs that cannot be staged, and cuts the fallback display name to 400', () => {
    const record = normalizePerson(
      sourcePerson({
        groups: ['CN=Ok,DC=x', 'CN=Bad\u0000,DC=x'],
        givenName: 'г'.repeat(200),
        familyName: 'ф'.repeat(200),
        displayName: null,
      }),
    );
    expect(record.groups).toEqual(['cn=ok,dc=x']);
    expect(record.problems).toContain(
      '1 group name(s) with control characters or unpaired surrogates ignored',
    );
    expect(record.displayName.length).toBe(400);
  });
});
