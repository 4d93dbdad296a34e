// Finds where a workflow runs Claude Code (the action or the CLI) and what that run is allowed to do.

import { parseArgumentString, parseShell, type ShellWord } from '../parse/shell.js';
import { parseUses, type JobModel, type StepModel, type WorkflowModel } from '../parse/workflow.js';
import type { Route } from '../parse/yaml-doc.js';
import { claudeArgs, parseClaudeCli, splitToolList } from './claude-cli.js';
import type { Target } from './rule.js';

/** A place inside a workflow: the string at a route, optionally narrowed to a character range. */
export interface Site {
  route: Route;
  index?: number;
  length?: number;
}

export interface TextAt {
  text: string;
  site: Site;
}

export interface AgentStep {
  workflow: WorkflowModel;
  job: JobModel;
  step: StepModel;
  via: 'action' | 'base-action' | 'cli';
  /** For the action: its `uses:` ref (undefined when absent). */
  actionRef: { value: string; ref: string | undefined; route: Route } | undefined;
  /** Everything that becomes the agent's instructions: prompt inputs, CLI prompt words, system prompts. */
  prompts: TextAt[];
  allowedTools: TextAt[];
  disallowedTools: TextAt[];
  /** `--dangerously-skip-permissions`, `--permission-mode bypassPermissions`, `defaultMode: bypassPermissions`. */
  skipPermissions: TextAt[];
  /** Settings files passed with `--settings` or the `settings:` input (paths, not inline JSON). */
  settingsPaths: TextAt[];
  /** Inline settings JSON given to the action or to `--settings`. */
  inlineSettings: { value: unknown; site: Site }[];
}

const PROMPT_INPUTS = ['prompt', 'direct_prompt', 'override_prompt', 'custom_instructions', 'append_system_prompt', 'system_prompt'];

export function siteTarget(site: Site): Target {
  return site.index !== undefined && site.length !== undefined ? { route: site.route, index: site.index, length: site.length } : { route: site.route };
}

export function isClaudeAction(uses: string): 'action' | 'base-action' | undefined {
  const parsed = parseUses(uses);
  if (!parsed) return undefined;
  if (parsed.repo === 'claude-code-action') return 'action';
  if (parsed.repo === 'claude-code-base-action') return 'base-action';
  return undefined;
}

const cache = new WeakMap<WorkflowModel, AgentStep[]>();

/** Every step of a workflow that runs the agent, in document order. */
export function agentSteps(workflow: WorkflowModel): AgentStep[] {
  const cached = cache.get(workflow);
  if (cached) return cached;
  const found: AgentStep[] = [];
  for (const job of workflow.jobs) {
    for (const step of job.steps) {
      const agent = agentStep(workflow, job, step);
      if (agent) found.push(agent);
    }
  }
  cache.set(workflow, found);
  return found;
}

/** Agent steps of one job. */
export function jobAgentSteps(workflow: WorkflowModel, job: JobModel): AgentStep[] {
  return agentSteps(workflow).filter((agent) => agent.job === job);
}

function emptyAgent(workflow: WorkflowModel, job: JobModel, step: StepModel, via: AgentStep['via']): AgentStep {
  return { workflow, job, step, via, actionRef: undefined, prompts: [], allowedTools: [], disallowedTools: [], skipPermissions: [], settingsPaths: [], inlineSettings: [] };
}

function agentStep(workflow: WorkflowModel, job: JobModel, step: StepModel): AgentStep | undefined {
  const via = step.uses ? isClaudeAction(step.uses.value) : undefined;
  if (via && step.uses) {
    const agent = emptyAgent(workflow, job, step, via);
    agent.actionRef = { value: step.uses.value, ref: parseUses(step.uses.value)?.ref, route: step.uses.route };
    for (const name of PROMPT_INPUTS) {
      const input = step.with.get(name);
      if (input) agent.prompts.push({ text: input.value, site: { route: input.route } });
    }
    for (const [name, list] of [['allowed_tools', agent.allowedTools], ['disallowed_tools', agent.disallowedTools]] as const) {
      const input = step.with.get(name);
      if (!input) continue;
      for (const entry of splitToolList(input.value)) list.push({ text: entry.tool, site: { route: input.route, index: entry.index, length: entry.tool.length } });
    }
    const claudeArgsInput = step.with.get('claude_args');
    if (claudeArgsInput) addCli(agent, parseArgumentString(claudeArgsInput.value), claudeArgsInput.route);
    const settings = step.with.get('settings');
    if (settings) addSettings(agent, settings.value, { route: settings.route });
    return agent;
  }
  // Every way of running Claude Code names it (`claude`, `@anthropic-ai/claude-code`); most steps don't.
  if (!step.run?.value.includes('claude')) return undefined;
  const script = parseShell(step.run.value);
  let agent: AgentStep | undefined;
  for (const command of script.commands) {
    const args = claudeArgs(command);
    if (!args) continue;
    agent ??= emptyAgent(workflow, job, step, 'cli');
    addCli(agent, args, step.run.route);
  }
  return agent;
}

function addCli(agent: AgentStep, args: ShellWord[], route: Route): void {
  const cli = parseClaudeCli(args);
  const at = (word: ShellWord, inner = 0, length = word.end - word.start): Site => ({ route, index: word.start + inner, length });
  for (const word of [...cli.prompt, ...cli.systemPrompt]) agent.prompts.push({ text: word.value, site: at(word) });
  for (const entry of cli.allowedTools) agent.allowedTools.push({ text: entry.tool, site: at(entry.word) });
  for (const entry of cli.disallowedTools) agent.disallowedTools.push({ text: entry.tool, site: at(entry.word) });
  if (cli.skipPermissions) agent.skipPermissions.push({ text: cli.skipPermissions.value, site: at(cli.skipPermissions) });
  if (cli.permissionMode?.value === 'bypassPermissions') agent.skipPermissions.push({ text: cli.permissionMode.value, site: at(cli.permissionMode) });
  for (const word of cli.settings) addSettings(agent, word.value, at(word));
}

function addSettings(agent: AgentStep, value: string, site: Site): void {
  const trimmed = value.trim();
  if (!trimmed.startsWith('{')) {
    agent.settingsPaths.push({ text: trimmed, site });
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return;
  }
  agent.inlineSettings.push({ value: parsed, site });
  const permissions = (parsed as { permissions?: { allow?: unknown; deny?: unknown; defaultMode?: unknown } }).permissions;
  const allow = Array.isArray(permissions?.allow) ? permissions.allow : [];
  const deny = Array.isArray(permissions?.deny) ? permissions.deny : [];
  const narrow = (text: string): Site => {
    if (site.index !== undefined) return site;
    const index = value.indexOf(JSON.stringify(text));
    return index === -1 ? site : { route: site.route, index: index + 1, length: text.length };
  };
  for (const rule of allow) if (typeof rule === 'string') agent.allowedTools.push({ text: rule, site: narrow(rule) });
  for (const rule of deny) if (typeof rule === 'string') agent.disallowedTools.push({ text: rule, site: narrow(rule) });
  if (permissions?.defaultMode === 'bypassPermissions') agent.skipPermissions.push({ text: 'bypassPermissions', site: narrow('bypassPermissions') });
}

/** Whether any of the agent's tool grants allow running arbitrary shell commands. */
export function grantsShell(agent: AgentStep): boolean {
  if (agent.skipPermissions.length > 0) return true;
  return agent.allowedTools.some((tool) => /^Bash\b/.test(tool.text.trim()));
}
