// `cordon audit` on the bundled insecure example in every output format; SARIF checked against the official schema.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/audit/registry.js';
import { cordon, ROOT } from '../helpers/cli.js';

const EXAMPLE = join(ROOT, 'examples', 'insecure-repo');
const require = createRequire(import.meta.url);

interface JsonOut {
  version: number;
  tool: { name: string; version: string };
  summary: { total: number; suppressed: number; bySeverity: Record<string, number> };
  findings: { rule: string; path: string; start: { line: number; column: number }; severity: string; message: string }[];
}

const json = cordon(['audit', EXAMPLE, '--format', 'json']);
const report = JSON.parse(json.stdout) as JsonOut;

describe('examples/insecure-repo', () => {
  it('fails the default --fail-on high gate', () => {
    expect(json.status).toBe(1);
    expect(report.summary.bySeverity.high).toBeGreaterThan(0);
  });

  it('triggers most rules', () => {
    const hazards = RULES.map((rule) => rule.meta.id).filter((id) => id !== 'parse-error' && id !== 'unreadable-file');
    const fired = new Set(report.findings.map((finding) => finding.rule));
    const missing = hazards.filter((id) => !fired.has(id));
    expect(missing.length / hazards.length, `rules not triggered: ${missing.join(', ')}`).toBeLessThanOrEqual(0.1);
  });

  it('JSON is versioned and every finding has a real position', () => {
    expect(report.version).toBe(1);
    expect(report.tool.name).toBe('cordon');
    for (const finding of report.findings) {
      expect(finding.start.line).toBeGreaterThan(0);
      expect(finding.start.column).toBeGreaterThan(0);
      const lines = readFileSync(join(EXAMPLE, finding.path), 'utf8').split('\n');
      expect(lines.length, `${finding.rule} at ${finding.path}:${finding.start.line}`).toBeGreaterThanOrEqual(finding.start.line);
    }
  });

  it('SARIF validates against the SARIF 2.1.0 schema and carries rule metadata', () => {
    const result = cordon(['audit', EXAMPLE, '--format', 'sarif']);
    expect(result.status).toBe(1);
    const sarif = JSON.parse(result.stdout) as { runs: { tool: { driver: { rules: { id: string; helpUri: string }[] } }; results: { ruleId: string; ruleIndex: number }[] }[] };
    const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
    // ajv-draft-04 is CommonJS; its types do not describe the ESM default import, so load it as CommonJS.
    const Ajv = require('ajv-draft-04') as typeof import('ajv').default;
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
    const validate = ajv.compile(schema);
    const valid = validate(sarif);
    expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 3))).toEqual([]);
    expect(valid).toBe(true);
    const run = sarif.runs[0];
    expect(run?.results.length).toBe(report.findings.length);
    for (const res of run?.results ?? []) expect(run?.tool.driver.rules[res.ruleIndex]?.id).toBe(res.ruleId);
    expect(run?.tool.driver.rules.every((rule) => rule.helpUri.endsWith(`${rule.id}.md`))).toBe(true);
  });

  it('text groups by file with code frames and a summary line', () => {
    const result = cordon(['audit', EXAMPLE]);
    expect(result.status).toBe(1);
    expect(result.stdout).not.toMatch(/\u001b\[/);
    expect(result.stdout).toMatch(/^high\[[a-z-]+\] /m);
    expect(result.stdout).toMatch(/^ {2}--> \S+:\d+:\d+$/m);
    expect(result.stdout).toMatch(new RegExp(`^${report.summary.total} findings \\(${report.summary.suppressed} suppressed\\): \\d+ high, \\d+ medium, \\d+ low, \\d+ info$`, 'm'));
  });

  it('github annotations: one workflow command per finding', () => {
    const result = cordon(['audit', EXAMPLE, '--format', 'github']);
    expect(result.status).toBe(1);
    const annotations = result.stdout.split('\n').filter((line) => /^::(error|warning|notice) file=/.test(line));
    expect(annotations).toHaveLength(report.summary.total);
    expect(annotations[0]).toMatch(/^::\w+ file=[^,]+,line=\d+,col=\d+,endLine=\d+/);
  });

  it('markdown: a summary and a table row per finding', () => {
    const result = cordon(['audit', EXAMPLE, '--format', 'markdown']);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^## cordon audit$/m);
    const rows = result.stdout.split('\n').filter((line) => /^\| (high|medium|low|info) \|/.test(line));
    expect(rows).toHaveLength(report.summary.total);
  });

  it('--output writes the report to a file', () => {
    const out = join(ROOT, 'dist', 'example-report.sarif');
    const result = cordon(['audit', EXAMPLE, '--format', 'sarif', '--output', out]);
    expect(result.stdout).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8'))).toHaveProperty('version', '2.1.0');
  });
});
