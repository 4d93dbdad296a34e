// A personal `.claude/settings.local.json` that lives in the repository instead of on one machine.

import { defineRule } from '../../rule.js';
import { fileStart, isLocalSettings, permissionRules, settingsOf } from '../../settings-facts.js';

export const localSettingsCommitted = defineRule({
  meta: {
    id: 'local-settings-committed',
    area: 'settings',
    description: 'personal `.claude/settings.local.json` is committed to the repository',
    severity: 'medium',
    confidence: 'high',
    messages: {
      committed: '`{{path}}` is {{state}}: its personal settings ({{allows}}) load for everyone who runs Claude Code in this repository, CI included',
    },
    help: 'Remove the file from the repository (`git rm --cached .claude/settings.local.json`), add it to `.gitignore`, and move any setting the team really needs into the reviewed `.claude/settings.json`.',
  },
  inputs: ['claude-settings'],
  check({ input, repo, report }) {
    if (input.kind !== 'claude-settings' || input.origin !== 'path' || !isLocalSettings(input.file.path)) return;
    // Without git we cannot tell a committed file from a developer's working copy.
    if (repo.tracked !== undefined && !repo.tracked.has(input.file.path)) return;
    const settings = settingsOf(input);
    const count = settings ? permissionRules(settings, 'allow').length : 0;
    const allows = `${count} allow rule${count === 1 ? '' : 's'}`;
    const tracked = repo.tracked !== undefined;
    report({
      messageId: 'committed',
      data: { path: input.file.path, state: tracked ? 'tracked by git' : 'in the scanned tree (not a git work tree, so it may be committed)', allows },
      at: fileStart(input.file),
      ...(tracked ? {} : { confidence: 'low' as const }),
    });
  },
});
