// The rule catalogue as Markdown (docs/rules/README.md), generated from the registry so it cannot drift.

import { RULE_AREAS } from '../core/rule.js';
import type { AuditRule } from './rule.js';

const AREA_TITLES: Record<(typeof RULE_AREAS)[number], string> = {
  workflow: 'CI workflows (GitHub Actions, GitLab CI)',
  settings: 'Claude Code settings',
  mcp: 'MCP servers',
  instructions: 'Instruction and ignore files',
  container: 'Containers',
  secrets: 'Secrets',
  general: 'The scan itself',
};

export function rulesIndexMarkdown(rules: readonly AuditRule[]): string {
  const out = ['# Audit rules', '', `cordon audit has ${rules.length} rules. Each page says what the rule finds, why it matters and how to fix it.`, '', 'Generated from the registry by `npm run docs:rules`; do not edit by hand.', ''];
  for (const area of RULE_AREAS) {
    const inArea = rules.filter((rule) => rule.meta.area === area).sort((a, b) => a.meta.id.localeCompare(b.meta.id));
    if (inArea.length === 0) continue;
    out.push(`## ${AREA_TITLES[area]}`, '', '| rule | severity | confidence | finds |', '|---|---|---|---|');
    for (const { meta } of inArea) out.push(`| [\`${meta.id}\`](${meta.id}.md) | ${meta.severity} | ${meta.confidence} | ${meta.description} |`);
    out.push('');
  }
  return out.join('\n');
}
