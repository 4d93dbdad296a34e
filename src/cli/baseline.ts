// Baseline files: the fingerprints of findings a team has accepted, so only new ones fail a build.

import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, UsageError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';

export const BaselineSchema = z
  .object({
    version: z.literal(1),
    tool: z.literal('cordon'),
    findings: z.array(z.object({ fingerprint: z.string().regex(/^[0-9a-f]{32}$/), rule: z.string(), path: z.string() }).strict()),
  })
  .strict();

export function readBaseline(path: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read baseline ${path}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, 1, 1, `baseline is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = BaselineSchema.safeParse(data);
  if (!parsed.success) throw new ConfigError(path, 1, 1, `invalid baseline at ${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? ''}`);
  return new Set(parsed.data.findings.map((entry) => entry.fingerprint));
}

/** Writes every finding not already suppressed by a comment or config entry. */
export function writeBaseline(path: string, findings: readonly Finding[]): number {
  const entries = findings
    .filter((finding) => !finding.suppressed || finding.suppressed.kind === 'baseline')
    .map((finding) => ({ fingerprint: finding.fingerprint, rule: finding.ruleId, path: finding.location.path }));
  writeFileSync(path, `${JSON.stringify({ version: 1, tool: 'cordon', findings: entries }, null, 2)}\n`);
  return entries.length;
}
