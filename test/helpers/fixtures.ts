// Shared helpers for rule fixtures: ok-*/ng-* case directories with golden output.

import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CordonConfigSchema } from '../../src/config/schema.js';
import { runAudit } from '../../src/audit/engine.js';
import type { Finding } from '../../src/core/finding.js';

export const RULE_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'rules');

export interface FixtureCase {
  ruleId: string;
  name: string;
  dir: string;
  expectFindings: boolean;
  golden: string;
}

export function fixtureCases(ruleId: string): FixtureCase[] {
  const dir = join(RULE_FIXTURES, ruleId);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /^(ok|ng)-/.test(name) && statSync(join(dir, name)).isDirectory())
    .sort()
    .map((name) => ({ ruleId, name, dir: join(dir, name), expectFindings: name.startsWith('ng-'), golden: join(dir, `${name}.golden`) }));
}

/** One line per finding: position, grade, message id and message — what the golden files hold. */
export function goldenLines(findings: readonly Finding[]): string {
  return findings
    .map((f) => `${f.location.path}:${f.location.start.line}:${f.location.start.column}-${f.location.end.line}:${f.location.end.column} ${f.severity}/${f.confidence} ${f.ruleId}/${f.messageId}${f.suppressed ? ` [suppressed:${f.suppressed.kind}]` : ''} ${f.message}`)
    .join('\n')
    .concat('\n');
}

export async function auditFixture(dir: string, only?: string[]): Promise<Finding[]> {
  const config = CordonConfigSchema.parse({}).audit;
  const result = await runAudit({ root: dir, config, only });
  return result.findings;
}

export function compareGolden(path: string, actual: string): { expected: string | undefined; actual: string } {
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, actual);
  return { expected: existsSync(path) ? readFileSync(path, 'utf8') : undefined, actual };
}
