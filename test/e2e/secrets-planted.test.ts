// A planted tree built from every detector's own first true positive: each must be found by the
// built CLI at its exact line and column, and nothing else may be reported.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DETECTORS } from '../../src/secrets/detectors/index.js';
import { cordon } from '../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'cordon-planted-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Truth {
  path: string;
  line: number;
  column: number;
  detector: string;
}

const truth: Truth[] = [];
for (const detector of DETECTORS) {
  const example = detector.truePositives[0];
  if (example === undefined) continue;
  const text = typeof example === 'string' ? example : example.text;
  const secret = typeof example === 'string' ? text : example.secret;
  const path = `planted/${detector.id}.txt`;
  const header = `# sample for ${detector.id.replace(/-/g, ' ')}\n\n`;
  mkdirSync(join(root, 'planted'), { recursive: true });
  writeFileSync(join(root, path), `${header}${text}\n`);
  const offset = header.length + text.indexOf(secret);
  const before = `${header}${text}`.slice(0, offset);
  truth.push({ path, line: before.split('\n').length, column: offset - before.lastIndexOf('\n'), detector: detector.id });
}

interface JsonOut {
  findings: { rule: string; path: string; start: { line: number; column: number } }[];
}

describe('planted tree', () => {
  const result = cordon(['secrets', root, '--format', 'json', '--include-generic']);
  const out = JSON.parse(result.stdout) as JsonOut;
  const lineFindings = out.findings.filter((finding) => finding.rule.startsWith('secret/'));

  it('plants one example of every detector', () => {
    expect(truth.length).toBe(DETECTORS.length);
  });

  for (const planted of truth) {
    it(`finds ${planted.detector} at ${planted.line}:${planted.column}`, () => {
      const at = lineFindings.filter((finding) => finding.path === planted.path && finding.start.line === planted.line);
      expect(at.map((finding) => `${finding.rule}@${finding.start.column}`)).toContain(`secret/${planted.detector}@${planted.column}`);
    });
  }

  it('reports nothing on the comment lines around the samples', () => {
    expect(lineFindings.filter((finding) => finding.start.line === 1)).toEqual([]);
  });
});
