// Facts about a job that runs the agent, shared by the rules that grade it: token, tools, environment, `claude` commands.

import { findExpressions } from '../parse/expression.js';
import { parseShell, type ShellCommand, type ShellWord } from '../parse/shell.js';
import type { JobModel, PermissionLevel, PermissionsModel, StepModel, WorkflowModel } from '../parse/workflow.js';
import type { Route } from '../parse/yaml-doc.js';
import { agentSteps, grantsShell, type AgentStep } from './agents.js';
import { claudeInvocation, parseClaudeCli, type ClaudeCli } from './claude-cli.js';
import type { Target } from './rule.js';

export interface AgentJob {
  job: JobModel;
  /** Its agent steps, in step order. */
  agents: AgentStep[];
}

/** Jobs that run the agent at least once, in document order. */
export function agentJobs(workflow: WorkflowModel): AgentJob[] {
  const jobs: AgentJob[] = [];
  for (const agent of agentSteps(workflow)) {
    const last = jobs.at(-1);
    if (last?.job === agent.job) last.agents.push(agent);
    else jobs.push({ job: agent.job, agents: [agent] });
  }
  return jobs;
}

/** Every scope `write-all` grants. */
const TOKEN_SCOPES = [
  'actions',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'discussions',
  'id-token',
  'issues',
  'models',
  'packages',
  'pages',
  'pull-requests',
  'repository-projects',
  'security-events',
  'statuses',
];

/** The `permissions:` block in force for a job: its own replaces the workflow's entirely. */
export function effectivePermissions(workflow: WorkflowModel, job: JobModel): { permissions: PermissionsModel; inherited: boolean } | undefined {
  if (job.permissions) return { permissions: job.permissions, inherited: false };
  if (workflow.permissions) return { permissions: workflow.permissions, inherited: true };
  return undefined;
}

export interface ScopeGrant {
  level: PermissionLevel;
  /** The scope's entry, or the `write-all`/`read-all` value that implies it. */
  route: Route;
  implied: boolean;
  inherited: boolean;
}

/** What the job's token gets for one scope; undefined when no block is declared (the repository default applies). */
export function scopeGrant(workflow: WorkflowModel, job: JobModel, scope: string): ScopeGrant | undefined {
  const effective = effectivePermissions(workflow, job);
  if (!effective) return undefined;
  const { permissions, inherited } = effective;
  if (permissions.kind === 'write-all') return { level: 'write', route: permissions.route, implied: true, inherited };
  // `read-all` cannot grant id-token, which has no read level.
  if (permissions.kind === 'read-all') return { level: scope === 'id-token' ? 'none' : 'read', route: permissions.route, implied: true, inherited };
  const level = permissions.scopes.get(scope) ?? 'none';
  return { level, route: permissions.scopes.has(scope) ? [...permissions.route, scope] : permissions.route, implied: false, inherited };
}

/**
 * Scopes the job's token can write. `default` when neither job nor workflow declares `permissions:` (the
 * repository setting decides, and older repositories default to write-all); `unknown` for composite actions,
 * whose caller decides.
 */
export function writeScopes(workflow: WorkflowModel, job: JobModel): string[] | 'default' | 'unknown' {
  if (workflow.kind === 'action') return 'unknown';
  const effective = effectivePermissions(workflow, job);
  if (!effective) return 'default';
  if (effective.permissions.kind === 'write-all') return [...TOKEN_SCOPES];
  if (effective.permissions.kind === 'read-all') return [];
  return [...effective.permissions.scopes].filter(([, level]) => level === 'write').map(([scope]) => scope);
}

export function anyShell(agents: readonly AgentStep[]): boolean {
  return agents.some(grantsShell);
}

/** WebFetch reaches any URL the agent picks, so it is an exfiltration channel like curl. */
export function grantsWebFetch(agent: AgentStep): boolean {
  return agent.allowedTools.some((tool) => /^WebFetch\b/.test(tool.text.trim()));
}

export interface EnvEntry {
  name: string;
  value: string;
  route: Route;
}

/** The env entries a step runs with: workflow, then job, then step; a later layer hides an earlier name. */
export function envAt(workflow: WorkflowModel, job: JobModel, step: StepModel): EnvEntry[] {
  const byName = new Map<string, EnvEntry>();
  for (const layer of [workflow.env, job.env, step.env]) {
    for (const [name, entry] of layer) byName.set(name, { name, value: entry.value, route: entry.route });
  }
  return [...byName.values()];
}

export interface SecretRead {
  /** The secret's name as written, or `*` for the whole `secrets` context (`toJSON(secrets)`). */
  name: string;
  /** Offset and length of the `${{ }}` expression that reads it. */
  index: number;
  length: number;
}

/** Secrets a string reads through `${{ }}` expressions. */
export function secretReads(value: string): SecretRead[] {
  const reads: SecretRead[] = [];
  for (const expression of findExpressions(value)) {
    // String literals are data (`'secrets.X'`), except as the index in `secrets['X']`.
    const literals = [...expression.body.matchAll(/'(?:[^']|'')*'/g)].map((match) => ({ start: match.index ?? 0, end: (match.index ?? 0) + match[0].length }));
    for (const match of expression.body.matchAll(/\bsecrets\b\s*(?:\.\s*([\w-]+)|\[\s*'([\w-]+)'\s*\])?/g)) {
      const at = match.index ?? 0;
      if (literals.some((literal) => at > literal.start && at < literal.end)) continue;
      reads.push({ name: match[1] ?? match[2] ?? '*', index: expression.index, length: expression.text.length });
    }
  }
  return reads;
}

/** The job's own short-lived token under its secret name. */
export function isDefaultTokenSecret(name: string): boolean {
  return name.toUpperCase() === 'GITHUB_TOKEN';
}

/** Names under which Claude Code (or the action) takes its model credential; handing it over is the point. */
const MODEL_KEY_NAMES = new Set(['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN', 'ANTHROPIC_AUTH_TOKEN']);

export function isModelKeyName(name: string): boolean {
  return MODEL_KEY_NAMES.has(name.toUpperCase());
}

/** The action's inputs that carry a static model credential. */
export const MODEL_KEY_INPUTS = ['anthropic_api_key', 'claude_code_oauth_token'] as const;

/** The static model credential given to an agent step (action input or env), if any. */
export function staticModelKey(agent: AgentStep): { name: string; route: Route } | undefined {
  for (const name of MODEL_KEY_INPUTS) {
    const input = agent.step.with.get(name);
    if (input && input.value.trim() !== '') return { name, route: input.route };
  }
  const env = envAt(agent.workflow, agent.job, agent.step).find((entry) => isModelKeyName(entry.name) && entry.value.trim() !== '');
  return env ? { name: env.name, route: env.route } : undefined;
}

export interface CliRun {
  command: ShellCommand;
  /** The word naming Claude Code (`claude`, or the package after `npx`). */
  word: ShellWord;
  /** The wrapping command and its words before `claude`, e.g. `['timeout', '30m']`. */
  wrapper: string[];
  cli: ClaudeCli;
}

const runs = new WeakMap<AgentStep, CliRun[]>();

/** Each `claude` command of a CLI agent step's script. */
export function cliRuns(agent: AgentStep): CliRun[] {
  const cached = runs.get(agent);
  if (cached) return cached;
  const found: CliRun[] = [];
  if (agent.via === 'cli' && agent.step.run) {
    for (const command of parseShell(agent.step.run.value).commands) {
      const invocation = claudeInvocation(command);
      if (!invocation) continue;
      // The arguments are a suffix of the command's words, so the word just before them names Claude Code.
      const word = command.args[command.args.length - invocation.args.length - 1] ?? command.name;
      if (!word) continue;
      found.push({ command, word, wrapper: invocation.wrapper, cli: parseClaudeCli(invocation.args) });
    }
  }
  runs.set(agent, found);
  return found;
}

/** Where an agent starts: the action's `uses:`, or the first `claude` word of the script. */
export function agentSite(agent: AgentStep): Target {
  const run = cliRuns(agent)[0];
  if (run && agent.step.run) return { route: agent.step.run.route, index: run.word.start, length: run.word.end - run.word.start };
  return { route: agent.actionRef?.route ?? agent.step.route };
}

/** A word range inside a step's `run:` script, as a target. */
export function wordTarget(agent: AgentStep, word: ShellWord): Target {
  return { route: agent.step.run?.route ?? agent.step.route, index: word.start, length: word.end - word.start };
}
