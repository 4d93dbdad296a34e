// GitHub Actions workflow commands (::error file=…::), one annotation per visible finding.

import type { Finding } from '../core/finding.js';
import type { Severity } from '../core/severity.js';
import { summarize, visible } from './summary.js';

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = { high: 'error', medium: 'warning', low: 'notice', info: 'notice' };

/** Escapes data per the workflow-command rules: %, CR and LF everywhere; also : and , in properties. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function renderGithub(findings: readonly Finding[]): string {
  const lines = visible(findings).map((finding) => {
    const { path, start, end } = finding.location;
    const props = [
      `file=${escapeProperty(path)}`,
      `line=${start.line}`,
      `col=${start.column}`,
      `endLine=${end.line}`,
      ...(start.line === end.line ? [`endColumn=${end.column}`] : []),
      `title=${escapeProperty(`cordon ${finding.ruleId} (${finding.severity})`)}`,
    ].join(',');
    return `::${COMMAND[finding.severity]} ${props}::${escapeData(`${finding.message}\n${finding.help}\n${finding.helpUri}`)}`;
  });
  const summary = summarize(findings);
  lines.push(`cordon: ${summary.total} findings (${summary.suppressed} suppressed)`);
  return `${lines.join('\n')}\n`;
}
