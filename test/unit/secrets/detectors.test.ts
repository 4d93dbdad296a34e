// Every detector against its own true and false positives, through the real scanner (prefilter included).

import { describe, expect, it } from 'vitest';
import { DETECTORS } from '../../../src/secrets/detectors/index.js';
import { SecretScanner } from '../../../src/secrets/scan.js';

const scanner = new SecretScanner(DETECTORS);

describe('detector table', () => {
  it('has at least 60 detectors with unique kebab-case ids', () => {
    const ids = DETECTORS.map((detector) => detector.id);
    expect(ids.length).toBeGreaterThanOrEqual(60);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('has exactly one generic detector kind off the default failure path', () => {
    for (const detector of DETECTORS.filter((d) => d.generic)) expect(detector.severity).toBe('low');
  });
});

for (const detector of DETECTORS) {
  describe(detector.id, () => {
    it('declares lowercase keywords, a global pattern, and examples both ways', () => {
      expect(detector.keywords.length).toBeGreaterThan(0);
      for (const keyword of detector.keywords) expect(keyword).toBe(keyword.toLowerCase());
      expect(detector.pattern.global).toBe(true);
      expect(detector.truePositives.length).toBeGreaterThan(0);
      expect(detector.falsePositives.length).toBeGreaterThan(0);
      expect(detector.description).toMatch(/^[a-z0-9].*[^.]$/);
    });

    detector.truePositives.forEach((example, n) => {
      const text = typeof example === 'string' ? example : example.text;
      const secret = typeof example === 'string' ? undefined : example.secret;
      it(`finds true positive ${n + 1}`, () => {
        const hits = scanner.scan(text).filter((hit) => hit.detector === detector);
        expect(hits, text).toHaveLength(1);
        if (secret !== undefined) expect(hits[0]?.secret).toBe(secret);
      });
    });

    detector.falsePositives.forEach((text, n) => {
      it(`ignores false positive ${n + 1}`, () => {
        expect(scanner.scan(text).filter((hit) => hit.detector === detector).map((hit) => hit.secret), text).toEqual([]);
      });
    });
  });
}

describe('docs/secrets.md', () => {
  it('is generated from the detector table (npm run docs:secrets)', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { secretsDocMarkdown } = await import('../../../src/secrets/docs.js');
    const { SECRET_FILE_KINDS } = await import('../../../src/secrets/file-names.js');
    const committed = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'secrets.md'), 'utf8');
    expect(committed).toBe(secretsDocMarkdown(DETECTORS, SECRET_FILE_KINDS));
  });
});
