// Third-party actions referenced by a movable tag or branch instead of a full commit SHA.

import { isShaRef, parseUses } from '../../../parse/workflow.js';
import { isClaudeAction } from '../../agents.js';
import { defineRule } from '../../rule.js';

export const unpinnedAction = defineRule({
  meta: {
    id: 'unpinned-action',
    area: 'workflow',
    description: 'action is not pinned to a full commit sha',
    severity: 'low',
    confidence: 'high',
    messages: {
      tag: '`{{uses}}` is pinned to `{{ref}}`, which its owner can move to other code',
      missing: '`{{uses}}` has no ref at all',
      image: 'container action `{{uses}}` is not pinned to a digest',
    },
    help: 'Pin every third-party action to the full 40-character commit SHA of a release and keep the tag in a comment (`uses: owner/repo@<sha> # v1.2.3`); let Dependabot or Renovate update it.',
  },
  inputs: ['workflow', 'action'],
  check({ input, report }) {
    if (input.kind !== 'workflow' && input.kind !== 'action') return;
    if (!input.model) return;
    const uses = input.model.jobs.flatMap((job) => [job.uses, ...job.steps.map((step) => step.uses)]);
    for (const entry of uses) {
      if (!entry) continue;
      // The agent action has its own, stricter rule (agent-action-mutable-ref).
      if (isClaudeAction(entry.value)) continue;
      if (entry.value.startsWith('docker://')) {
        if (!entry.value.includes('@sha256:')) report({ messageId: 'image', data: { uses: entry.value }, at: { route: entry.route } });
        continue;
      }
      const parsed = parseUses(entry.value);
      if (!parsed) continue;
      if (parsed.ref === undefined) report({ messageId: 'missing', data: { uses: entry.value }, at: { route: entry.route } });
      else if (!isShaRef(parsed.ref)) report({ messageId: 'tag', data: { uses: entry.value, ref: parsed.ref }, at: { route: entry.route } });
    }
  },
});
