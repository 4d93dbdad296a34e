// Finds `id-token: write` on jobs that run the agent, letting anything in the job mint cloud OIDC tokens.

import { agentJobs, anyShell, scopeGrant } from '../../job-facts.js';
import { outsiderTriggers } from '../../workflow-facts.js';
import { defineRule } from '../../rule.js';

export const idTokenInAgentJob = defineRule({
  meta: {
    id: 'id-token-in-agent-job',
    area: 'workflow',
    description: 'the agent job can mint oidc tokens',
    severity: 'low',
    confidence: 'high',
    messages: {
      appTokenFlow: '`id-token: write`{{origin}} lets any code in agent job `{{job}}` mint OIDC tokens; the action needs it only to fetch its GitHub App token, and passing `github_token` removes that need',
      granted: '`id-token: write`{{origin}} lets any code in agent job `{{job}}`, the agent included, mint OIDC tokens for the cloud roles that trust this repository',
    },
    help: 'Drop `id-token: write` from agent jobs. claude-code-action requests it only for the Claude GitHub App token exchange: pass `github_token: ${{ secrets.GITHUB_TOKEN }}` with minimal `permissions:` instead. Do cloud logins (Bedrock, Vertex, deploys) in a job the agent does not run in, or scope the role\'s trust policy to that job.',
  },
  // Composite actions do not declare token permissions; their caller's job does.
  inputs: ['workflow'],
  check({ input, report }) {
    if (input.kind !== 'workflow' || !input.model) return;
    const exposed = outsiderTriggers(input.model).length > 0;
    for (const { job, agents } of agentJobs(input.model)) {
      const grant = scopeGrant(input.model, job, 'id-token');
      if (grant?.level !== 'write') continue;
      const origin = grant.implied ? ' (implied by `write-all`)' : grant.inherited ? ' (from the workflow-level `permissions:`)' : '';
      const appFlow = agents.some((agent) => agent.via === 'action' && !agent.step.with.has('github_token'));
      report({
        messageId: appFlow ? 'appTokenFlow' : 'granted',
        data: { origin, job: job.id },
        at: grant.implied ? { route: grant.route } : { route: grant.route, part: 'entry' },
        severity: exposed && anyShell(agents) ? 'medium' : 'low',
      });
    }
  },
});
