// The model key is visible to more code than the agent step: whole workflows, whole jobs, or jobs that install and build.

import { gitlabModel, jobLines, type GitlabJob } from '../../../parse/gitlab.js';
import type { StringAt, WorkflowModel } from '../../../parse/workflow.js';
import { agentSteps } from '../../agents.js';
import { defineRule, type RuleContext } from '../../rule.js';
import { findRepoCode, gitlabAgentRuns, modelKeyOf, usesCloudIdentity, type ScriptHit } from '../../workflow-facts.js';

type MessageId = 'workflowEnv' | 'jobEnv' | 'sharedRunner' | 'gitlabGlobal' | 'gitlabJob' | 'gitlabProjectVariable';

export const agentKeyScope = defineRule({
  meta: {
    id: 'agent-key-scope',
    area: 'workflow',
    description: 'the model key is exposed to steps other than the agent',
    severity: 'high',
    confidence: 'high',
    messages: {
      workflowEnv: '`{{key}}` is set in workflow-level `env:`, so every step of every job can read the model key, not only the agent',
      jobEnv: '`{{key}}` is set in `env:` of job `{{job}}`, so each of its {{steps}} steps can read the model key, not only the agent',
      sharedRunner: '`{{key}}` goes to the agent on a runner where an earlier step ran `{{command}}`; code it installed can wait for the key',
      gitlabGlobal: '`{{key}}` is a global variable, so job `{{job}}`, which runs `{{command}}`, can read the model key',
      gitlabJob: '`{{key}}` is a variable of job `{{job}}`, whose script also runs `{{command}}`; that code can read the model key',
      gitlabProjectVariable: 'job `{{job}}` runs `{{command}}` in the same shell as `claude`, which reads its key from a project CI/CD variable every line can see',
    },
    help: 'Give the model key only to the step that runs the agent (GitHub: step `env:` or the action input; GitLab: a separate job with no installs, or OIDC to Bedrock/Vertex). Install and build in a job that never sees the key.',
  },
  inputs: ['workflow', 'gitlab-ci'],
  check(context) {
    const { input } = context;
    if (input.kind === 'workflow' && input.model) checkWorkflow(input.model, context);
    if (input.kind === 'gitlab-ci') checkGitlab(context);
  },
});

/** Action inputs that carry the model credential. */
const KEY_INPUTS = ['anthropic_api_key', 'claude_code_oauth_token'];

function checkWorkflow(workflow: WorkflowModel, { report }: RuleContext<MessageId>): void {
  for (const [name, entry] of workflow.env) {
    const key = modelKeyOf(name, entry.value);
    if (key) report({ messageId: 'workflowEnv', data: { key }, at: { route: entry.route, part: 'entry' } });
  }
  const agentStepSet = new Set(agentSteps(workflow).map((agent) => agent.step));
  for (const job of workflow.jobs) {
    for (const [name, entry] of job.env) {
      const key = modelKeyOf(name, entry.value);
      if (!key) continue;
      // With only the agent and a checkout in the job the exposure is real but nothing else runs there yet.
      const others = job.steps.filter((step) => !agentStepSet.has(step) && (step.run !== undefined || !step.uses?.value.startsWith('actions/checkout@')));
      report({ messageId: 'jobEnv', data: { key, job: job.id, steps: job.steps.length }, at: { route: entry.route, part: 'entry' }, confidence: others.length > 0 ? 'high' : 'medium' });
    }
  }
  for (const agent of agentSteps(workflow)) {
    const keys: { key: string; entry: StringAt }[] = [];
    for (const [name, entry] of agent.step.env) {
      const key = modelKeyOf(name, entry.value);
      if (key) keys.push({ key, entry });
    }
    for (const name of KEY_INPUTS) {
      const entry = agent.step.with.get(name);
      if (entry) keys.push({ key: name, entry });
    }
    if (keys.length === 0) continue;
    const earlier = agent.job.steps.filter((step) => step.index < agent.step.index && step.run);
    const ran = earlier.map((step) => findRepoCode(step.run?.value ?? '')[0]).find((hit): hit is ScriptHit => hit !== undefined);
    if (!ran) continue;
    for (const { key, entry } of keys) {
      report({ messageId: 'sharedRunner', data: { key, command: ran.text }, at: { route: entry.route, part: 'entry' }, severity: 'medium', confidence: 'medium' });
    }
  }
}

function checkGitlab({ input, report }: RuleContext<MessageId>): void {
  if (input.kind !== 'gitlab-ci') return;
  const model = gitlabModel(input.file);
  if (!model) return;
  const repoCode = new Map<GitlabJob, ScriptHit & { line: StringAt }>();
  for (const job of model.jobs) {
    for (const line of jobLines(job)) {
      const hit = findRepoCode(line.value)[0];
      if (hit) {
        repoCode.set(job, { ...hit, line });
        break;
      }
    }
  }
  const globalKeys = [...model.variables].filter(([name, entry]) => modelKeyOf(name, entry.value) !== undefined);
  const firstBuilder = [...repoCode][0];
  if (firstBuilder) {
    const [job, hit] = firstBuilder;
    for (const [name, entry] of globalKeys) {
      report({ messageId: 'gitlabGlobal', data: { key: modelKeyOf(name, entry.value) as string, job: job.id, command: hit.text }, at: { route: entry.route, part: 'entry' } });
    }
  }
  const agentJobs = new Set(gitlabAgentRuns(model).map((run) => run.job));
  const reportedLines = new Set<string>();
  for (const job of model.jobs) {
    const hit = repoCode.get(job);
    if (!hit) continue;
    const jobKeys = [...job.variables].filter(([name, entry]) => modelKeyOf(name, entry.value) !== undefined);
    for (const [name, entry] of jobKeys) {
      report({ messageId: 'gitlabJob', data: { key: modelKeyOf(name, entry.value) as string, job: job.id, command: hit.text }, at: { route: entry.route, part: 'entry' } });
    }
    // No key in the file: Claude Code then reads a project CI/CD variable, visible to every line of the job.
    const cloud = usesCloudIdentity([...model.variables.keys(), ...job.variables.keys()]) || job.raw.id_tokens !== undefined;
    const lineKey = hit.line.route.join('\0');
    if (agentJobs.has(job) && jobKeys.length === 0 && globalKeys.length === 0 && !cloud && !reportedLines.has(lineKey)) {
      reportedLines.add(lineKey);
      report({ messageId: 'gitlabProjectVariable', data: { job: job.id, command: hit.text }, at: { route: hit.line.route, index: hit.index, length: hit.length }, severity: 'medium', confidence: 'medium' });
    }
  }
}
