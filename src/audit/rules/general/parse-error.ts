// A file the audit must read is not valid YAML or JSON; reported by the engine, so the scan goes on.

import { defineRule } from '../../rule.js';

export const parseError = defineRule({
  meta: {
    id: 'parse-error',
    area: 'general',
    description: 'file cannot be parsed, so none of its hazards can be checked',
    severity: 'medium',
    confidence: 'high',
    messages: { invalid: 'cannot parse this file: {{detail}}' },
    help: 'Fix the syntax: GitHub, GitLab and Claude Code reject or silently ignore files that do not parse, and cordon cannot audit them.',
  },
  // The engine emits this rule's findings while parsing; there is nothing left to check per file.
  inputs: [],
  check() {},
});
