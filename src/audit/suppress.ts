// Marks findings suppressed by inline comments, cordon.yml ignore entries, or a baseline.

import picomatch from 'picomatch';
import type { Finding } from '../core/finding.js';
import type { AuditConfig } from '../config/schema.js';
import type { ParsedInput } from './rule.js';

const INLINE = /cordon-ignore\[([a-z0-9,\s-]+)\](?::\s*(.*?))?\s*(?:-->|\*\/)?\s*$/;

/** Reads `cordon-ignore[rule-a, rule-b]: reason` from a line's comment text. */
export function inlineIgnore(line: string): { rules: string[]; reason: string | undefined } | undefined {
  const match = INLINE.exec(line);
  if (!match) return undefined;
  const rules = (match[1] ?? '').split(',').map((rule) => rule.trim()).filter(Boolean);
  return { rules, reason: match[2]?.trim() || undefined };
}

export function applySuppressions(findings: Finding[], inputs: readonly ParsedInput[], config: AuditConfig, baseline: ReadonlySet<string> | undefined): void {
  const files = new Map(inputs.map((input) => [input.file.path, input.file]));
  const entries = config.ignore.map((entry) => ({ entry, matches: entry.path ? picomatch(entry.path, { dot: true }) : () => true }));
  for (const finding of findings) {
    const file = files.get(finding.location.path);
    if (file) {
      const line = finding.location.start.line;
      for (const candidate of [line, line - 1]) {
        if (candidate < 1) continue;
        const ignore = inlineIgnore(file.lines.lineText(candidate));
        if (ignore?.rules.includes(finding.ruleId)) {
          finding.suppressed = { kind: 'inline', ...(ignore.reason ? { reason: ignore.reason } : {}) };
          break;
        }
      }
      if (finding.suppressed) continue;
    }
    const configured = entries.find(({ entry, matches }) => entry.rule === finding.ruleId && matches(finding.location.path) && (entry.line === undefined || entry.line === finding.location.start.line));
    if (configured) {
      finding.suppressed = { kind: 'config', reason: configured.entry.reason };
      continue;
    }
    if (baseline?.has(finding.fingerprint)) finding.suppressed = { kind: 'baseline' };
  }
}
