import { describe, expect, it } from 'vitest';
import { displayLine, hiddenKind } from '../../src/core/unicode.js';

describe('hiddenKind', () => {
  it.each([
    [0xe0041, 'tags'],
    [0x202e, 'bidi'],
    [0x2067, 'bidi'],
    [0x200b, 'zero-width'],
    [0xfeff, 'zero-width'],
    [0x41, undefined],
    [0xfe0f, undefined],
    [0xe9, undefined],
  ])('U+%s → %s', (cp, kind) => {
    expect(hiddenKind(cp)).toBe(kind);
  });
});

describe('displayLine', () => {
  it('replaces hidden and control characters and maps UTF-16 columns to display columns', () => {
    const line = `a\u{e0041}\u{e0042}b\u202ec\td`;
    const shown = displayLine(line);
    expect(shown.text).toBe('a\u{fffd}\u{fffd}b\u{fffd}c d');
    // 'b' is UTF-16 column 6 (two astral tag characters take two units each) and display column 4.
    expect(shown.column(6)).toBe(4);
    expect(shown.column(line.length + 1)).toBe(9);
  });

  it('keeps ordinary text, emoji and accents as they are', () => {
    expect(displayLine('café ❤️ 日本').text).toBe('café ❤️ 日本');
  });
});
