// A file the audit must read could not be opened; reported by the engine, so the scan goes on.

import { defineRule } from '../../rule.js';

export const unreadableFile = defineRule({
  meta: {
    id: 'unreadable-file',
    area: 'general',
    description: 'file cannot be read, so none of its hazards can be checked',
    severity: 'medium',
    confidence: 'high',
    messages: { unreadable: 'cannot read this file ({{reason}})' },
    help: 'Make the file readable by the user running cordon, or exclude it in cordon.yml with a reason.',
  },
  // The engine emits this rule's findings while reading; there is nothing left to check per file.
  inputs: [],
  check() {},
});
