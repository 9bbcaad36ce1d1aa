import { describe, expect, it } from 'vitest';
import { line, paragraph } from '../../server/shared/schemas.ts';
import { hasLoneSurrogate, unsafeCharacterIn } from '../../server/shared/text.ts';

describe('unsafeCharacterIn (the one input rule, issue 12)', () => {
  it('refuses NUL, C0 controls and unpaired surrogates; keeps pairs and other text', () => {
    for (const value of ['a\u0000b', '\u0007', 'x\u001f', 'a\ud800', '\udc00a', 'a\ud800\ud800'])
      expect(unsafeCharacterIn(value), JSON.stringify(value)).not.toBeNull();
    for (const value of ['', 'Иванов', '👩‍💻', 'a\u007fb', '\u0085', 'e\u0301'])
      expect(unsafeCharacterIn(value), JSON.stringify(value)).toBeNull();
  });

  it('lets tab, LF and CR through in multi-line text only', () => {
    for (const value of ['a\tb', 'a\nb', 'a\r\nb']) {
      expect(unsafeCharacterIn(value)).toBe('control_character');
      expect(unsafeCharacterIn(value, 'multiLine')).toBeNull();
    }
    expect(unsafeCharacterIn('a\u000bb', 'multiLine')).toBe('control_character');
    expect(unsafeCharacterIn('a\n\ud800', 'multiLine')).toBe('lone_surrogate');
  });

  it('finds a lone surrogate behind a control character', () => {
    expect(hasLoneSurrogate('\u0000\ud800')).toBe(true);
    expect(hasLoneSurrogate('\ud83d\ude00')).toBe(false);
  });
});

describe('line() and paragraph() refuse unpaired surrogates', () => {
  it('for callers that bypass the HTTP boundary (CLI, jobs)', () => {
    expect(line(50).safeParse('Отдел \ud800').success).toBe(false);
    expect(paragraph(50).safeParse('строка\n\udfff').success).toBe(false);
    expect(line(50).parse(' Отдел 😀 ')).toBe('Отдел 😀');
  });
});
