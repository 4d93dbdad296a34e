// Finds checkouts that leave a git credential in `.git/config` of a job where the agent runs afterwards.

import { parseUses } from '../../../parse/workflow.js';
import { grantsShell } from '../../agents.js';
import { agentJobs, isDefaultTokenSecret, secretReads } from '../../job-facts.js';
import { defineRule } from '../../rule.js';

export const checkoutPersistsCredentials = defineRule({
  meta: {
    id: 'checkout-persists-credentials',
    area: 'workflow',
    description: 'checkout leaves a git credential on disk for the agent to read',
    severity: 'low',
    confidence: 'high',
    messages: {
      persisted: '`{{uses}}` leaves the job token in `.git/config`, where the agent that runs later in this job can read it',
      persistedSecret: '`{{uses}}` leaves `secrets.{{secret}}` configured for git, where the agent that runs later in this job can read it',
    },
    help: 'Set `persist-credentials: false` on `actions/checkout` in jobs that run the agent. If the agent must push, give it the token through a narrowly allowed tool (or let the action push for it) rather than through the git config every process can read.',
  },
  inputs: ['workflow', 'action'],
  check({ input, report }) {
    if (input.kind !== 'workflow' && input.kind !== 'action') return;
    if (!input.model) return;
    for (const { job, agents } of agentJobs(input.model)) {
      for (const step of job.steps) {
        const parsed = step.uses ? parseUses(step.uses.value) : undefined;
        if (!step.uses || parsed?.owner !== 'actions' || parsed.repo !== 'checkout') continue;
        const persist = step.with.get('persist-credentials')?.value.trim().toLowerCase();
        if (persist === 'false') continue;
        const later = agents.filter((agent) => agent.step.index > step.index);
        if (later.length === 0) continue;
        // With a shell the token is one `cat .git/config` away; without, only the Read tool reaches it.
        const shell = later.some(grantsShell);
        const credential = ['token', 'ssh-key'].map((name) => step.with.get(name)?.value ?? '').flatMap(secretReads).find((read) => !isDefaultTokenSecret(read.name));
        if (credential) {
          report({ messageId: 'persistedSecret', data: { uses: step.uses.value, secret: credential.name }, at: { route: step.uses.route }, severity: shell ? 'high' : 'medium' });
        } else {
          report({ messageId: 'persisted', data: { uses: step.uses.value }, at: { route: step.uses.route }, severity: shell ? 'medium' : 'low' });
        }
      }
    }
  },
});
