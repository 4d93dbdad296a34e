// Settings that start every session without permission prompts, or auto-accept edits beside an open shell.

import { defineRule } from '../../rule.js';
import { defaultMode, mergedLayers, settingsOf, shellAccess } from '../../settings-facts.js';

export const bypassDefaultMode = defineRule({
  meta: {
    id: 'bypass-default-mode',
    area: 'settings',
    description: 'the default permission mode skips the checks that keep the agent in bounds',
    severity: 'high',
    confidence: 'high',
    messages: {
      bypass: '`defaultMode: bypassPermissions` runs every tool call without asking; only deny rules, ask rules and hooks still apply, and all of them can be sidestepped',
      acceptEditsWithShell: '`defaultMode: acceptEdits` lets the agent rewrite any file, including hooks, scripts and settings, while an allow rule already lets it run any command',
    },
    help: 'Use `dontAsk` (or `default`) with an explicit allow list for CI, so anything not listed is refused. If a run really needs bypass mode, pass it on the command line inside a disposable sandbox or container, not in a committed settings file.',
  },
  inputs: ['claude-settings'],
  check({ input, repo, report }) {
    const settings = settingsOf(input);
    if (!settings) return;
    const mode = defaultMode(settings);
    const at = { route: ['permissions', 'defaultMode'] };
    if (mode === 'bypassPermissions') {
      report({ messageId: 'bypass', at });
    } else if (mode === 'acceptEdits' && shellAccess(mergedLayers(input, repo)) === 'any') {
      report({ messageId: 'acceptEditsWithShell', at, severity: 'medium' });
    }
  },
});
