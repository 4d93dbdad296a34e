// The rule contract: static metadata (ids, grades, messages, docs) plus a check function.

import type { Confidence, Severity } from './severity.js';

export const RULE_AREAS = ['workflow', 'settings', 'mcp', 'instructions', 'container', 'secrets', 'general'] as const;
export type RuleArea = (typeof RULE_AREAS)[number];

export const DOCS_BASE = 'https://github.com/cordon-dev/cordon/blob/main/docs/rules/';

export interface RuleMeta<MessageId extends string = string> {
  /** Kebab-case name of the hazard; equal to the rule's file name and docs page. */
  id: string;
  area: RuleArea;
  /** One line, lowercase, no final period. */
  description: string;
  severity: Severity;
  confidence: Confidence;
  /** Message templates by id; `{{name}}` placeholders are filled from report data. */
  messages: Record<MessageId, string>;
  /** What to do about it, shown under every finding. */
  help: string;
  /** Documentation link, when it is not the rule's own page under docs/rules/. */
  helpUri?: string;
}

export interface Rule<Context, MessageId extends string = string> {
  meta: RuleMeta<MessageId>;
  check(context: Context): void;
}

export function docsUrl(ruleId: string): string {
  return `${DOCS_BASE}${ruleId}.md`;
}
