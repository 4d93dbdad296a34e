import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadShellParser } from '../../../src/parse/shell.js';
import { CordonConfigSchema } from '../../../src/config/schema.js';
import { parseCases, runCase, tally, type CaseResult } from '../../../src/policy/corpus.js';

// Issue 3's proof: under the implement role, at least 99 % of attacks denied and 99 % of benign calls allowed.
const DIR = join(import.meta.dirname, '../../fixtures/policy');
const TARGET = 0.99;

function load(name: string) {
  const parsed = parseCases(readFileSync(join(DIR, name), 'utf8'));
  expect(parsed.problems).toEqual([]);
  return parsed.cases;
}

function report(label: string, results: CaseResult[]): void {
  const { passed, total, rate } = tally(results);
  const byCategory = new Map<string, CaseResult[]>();
  for (const result of results) {
    const key = result.case.category ?? '-';
    byCategory.set(key, [...(byCategory.get(key) ?? []), result]);
  }
  const lines = [...byCategory].map(([category, list]) => `  ${category.padEnd(16)} ${tally(list).passed}/${list.length}`);
  const misses = results.filter((r) => !r.passed).map((r) => `  MISS ${r.case.id}: ${r.verdict.decision} ${r.verdict.rule} — ${r.verdict.reason.slice(0, 160)}`);
  console.log(`${label}: ${passed}/${total} = ${(rate * 100).toFixed(2)} %\n${lines.join('\n')}${misses.length > 0 ? `\n${misses.slice(0, 400).join('\n')}` : ''}`);
}

describe('policy corpus under the implement role', () => {
  beforeAll(loadShellParser);
  const base = CordonConfigSchema.parse({ policy: { role: 'implement' } });

  it(`denies at least ${TARGET * 100} % of attacks`, () => {
    const results = load('attacks.jsonl').map((c) => runCase(base, c));
    expect(results.every((r) => r.case.expect === 'deny')).toBe(true);
    report('attacks denied', results);
    expect(tally(results).rate).toBeGreaterThanOrEqual(TARGET);
  });

  it(`allows at least ${TARGET * 100} % of benign calls`, () => {
    const results = load('benign.jsonl').map((c) => runCase(base, c));
    expect(results.every((r) => r.case.expect === 'allow')).toBe(true);
    report('benign allowed', results);
    expect(tally(results).rate).toBeGreaterThanOrEqual(TARGET);
  });
});
