// The output formats every scanning command shares, and one dispatch over them.

import type { Finding } from '../core/finding.js';
import type { RuleMeta } from '../core/rule.js';
import { renderGithub } from './github.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

export const FORMATS = ['text', 'json', 'sarif', 'github', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderInput {
  findings: readonly Finding[];
  rules: readonly RuleMeta[];
  version: string;
  command: string;
  color: boolean;
  footer?: string[];
  stats?: unknown;
}

export function render(format: Format, input: RenderInput): string {
  switch (format) {
    case 'text':
      return renderText(input.findings, { color: input.color }, input.footer);
    case 'json':
      return renderJson(input.findings, { version: input.version, command: input.command, stats: input.stats });
    case 'sarif':
      return renderSarif(input.findings, input.rules, { version: input.version });
    case 'github':
      return renderGithub(input.findings);
    case 'markdown':
      return renderMarkdown(input.findings, `cordon ${input.command}`);
  }
}
