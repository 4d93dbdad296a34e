// The explicit list of audit rules; adding a rule means one import and one entry here.

import type { AuditRule } from './rule.js';
import { parseError } from './rules/general/parse-error.js';
import { unreadableFile } from './rules/general/unreadable-file.js';
import { hiddenUnicode } from './rules/instructions/hidden-unicode.js';
import { unpinnedAction } from './rules/workflow/unpinned-action.js';
import { untrustedPromptInput } from './rules/workflow/untrusted-prompt-input.js';

export const RULES: readonly AuditRule[] = [
  // general
  parseError,
  unreadableFile,
  // workflow
  unpinnedAction,
  untrustedPromptInput,
  // instructions
  hiddenUnicode,
] as AuditRule[];
