// Finds claude-code-action opened to users or bots who lack write access to the repository.

import { agentSteps, type AgentStep } from '../../agents.js';
import { staticModelKey, writeScopes } from '../../job-facts.js';
import { defineRule } from '../../rule.js';

/**
 * Scopes the narrow intended use needs: labelling and commenting, plus `id-token` for workload-identity
 * auth (the vendor's own open triage setup). Writes beyond these raise the stakes.
 */
const NARROW_SCOPES = new Set(['issues', 'discussions', 'id-token']);

export const openToNonWriteUsers = defineRule({
  meta: {
    id: 'open-to-non-write-users',
    area: 'workflow',
    description: 'the agent action runs for users or bots without write access',
    severity: 'high',
    confidence: 'high',
    messages: {
      anyUser: '`allowed_non_write_users: "*"` lets anyone who can open an issue or comment run the agent{{exposure}}',
      anyBot: '`allowed_bots: "*"` lets any GitHub App or bot run the agent with text it wrote{{exposure}}',
      listedUsers: '`allowed_non_write_users` lets {{users}} run the agent without write access, bypassing the action\'s main control{{exposure}}',
    },
    help: 'Remove the wildcard. Keep `allowed_non_write_users` for narrowly scoped jobs (labelling, triage) that hold no write token beyond `issues`, no shell tools and no static key (use workload identity), and list the bots you trust by name in `allowed_bots`.',
  },
  inputs: ['workflow', 'action'],
  check({ input, report }) {
    if (input.kind !== 'workflow' && input.kind !== 'action') return;
    if (!input.model) return;
    for (const agent of agentSteps(input.model)) {
      // The base action has no actor check to open up; it trusts its caller entirely.
      if (agent.via !== 'action') continue;
      const exposure = exposureOf(agent);
      const users = agent.step.with.get('allowed_non_write_users');
      const entries = users ? listEntries(users.value) : [];
      if (users && entries.includes('*')) {
        report({
          messageId: 'anyUser',
          data: { exposure },
          at: { route: users.route, index: users.value.indexOf('*'), length: 1 },
          severity: exposure ? 'high' : 'medium',
        });
      } else if (users && entries.length > 0) {
        const dynamic = users.value.includes('${{');
        report({
          messageId: 'listedUsers',
          data: { users: dynamic ? `\`${users.value.trim()}\`` : entries.map((entry) => `\`${entry}\``).join(', '), exposure },
          at: { route: users.route },
          severity: 'medium',
          confidence: dynamic ? 'low' : 'medium',
        });
      }
      const bots = agent.step.with.get('allowed_bots');
      if (bots && listEntries(bots.value).includes('*')) {
        report({
          messageId: 'anyBot',
          data: { exposure },
          at: { route: bots.route, index: bots.value.indexOf('*'), length: 1 },
          severity: exposure ? 'high' : 'medium',
        });
      }
    }
  },
});

function listEntries(value: string): string[] {
  if (value.includes('${{')) return value.trim() === '' ? [] : [value.trim()];
  return value.split(/[\s,]+/).filter((entry) => entry.length > 0);
}

/** What an outsider's agent run would hold: write scopes beyond replying, and a static model key. */
function exposureOf(agent: AgentStep): string {
  const parts: string[] = [];
  const writes = writeScopes(agent.workflow, agent.job);
  if (writes === 'default') parts.push('the repository\'s default token (no `permissions:` block)');
  else if (writes !== 'unknown') {
    const risky = writes.filter((scope) => !NARROW_SCOPES.has(scope));
    if (risky.length > 0) parts.push(risky.map((scope) => `\`${scope}: write\``).join(', '));
  }
  const key = staticModelKey(agent);
  if (key) parts.push(`a static model key in \`${key.name}\``);
  return parts.length > 0 ? ` while the job holds ${parts.join(' and ')}` : '';
}
