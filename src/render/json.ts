// Versioned JSON output: a frozen shape that does not follow internal refactors.

import type { Finding } from '../core/finding.js';
import { summarize } from './summary.js';

export const JSON_VERSION = 1;

export interface JsonReport {
  version: typeof JSON_VERSION;
  tool: { name: 'cordon'; version: string };
  command: string;
  summary: ReturnType<typeof summarize>;
  findings: JsonFinding[];
  stats?: unknown;
}

export interface JsonFinding {
  rule: string;
  messageId: string;
  message: string;
  severity: string;
  confidence: string;
  path: string;
  /** 1-based line and column of the start and end of the span. */
  start: { line: number; column: number };
  end: { line: number; column: number };
  help: string;
  helpUri: string;
  fix: string | null;
  fingerprint: string;
  /** The commit that added the line, for findings from git history; null otherwise. */
  commit: { sha: string; author: string; date: string } | null;
  suppressed: { kind: string; reason: string | null } | null;
}

export function renderJson(findings: readonly Finding[], meta: { version: string; command: string; stats?: unknown }): string {
  const report: JsonReport = {
    version: JSON_VERSION,
    tool: { name: 'cordon', version: meta.version },
    command: meta.command,
    summary: summarize(findings),
    findings: findings.map((finding) => ({
      rule: finding.ruleId,
      messageId: finding.messageId,
      message: finding.message,
      severity: finding.severity,
      confidence: finding.confidence,
      path: finding.location.path,
      start: { line: finding.location.start.line, column: finding.location.start.column },
      end: { line: finding.location.end.line, column: finding.location.end.column },
      help: finding.help,
      helpUri: finding.helpUri,
      fix: finding.fix ?? null,
      fingerprint: finding.fingerprint,
      commit: finding.commit ?? null,
      suppressed: finding.suppressed ? { kind: finding.suppressed.kind, reason: finding.suppressed.reason ?? null } : null,
    })),
    ...(meta.stats !== undefined ? { stats: meta.stats } : {}),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
