// The job token of an agent job (or any job with `write-all`) can do far more than the agent's task needs.

import type { JobModel, PermissionsModel } from '../../../parse/workflow.js';
import { agentSteps } from '../../agents.js';
import { defineRule } from '../../rule.js';
import { effectivePermissions, writeScopes } from '../../job-facts.js';
import { outsiderTriggers } from '../../workflow-facts.js';

/** Write scopes that reach past code review: CI definitions, published packages, deployments. */
const ESCALATING = new Set(['actions', 'workflows', 'packages', 'deployments', 'pages']);

export const excessivePermissions = defineRule({
  meta: {
    id: 'excessive-permissions',
    area: 'workflow',
    description: 'the job token has more write access than an agent job needs',
    severity: 'medium',
    confidence: 'high',
    messages: {
      writeAll: '`permissions: write-all` gives {{where}} write access to every scope of the repository',
      missing: 'agent job `{{job}}` sets no `permissions:` (nor does the workflow), so its token gets the repository default, which may be write to everything',
      broadWrite: 'the token of {{jobs}} can write {{scopes}}; an agent steered by untrusted text can use all of it',
    },
    help: 'Declare `permissions:` on every agent job with the least the task needs (often `contents: read` plus `issues: write` or `pull-requests: write`), and do not combine `contents: write` with `actions`, `workflows` or `packages`.',
  },
  inputs: ['workflow'],
  check({ input, report }) {
    if (input.kind !== 'workflow' || !input.model) return;
    const workflow = input.model;
    const exposed = outsiderTriggers(workflow).length > 0;
    const agentJobs = [...new Set(agentSteps(workflow).map((agent) => agent.job))];
    const severity = (jobs: JobModel[]): 'high' | undefined => (exposed && jobs.length > 0 ? 'high' : undefined);

    const inForce = (job: JobModel): PermissionsModel | undefined => effectivePermissions(workflow, job)?.permissions;
    const usersOf = (permissions: PermissionsModel): JobModel[] => agentJobs.filter((job) => inForce(job) === permissions);

    const reported = new Set<PermissionsModel>();
    const writeAll = [workflow.permissions, ...workflow.jobs.map((job) => job.permissions)].filter((p): p is PermissionsModel => p?.kind === 'write-all');
    for (const permissions of writeAll) {
      reported.add(permissions);
      const job = workflow.jobs.find((candidate) => candidate.permissions === permissions);
      const where = job ? `job \`${job.id}\`` : 'every job without its own `permissions:`';
      report({ messageId: 'writeAll', data: { where }, at: { route: permissions.route }, ...withSeverity(severity(usersOf(permissions))) });
    }

    for (const job of agentJobs) {
      const permissions = inForce(job);
      if (!permissions) {
        report({ messageId: 'missing', data: { job: job.id }, at: { route: job.route, part: 'key' }, confidence: 'medium', ...withSeverity(severity([job])) });
        continue;
      }
      if (reported.has(permissions)) continue;
      const granted = writeScopes(workflow, job);
      const writes = Array.isArray(granted) ? granted.filter((scope) => scope !== 'id-token') : [];
      const escalating = writes.includes('contents') && writes.some((scope) => ESCALATING.has(scope));
      if (!escalating && writes.length < 3) continue;
      reported.add(permissions);
      const users = usersOf(permissions);
      const jobs = `agent job${users.length > 1 ? 's' : ''} ${users.map((user) => `\`${user.id}\``).join(', ')}`;
      report({ messageId: 'broadWrite', data: { jobs, scopes: writes.map((scope) => `\`${scope}\``).join(', ') }, at: { route: permissions.route }, ...withSeverity(severity(users)) });
    }
  },
});

function withSeverity(severity: 'high' | undefined): { severity?: 'high' } {
  return severity ? { severity } : {};
}
