// Markdown for $GITHUB_STEP_SUMMARY and PR comments: a summary line and a table of findings.

import type { Finding } from '../core/finding.js';
import { summarize, visible } from './summary.js';

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function renderMarkdown(findings: readonly Finding[], title = 'cordon audit'): string {
  const summary = summarize(findings);
  const out = [`## ${title}`, ''];
  const counts = (['high', 'medium', 'low', 'info'] as const).map((severity) => `${summary.bySeverity[severity]} ${severity}`).join(' · ');
  out.push(`**${summary.total} findings** (${summary.suppressed} suppressed): ${counts}`, '');
  const shown = visible(findings);
  if (shown.length > 0) {
    out.push('| severity | rule | location | finding |', '|---|---|---|---|');
    for (const finding of shown) {
      const { path, start } = finding.location;
      out.push(`| ${finding.severity} | [\`${finding.ruleId}\`](${finding.helpUri}) | \`${cell(path)}:${start.line}:${start.column}\` | ${cell(finding.message)} |`);
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
