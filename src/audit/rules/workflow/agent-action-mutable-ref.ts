// Finds the Claude action referenced by a branch or tag instead of a full commit SHA.

import { isShaRef } from '../../../parse/workflow.js';
import { agentSteps } from '../../agents.js';
import { defineRule } from '../../rule.js';

/** `v1`, `v1.0.3`, `1.2`, `v1.0.0-rc.1`: release tags, which move rarely and by the publisher's hand. */
const VERSION_TAG = /^v?\d+(\.\d+){0,2}([-+][\w.-]+)?$/;

export const agentActionMutableRef = defineRule({
  meta: {
    id: 'agent-action-mutable-ref',
    area: 'workflow',
    description: 'the claude action is not pinned to a full commit sha',
    severity: 'high',
    confidence: 'high',
    messages: {
      branch: '`{{uses}}` follows `{{ref}}`, a moving branch: whatever is pushed there next runs with this job\'s secrets and token',
      missing: '`{{uses}}` has no ref, so every run takes whatever the action\'s default branch holds',
      tag: '`{{uses}}` is pinned to the tag `{{ref}}`, which can be moved to other code',
      shortSha: '`{{uses}}` uses the abbreviated SHA `{{ref}}`; only a full 40-character SHA pins one commit, and a branch or tag of that name can take its place',
    },
    help: 'Pin the action to the full 40-character commit SHA of a release and keep the version in a comment (`uses: anthropics/claude-code-action@<sha> # v1.0.x`); let Dependabot or Renovate propose updates so each new agent version is reviewed.',
  },
  inputs: ['workflow', 'action'],
  check({ input, report }) {
    if (input.kind !== 'workflow' && input.kind !== 'action') return;
    if (!input.model) return;
    for (const agent of agentSteps(input.model)) {
      const ref = agent.actionRef;
      if (!ref || isShaRef(ref.ref)) continue;
      if (ref.ref === undefined || ref.ref === '') {
        report({ messageId: 'missing', data: { uses: ref.value }, at: { route: ref.route } });
        continue;
      }
      const at = { route: ref.route, index: ref.value.indexOf('@') + 1, length: ref.ref.length };
      if (/^[0-9a-f]{7,39}$/i.test(ref.ref)) {
        report({ messageId: 'shortSha', data: { uses: ref.value, ref: ref.ref }, at, severity: 'medium' });
      } else if (VERSION_TAG.test(ref.ref)) {
        report({ messageId: 'tag', data: { uses: ref.value, ref: ref.ref }, at, severity: 'medium' });
      } else {
        // Anything that is neither a SHA nor a version (`main`, `beta`, `eap`, `dev`) is taken for a branch.
        report({ messageId: 'branch', data: { uses: ref.value, ref: ref.ref }, at });
      }
    }
  },
});
