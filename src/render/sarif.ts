// SARIF 2.1.0 for code-scanning services: rule metadata, levels, and 1-based regions.

import type { Finding } from '../core/finding.js';
import type { RuleMeta } from '../core/rule.js';
import { docsUrl } from '../core/rule.js';
import type { Severity } from '../core/severity.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { high: 'error', medium: 'warning', low: 'note', info: 'note' };
/** GitHub code scanning ranks alerts by this number (0.0–10.0). */
const SECURITY_SEVERITY: Record<Severity, string> = { high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

export function renderSarif(findings: readonly Finding[], rules: readonly RuleMeta[], meta: { version: string }): string {
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'cordon',
            version: meta.version,
            semanticVersion: meta.version,
            informationUri: 'https://github.com/cordon-dev/cordon',
            rules: rules.map((rule) => ({
              id: rule.id,
              name: rule.id.replace(/(^|-)([a-z])/g, (_, __: string, ch: string) => ch.toUpperCase()),
              shortDescription: { text: rule.description },
              fullDescription: { text: rule.description },
              help: { text: rule.help, markdown: `${rule.help}\n\n[Documentation](${rule.helpUri ?? docsUrl(rule.id)})` },
              helpUri: rule.helpUri ?? docsUrl(rule.id),
              defaultConfiguration: { level: LEVEL[rule.severity] },
              properties: {
                tags: ['security', rule.area],
                precision: rule.confidence === 'high' ? 'high' : rule.confidence === 'medium' ? 'medium' : 'low',
                'security-severity': SECURITY_SEVERITY[rule.severity],
              },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: findings.map((finding) => {
          const { path, start, end } = finding.location;
          const ruleIndex = index.get(finding.ruleId);
          return {
            ruleId: finding.ruleId,
            ...(ruleIndex !== undefined ? { ruleIndex } : {}),
            level: LEVEL[finding.severity],
            message: { text: finding.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: encodeURI(path), uriBaseId: '%SRCROOT%' },
                  // SARIF regions are 1-based, as our locations already are.
                  region: {
                    startLine: start.line,
                    startColumn: start.column,
                    endLine: end.line,
                    endColumn: Math.max(end.column, end.line === start.line ? start.column + 1 : end.column),
                    snippet: { text: finding.snippet },
                  },
                },
              },
            ],
            partialFingerprints: { 'cordon/v1': finding.fingerprint },
            properties: { severity: finding.severity, confidence: finding.confidence, messageId: finding.messageId },
            ...(finding.suppressed
              ? { suppressions: [{ kind: finding.suppressed.kind === 'inline' ? 'inSource' : 'external', ...(finding.suppressed.reason ? { justification: finding.suppressed.reason } : {}) }] }
              : {}),
          };
        }),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
