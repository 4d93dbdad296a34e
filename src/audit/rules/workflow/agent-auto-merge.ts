// Agent-written changes merged or approved by automation, with no human review in between.

import { commandBaseName, parseShell } from '../../../parse/shell.js';
import { parseUses, type JobModel, type StepModel } from '../../../parse/workflow.js';
import { agentSteps } from '../../agents.js';
import { defineRule } from '../../rule.js';
import { bashGrant, grantPermits, toolTarget, type ScriptHit } from '../../workflow-facts.js';

type Verb = 'merge' | 'approve';

/** Actions whose whole job is to merge or approve pull requests. */
const MERGE_ACTIONS = new Map<string, Verb>([
  ['peter-evans/enable-pull-request-automerge', 'merge'],
  ['pascalgn/automerge-action', 'merge'],
  ['juliangruber/merge-pull-request-action', 'merge'],
  ['ridedott/merge-me-action', 'merge'],
  ['reitermarkus/automerge', 'merge'],
  ['hmarr/auto-approve-action', 'approve'],
  ['juliangruber/approve-pull-request-action', 'approve'],
]);

/** Grants that let the agent merge or approve through the GitHub CLI. */
const GRANTS: readonly { prefix: readonly string[]; verb: Verb; command: string }[] = [
  { prefix: ['gh', 'pr', 'merge'], verb: 'merge', command: 'gh pr merge' },
  { prefix: ['gh', 'pr', 'review'], verb: 'approve', command: 'gh pr review --approve' },
];
/** `gh pr review` narrowed to these flags cannot approve. */
const NON_APPROVING = new Set(['--comment', '-c', '--request-changes', '-r']);

export const agentAutoMerge = defineRule({
  meta: {
    id: 'agent-auto-merge',
    area: 'workflow',
    description: 'agent changes are merged or approved without a human review',
    severity: 'high',
    confidence: 'high',
    messages: {
      merge: '{{context}} merges pull requests with `{{command}}`, so agent-written changes can land without a human review',
      approve: '{{context}} approves pull requests with `{{command}}`, which can satisfy required reviews without a human',
      mergeAction: '{{context}} uses `{{action}}` to {{verb}} pull requests without a human review',
      toolGrant: '`{{tool}}` lets the agent run `{{command}}`, so it can {{verb}} pull requests itself',
    },
    help: 'Keep a human between the agent and the default branch: no auto-merge or auto-approve for agent pull requests, branch protection with required reviews from code owners, and no `gh pr merge`/`gh pr review` in the agent\'s tools.',
  },
  inputs: ['workflow', 'action'],
  check({ input, report }) {
    if ((input.kind !== 'workflow' && input.kind !== 'action') || !input.model) return;
    const workflow = input.model;
    const agents = agentSteps(workflow);
    const agentJobs = new Set(agents.map((agent) => agent.job));
    for (const job of workflow.jobs) {
      const agentJob = agentJobs.has(job);
      for (const step of job.steps) {
        if (!agentJob && !aboutAgentPullRequests(job, step)) continue;
        const context = agentJob ? `the agent job \`${job.id}\`` : `job \`${job.id}\`, which handles the agent's pull requests,`;
        const confidence = agentJob ? 'high' : 'medium';
        const uses = step.uses ? parseUses(step.uses.value) : undefined;
        const verb = uses ? MERGE_ACTIONS.get(`${uses.owner}/${uses.repo}`) : undefined;
        if (verb && step.uses) report({ messageId: 'mergeAction', data: { context, action: step.uses.value, verb }, at: { route: step.uses.route }, confidence });
        if (step.run) {
          for (const hit of mergeCommands(step.run.value)) {
            const at = { route: step.run.route, index: hit.index, length: hit.length };
            if (hit.verb === 'merge') report({ messageId: 'merge', data: { context, command: hit.text }, at, confidence });
            else report({ messageId: 'approve', data: { context, command: hit.text }, at, confidence });
          }
        }
        const script = step.with.get('script');
        if (uses?.owner === 'actions' && uses.repo === 'github-script' && script) {
          const call = /\bpulls\.merge\s*\(|enablePullRequestAutoMerge|\bevent\s*:\s*['"]APPROVE['"]/.exec(script.value);
          if (call) {
            const at = { route: script.route, index: call.index, length: call[0].length };
            if (call[0].includes('APPROVE')) report({ messageId: 'approve', data: { context, command: call[0] }, at, confidence });
            else report({ messageId: 'merge', data: { context, command: call[0] }, at, confidence });
          }
        }
      }
    }
    for (const agent of agents) {
      for (const tool of agent.allowedTools) {
        const grant = bashGrant(tool.text);
        if (!grant || grant.words.length === 0) continue;
        const permitted = GRANTS.find(({ prefix, verb }) => grantPermits(grant, prefix) && !(verb === 'approve' && grant.words.some((word) => NON_APPROVING.has(word))));
        if (permitted) report({ messageId: 'toolGrant', data: { tool: tool.text, command: permitted.command, verb: permitted.verb }, at: toolTarget(agent, tool) });
      }
    }
  },
});

/** A job or step condition that singles out the agent's pull requests (`claude[bot]`, `claude/` branches). */
function aboutAgentPullRequests(job: JobModel, step: StepModel): boolean {
  return [job.if?.value, step.if?.value].some((condition) => condition !== undefined && /claude|anthropic/i.test(condition));
}

/** `gh pr merge`, `gh pr review --approve`, and the REST calls behind them. */
function mergeCommands(script: string): (ScriptHit & { verb: Verb })[] {
  const hits: (ScriptHit & { verb: Verb })[] = [];
  for (const command of parseShell(script).commands) {
    if (commandBaseName(command.name?.value ?? '') !== 'gh') continue;
    // `${{ }}` holds spaces that would hide a `/pulls/N/merge` path from the patterns below.
    const args = command.args.map((arg) => arg.value.replace(/\$\{\{[\s\S]*?\}\}/g, 'X'));
    const text = script.slice(command.start, command.end).replace(/\s*\\?\n\s*/g, ' ');
    const hit = { index: command.start, length: command.end - command.start, text };
    if (args[0] === 'pr' && args[1] === 'merge') hits.push({ ...hit, verb: 'merge' });
    if (args[0] === 'pr' && args[1] === 'review' && args.some((arg) => arg === '--approve' || arg === '-a')) hits.push({ ...hit, verb: 'approve' });
    if (args[0] === 'api') {
      if (args.some((arg) => /pulls\/[^/\s]+\/merge\b/.test(arg)) && args.some((arg) => /^PUT$/i.test(arg))) hits.push({ ...hit, verb: 'merge' });
      if (args.some((arg) => /pulls\/[^/\s]+\/reviews\b/.test(arg)) && args.some((arg) => /^event=APPROVE$/.test(arg))) hits.push({ ...hit, verb: 'approve' });
    }
  }
  return hits;
}
