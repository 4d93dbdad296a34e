// Settings that switch off every hook, guard hooks included.

import { defineRule } from '../../rule.js';
import { settingsOf } from '../../settings-facts.js';

export const hooksDisabled = defineRule({
  meta: {
    id: 'hooks-disabled',
    area: 'settings',
    description: '`disableAllHooks` turns off every hook, including guard hooks',
    severity: 'high',
    confidence: 'high',
    messages: {
      disabled: '`disableAllHooks: true` turns off every hook, including a guard injected with `--settings`; a repository file can silently switch your runtime checks off',
    },
    help: 'Remove `disableAllHooks` from committed settings. Where a guard hook must run, set `"disableAllHooks": false` in the `--settings` JSON that installs it (flag settings outrank project and local ones) and launch with `--setting-sources user` so repository settings cannot interfere.',
  },
  inputs: ['claude-settings'],
  check({ input, report }) {
    const settings = settingsOf(input);
    if (settings?.disableAllHooks === true) report({ messageId: 'disabled', at: { route: ['disableAllHooks'] } });
  },
});
