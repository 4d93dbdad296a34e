// Counts shared by every renderer: visible findings by severity, and how many were suppressed.

import type { Finding } from '../core/finding.js';
import { SEVERITIES, type Severity } from '../core/severity.js';

export interface Summary {
  total: number;
  suppressed: number;
  bySeverity: Record<Severity, number>;
}

export function summarize(findings: readonly Finding[]): Summary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  let suppressed = 0;
  for (const finding of findings) {
    if (finding.suppressed) suppressed++;
    else bySeverity[finding.severity]++;
  }
  return { total: findings.length - suppressed, suppressed, bySeverity };
}

export function visible(findings: readonly Finding[]): Finding[] {
  return findings.filter((finding) => !finding.suppressed);
}
