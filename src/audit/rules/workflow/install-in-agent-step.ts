// Packages fetched at run time, unpinned, in the job that runs the agent — or the agent allowed to install them itself.

import { gitlabModel, jobLines } from '../../../parse/gitlab.js';
import type { StringAt, WorkflowModel } from '../../../parse/workflow.js';
import { agentSteps } from '../../agents.js';
import { defineRule, type Report, type RuleContext } from '../../rule.js';
import { findInstalls, gitlabAgentRuns, gitlabToolTarget, grantedInstall, toolTarget, type InstallHit } from '../../workflow-facts.js';

type MessageId = 'adHocInstall' | 'pipeToShell' | 'unpinnedCli' | 'toolGrant';

export const installInAgentStep = defineRule({
  meta: {
    id: 'install-in-agent-step',
    area: 'workflow',
    description: 'packages are installed ad hoc in the job that runs the agent',
    severity: 'medium',
    confidence: 'high',
    messages: {
      adHocInstall: '`{{command}}` installs packages not fixed by a lockfile in the agent job `{{job}}`; a compromised release runs next to the agent and its secrets',
      pipeToShell: '`{{command}}` runs a downloaded script in the agent job `{{job}}`; whoever controls that URL controls the job',
      unpinnedCli: '`{{command}}` fetches whatever Claude Code version is newest when the job `{{job}}` runs',
      toolGrant: '`{{tool}}` lets the agent run `{{install}}` itself, so injected instructions can pull in and execute any package',
    },
    help: 'Install dependencies from a lockfile (`npm ci`, `pip install -r requirements.txt --require-hashes`) in a job that does not hold the agent\'s secrets, pin tools to exact versions (`@anthropic-ai/claude-code@1.0.x`), and do not allow package managers in the agent\'s tools.',
  },
  inputs: ['workflow', 'action', 'gitlab-ci'],
  check(context) {
    const { input } = context;
    if ((input.kind === 'workflow' || input.kind === 'action') && input.model) checkWorkflow(input.model, context);
    if (input.kind === 'gitlab-ci') checkGitlab(context);
  },
});

function installReport(hit: InstallHit, line: StringAt, job: string): Report<MessageId> {
  const at = { route: line.route, index: hit.index, length: hit.length };
  const data = { command: hit.text, job };
  if (hit.kind === 'pipe-to-shell') return { messageId: 'pipeToShell', data, at, severity: 'high' };
  if (hit.kind === 'claude-cli') return { messageId: 'unpinnedCli', data, at };
  return { messageId: 'adHocInstall', data, at, confidence: hit.confidence };
}

function checkWorkflow(workflow: WorkflowModel, { report }: RuleContext<MessageId>): void {
  const agents = agentSteps(workflow);
  for (const job of new Set(agents.map((agent) => agent.job))) {
    for (const step of job.steps) {
      if (!step.run) continue;
      for (const hit of findInstalls(step.run.value)) report(installReport(hit, step.run, job.id));
    }
  }
  for (const agent of agents) {
    for (const tool of agent.allowedTools) {
      const install = grantedInstall(tool.text);
      if (install) report({ messageId: 'toolGrant', data: { tool: tool.text, install }, at: toolTarget(agent, tool) });
    }
  }
}

function checkGitlab({ input, report }: RuleContext<MessageId>): void {
  if (input.kind !== 'gitlab-ci') return;
  const model = gitlabModel(input.file);
  if (!model) return;
  const runs = gitlabAgentRuns(model);
  // A default before_script is shared by many jobs; report each line once.
  const seen = new Set<string>();
  for (const job of new Set(runs.map((run) => run.job))) {
    for (const line of jobLines(job)) {
      const key = line.route.join('\0');
      if (seen.has(key)) continue;
      seen.add(key);
      for (const hit of findInstalls(line.value)) report(installReport(hit, line, job.id));
    }
  }
  for (const run of runs) {
    for (const tool of run.cli.allowedTools) {
      const install = grantedInstall(tool.tool);
      if (!install) continue;
      report({ messageId: 'toolGrant', data: { tool: tool.tool, install }, at: gitlabToolTarget(run, tool) });
    }
  }
}
