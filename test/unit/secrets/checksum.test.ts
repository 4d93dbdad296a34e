// CRC32 against published check values, and the base62/base36 wrappers vendors put around it.

import { describe, expect, it } from 'vitest';
import { base62, crc32, hasBase62Crc32Suffix, isGitLabRoutableToken } from '../../../src/secrets/checksum.js';

describe('crc32', () => {
  const vectors: [string, number][] = [
    ['', 0x00000000],
    ['a', 0xe8b7be43],
    ['abc', 0x352441c2],
    ['123456789', 0xcbf43926],
    ['The quick brown fox jumps over the lazy dog', 0x414fa339],
    ['é', 0x0e048d3e],
  ];
  for (const [input, expected] of vectors) {
    it(`crc32(${JSON.stringify(input)}) = 0x${expected.toString(16)}`, () => expect(crc32(input)).toBe(expected));
  }
});

describe('base62', () => {
  const vectors: [number, number, string][] = [
    [0, 6, '000000'],
    [9, 1, '9'],
    [10, 1, 'A'],
    [35, 1, 'Z'],
    [36, 1, 'a'],
    [61, 1, 'z'],
    [62, 6, '000010'],
    [0xcbf43926, 6, '3jZRME'],
    [0xffffffff, 6, '4gfFC3'],
  ];
  for (const [value, width, expected] of vectors) {
    it(`base62(${value}, ${width}) = ${expected}`, () => expect(base62(value, width)).toBe(expected));
  }
});

describe('hasBase62Crc32Suffix', () => {
  // 30 characters, then base62(crc32(those 30)) left-padded to 6.
  const body = 'cordonChecksumFixture000000001';
  const valid = body + base62(crc32(body), 6);

  it('accepts a body whose last 6 characters are the checksum of the first 30', () => {
    expect(valid).toHaveLength(36);
    expect(hasBase62Crc32Suffix(valid)).toBe(true);
  });
  it('rejects a changed body, a changed checksum and a wrong length', () => {
    expect(hasBase62Crc32Suffix('X' + valid.slice(1))).toBe(false);
    expect(hasBase62Crc32Suffix(valid.slice(0, -1) + (valid.endsWith('0') ? '1' : '0'))).toBe(false);
    expect(hasBase62Crc32Suffix(valid.slice(1))).toBe(false);
  });
});

describe('isGitLabRoutableToken', () => {
  const payload = 'QUJDREVGR0hJSktMTU5PUG86MXo';
  const signed = `glpat-${payload}.01.${payload.length.toString(36).padStart(2, '0')}`;
  const token = signed + crc32(signed).toString(36).padStart(7, '0');

  it('accepts a token whose length field and base36 crc match', () => {
    expect(isGitLabRoutableToken(token, 'glpat-')).toBe(true);
  });
  it('covers an instance prefix with the crc', () => {
    const prefixed = `acme-${signed}`;
    expect(isGitLabRoutableToken(prefixed + crc32(prefixed).toString(36).padStart(7, '0'), 'acme-glpat-')).toBe(true);
    expect(isGitLabRoutableToken(token, 'acme-glpat-')).toBe(false);
  });
  it('rejects a wrong crc, a wrong length field and a legacy token', () => {
    expect(isGitLabRoutableToken(token.slice(0, -1) + (token.endsWith('0') ? '1' : '0'), 'glpat-')).toBe(false);
    expect(isGitLabRoutableToken(token.replace('.01.0r', '.01.0s'), 'glpat-')).toBe(false);
    expect(isGitLabRoutableToken('glpat-' + 'abcDEF123456ghiJKL78', 'glpat-')).toBe(false);
  });
});
