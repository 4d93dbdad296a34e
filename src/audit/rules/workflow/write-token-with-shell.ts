// An agent that may run shell commands sits in a job whose token can write to the repository.

import { agentSteps, grantsShell } from '../../agents.js';
import { defineRule } from '../../rule.js';
import { effectivePermissions, writeScopes } from '../../job-facts.js';
import { bashGrant, toolTarget, type BashGrant } from '../../workflow-facts.js';

export const writeTokenWithShell = defineRule({
  meta: {
    id: 'write-token-with-shell',
    area: 'workflow',
    description: 'an agent with shell access runs in a job whose token can write',
    severity: 'high',
    confidence: 'high',
    messages: {
      writeToken: '`{{grant}}` gives the agent a shell in job `{{job}}`, whose token can write {{scopes}}; one injected instruction can push code or rewrite issues with it',
      defaultToken: '`{{grant}}` gives the agent a shell in job `{{job}}`, which sets no `permissions:`; the default token may be able to write everything',
    },
    help: 'Give agent jobs with shell tools a read-only token (`permissions: contents: read`), and do writes in a separate job or step that does not run the agent. Narrow `Bash` grants to the exact commands the task needs.',
  },
  inputs: ['workflow'],
  check({ input, report }) {
    if (input.kind !== 'workflow' || !input.model) return;
    for (const agent of agentSteps(input.model)) {
      if (!grantsShell(agent)) continue;
      // Bypass mode, `Bash` and a whole program (`Bash(gh:*)`) reach the token for sure; `Bash(gh pr comment:*)` less surely.
      const broad = agent.skipPermissions[0] ?? agent.allowedTools.find((tool) => isBroad(bashGrant(tool.text)));
      const grant = broad ?? agent.allowedTools.find((tool) => bashGrant(tool.text) !== undefined);
      if (!grant) continue;
      const sure = broad ? 'high' : 'medium';
      const data = { grant: grant.text, job: agent.job.id };
      const granted = writeScopes(input.model, agent.job);
      if (granted === 'unknown') continue;
      if (granted === 'default') {
        report({ messageId: 'defaultToken', data, at: toolTarget(agent, grant), confidence: 'medium' });
        continue;
      }
      const writes = granted.filter((scope) => scope !== 'id-token');
      if (writes.length === 0) continue;
      const all = effectivePermissions(input.model, agent.job)?.permissions.kind === 'write-all';
      report({ messageId: 'writeToken', data: { ...data, scopes: all ? 'every scope (`write-all`)' : writes.map((scope) => `\`${scope}\``).join(', ') }, at: toolTarget(agent, grant), confidence: sure });
    }
  },
});

function isBroad(grant: BashGrant | undefined): boolean {
  return grant !== undefined && (grant.words.length === 0 || (grant.words.length === 1 && grant.wildcard));
}
