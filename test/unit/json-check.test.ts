import { describe, expect, it } from 'vitest';
import { jsonProblem } from '../../src/parse/json-check.js';

describe('jsonProblem', () => {
  it.each(['{}', '[]', '{"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"]}', ' "s" ', '0'])('accepts %j', (text) => {
    expect(jsonProblem(text)).toBeUndefined();
    expect(() => JSON.parse(text)).not.toThrow();
  });

  it.each([
    ['{"a": 1,}', 8],
    ['["a",]', 5],
    ['{\n  // c\n}', 4],
    ['{"a" 1}', 5],
    ['{"a": tru}', 6],
    ['{"a": "x', 8],
    ['{} {}', 3],
    ['', 0],
    ['{"a": 01}', 7],
  ])('rejects %j at offset %i', (text, offset) => {
    expect(jsonProblem(text)?.offset).toBe(offset);
    expect(() => JSON.parse(text)).toThrow();
  });
});
