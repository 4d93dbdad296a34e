// Privileged triggers (`pull_request_target`, `workflow_run`) that check out the pull request's own code.

import { findExpressions } from '../../../parse/expression.js';
import { commandBaseName, parseShell } from '../../../parse/shell.js';
import { parseUses, type JobModel, type StepModel, type StringAt } from '../../../parse/workflow.js';
import { agentSteps } from '../../agents.js';
import { defineRule } from '../../rule.js';

const PRIVILEGED = ['pull_request_target', 'workflow_run'];

/** Contexts that name the pull request's head: the author's code, not the base branch. */
const HEAD_CONTEXTS: readonly RegExp[] = [
  /^github\.event\.pull_request\.(head\.(sha|ref|repo\.full_name)|merge_commit_sha)$/,
  /^github\.head_ref$/,
  /^github\.event\.workflow_run\.(head_sha|head_branch|head_repository\.full_name)$/,
  /^github\.event\.workflow_run\.pull_requests\.[^.]+\.head\.(sha|ref)$/,
];
/** `refs/pull/123/merge`, `pull/123/head`: fetchable PR refs. */
const PR_REF = /\brefs\/pull\/|(^|[\s:])pull\/[^/\s]+\/(head|merge)\b/;
const GIT_VERBS = new Set(['checkout', 'switch', 'fetch', 'reset', 'pull', 'worktree', 'clone']);

export const dangerousTrigger = defineRule({
  meta: {
    id: 'dangerous-trigger',
    area: 'workflow',
    description: 'a privileged trigger checks out pull request code',
    severity: 'high',
    confidence: 'high',
    messages: {
      checkoutHead: '`{{trigger}}` runs with the base repository\'s secrets and token, and this checkout fetches the pull request\'s code (`{{ref}}`)',
      scriptCheckout: '`{{trigger}}` runs with the base repository\'s secrets and token, and `{{command}}` fetches the pull request\'s code',
    },
    help: 'Use `pull_request` for anything that builds or reads PR code. If a privileged trigger must look at a PR, check out the base branch at the workspace root, fetch the head into a subdirectory as data (`--add-dir`), and never run its scripts, installs or config.',
  },
  inputs: ['workflow'],
  check({ input, report }) {
    if (input.kind !== 'workflow' || !input.model) return;
    const workflow = input.model;
    const trigger = workflow.triggers.find((candidate) => PRIVILEGED.includes(candidate));
    if (!trigger) return;
    const agents = agentSteps(workflow);
    for (const job of workflow.jobs) {
      for (const step of job.steps) {
        const headEnv = headEnvNames(workflow.env, job, step);
        const confidence = runsCodeAfter(job, step, agents.some((agent) => agent.job === job)) ? 'high' : 'medium';
        const uses = step.uses ? parseUses(step.uses.value) : undefined;
        if (uses?.owner === 'actions' && uses.repo === 'checkout') {
          const target = [step.with.get('ref'), step.with.get('repository')].find((entry): entry is StringAt => entry !== undefined && namesHead(entry.value, headEnv));
          if (target && !inertSubdirectory(job, step)) report({ messageId: 'checkoutHead', data: { trigger, ref: target.value.trim() }, at: { route: target.route }, confidence });
        }
        if (!step.run) continue;
        const commands = parseShell(step.run.value).commands;
        for (const command of commands) {
          const name = commandBaseName(command.name?.value ?? '');
          const args = command.args.map((arg) => arg.value);
          const ghCheckout = name === 'gh' && args[0] === 'pr' && args[1] === 'checkout';
          const gitHead = name === 'git' && GIT_VERBS.has(args[0] ?? '') && args.slice(1).some((arg) => namesHead(arg, headEnv));
          if (!ghCheckout && !gitHead) continue;
          const text = step.run.value.slice(command.start, command.end).replace(/\s*\\?\n\s*/g, ' ');
          const thenRuns = commands.some((later) => later.start >= command.end);
          report({ messageId: 'scriptCheckout', data: { trigger, command: text }, at: { route: step.run.route, index: command.start, length: command.end - command.start }, confidence: thenRuns ? 'high' : confidence });
        }
      }
    }
  },
});

/** Whether text names the PR head: a head context, an env var holding one, or a `refs/pull/` ref. */
function namesHead(text: string, headEnv: ReadonlySet<string>): boolean {
  if (PR_REF.test(text)) return true;
  for (const expression of findExpressions(text)) {
    for (const reference of expression.references) {
      if (HEAD_CONTEXTS.some((pattern) => pattern.test(reference))) return true;
      const env = /^env\.([\w-]+)$/.exec(reference)?.[1];
      if (env && headEnv.has(env.toLowerCase())) return true;
    }
  }
  for (const match of text.matchAll(/\$\{?([A-Za-z_]\w*)/g)) if (headEnv.has((match[1] as string).toLowerCase())) return true;
  return false;
}

/** Env names (lowercased) that hold a head ref where this step runs. */
function headEnvNames(workflowEnv: Map<string, StringAt>, job: JobModel, step: StepModel): Set<string> {
  const names = new Set<string>();
  for (const layer of [workflowEnv, job.env, step.env]) {
    for (const [name, entry] of layer) if (namesHead(entry.value, new Set())) names.add(name.toLowerCase());
  }
  return names;
}

/** Whether checked-out code is likely executed: a later script, local action or the agent in the same job. */
function runsCodeAfter(job: JobModel, step: StepModel, hasAgent: boolean): boolean {
  if (hasAgent) return true;
  return job.steps.some((later) => later.index > step.index && (later.run !== undefined || later.uses?.value.startsWith('./') === true));
}

/**
 * The vendor-recommended shape: the head checked out into a subdirectory as data, base code at the root.
 * It stays safe only while no later step works inside that directory.
 */
function inertSubdirectory(job: JobModel, step: StepModel): boolean {
  const path = step.with.get('path')?.value.trim().replace(/^\.\//, '').replace(/\/$/, '');
  if (!path || path === '.') return false;
  const rawSteps = Array.isArray(job.raw.steps) ? (job.raw.steps as unknown[]) : [];
  return !job.steps.some((later) => {
    if (later.index <= step.index) return false;
    const raw = rawSteps[later.index] as Record<string, unknown> | undefined;
    const workingDirectory = typeof raw?.['working-directory'] === 'string' ? raw['working-directory'] : '';
    return workingDirectory.replace(/^\.\//, '').startsWith(path) || (later.run?.value.includes(path) ?? false);
  });
}
