// Human-readable report: findings grouped by file with a code frame, and a summary line.

import pc from 'picocolors';
import type { Finding } from '../core/finding.js';
import type { Severity } from '../core/severity.js';
import { displayLine } from '../core/unicode.js';
import { summarize, visible } from './summary.js';

export interface TextOptions {
  color: boolean;
  /** Reads a source line for the code frame; findings carry their own first line. */
  sourceLine?: (path: string, line: number) => string | undefined;
}

const LABEL: Record<Severity, string> = { info: 'info', low: 'low', medium: 'medium', high: 'high' };

export function renderText(findings: readonly Finding[], options: TextOptions, footer: string[] = []): string {
  const colors = pc.createColors(options.color);
  const paint: Record<Severity, (text: string) => string> = {
    info: colors.blue,
    low: colors.cyan,
    medium: colors.yellow,
    high: colors.red,
  };
  const out: string[] = [];
  let currentPath: string | undefined;
  for (const finding of visible(findings)) {
    const { path, start, end } = finding.location;
    if (path !== currentPath) {
      if (currentPath !== undefined) out.push('');
      out.push(colors.underline(colors.bold(path)));
      currentPath = path;
    }
    out.push(`${paint[finding.severity](LABEL[finding.severity])}[${colors.bold(finding.ruleId)}] ${displayLine(finding.message).text}`);
    out.push(`  ${colors.dim('-->')} ${path}:${start.line}:${start.column}`);
    if (finding.snippet === '') {
      // File-level findings (a secret file) have no line to quote.
      out.push(`  ${colors.dim('= help:')} ${finding.help}`);
      out.push(`  ${colors.dim('= docs:')} ${finding.helpUri}`);
      continue;
    }
    const gutter = String(start.line).length;
    const line = displayLine(finding.snippet);
    const from = line.column(start.column);
    const lineEnd = line.column(finding.snippet.length + 1);
    const to = start.line === end.line ? Math.max(from + 1, line.column(end.column)) : lineEnd;
    const carets = Math.max(1, Math.min(to, lineEnd) - from);
    out.push(`  ${' '.repeat(gutter)} ${colors.dim('|')}`);
    out.push(`  ${colors.dim(String(start.line))} ${colors.dim('|')} ${line.text}`);
    out.push(`  ${' '.repeat(gutter)} ${colors.dim('|')} ${' '.repeat(Math.max(0, from - 1))}${paint[finding.severity]('^'.repeat(carets))}`);
    out.push(`  ${colors.dim('= help:')} ${finding.help}`);
    if (finding.fix) out.push(`  ${colors.dim('= fix:')} ${finding.fix}`);
    out.push(`  ${colors.dim('= docs:')} ${finding.helpUri}`);
  }
  const summary = summarize(findings);
  if (out.length > 0) out.push('');
  const counts = (['high', 'medium', 'low', 'info'] as const).map((severity) => `${summary.bySeverity[severity]} ${severity}`).join(', ');
  const noun = summary.total === 1 ? 'finding' : 'findings';
  out.push(colors.bold(`${summary.total} ${noun} (${summary.suppressed} suppressed): ${counts}`));
  out.push(...footer);
  return `${out.join('\n')}\n`;
}
