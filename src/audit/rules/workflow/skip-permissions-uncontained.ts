// Permission checks switched off while the agent runs directly on the CI runner, with nothing around it.

import { gitlabModel } from '../../../parse/gitlab.js';
import type { ShellWord } from '../../../parse/shell.js';
import type { WorkflowModel } from '../../../parse/workflow.js';
import { agentSteps, siteTarget, type AgentStep, type TextAt } from '../../agents.js';
import { cliRuns } from '../../job-facts.js';
import { defineRule, type RepoView, type RuleContext } from '../../rule.js';
import { gitlabAgentRuns, gitlabToolTarget, sandboxIn, toolTarget } from '../../workflow-facts.js';

type MessageId = 'bareRunner' | 'allowlistBypassed' | 'gitlabNoImage';

export const skipPermissionsUncontained = defineRule({
  meta: {
    id: 'skip-permissions-uncontained',
    area: 'workflow',
    description: 'the agent bypasses permission checks on a runner with no container or sandbox',
    severity: 'high',
    confidence: 'high',
    messages: {
      bareRunner: '`{{flag}}` lets the agent run any command without asking, and job `{{job}}` runs it on the bare runner (no `container:`, no sandbox wrapper)',
      allowlistBypassed: '`{{tool}}` is allow-listed while `{{flag}}` bypasses permission checks, so the allow-list restricts nothing',
      gitlabNoImage: '`{{flag}}` lets the agent run any command without asking, and job `{{job}}` sets no `image:`, so it may run on a shell executor',
    },
    help: 'Run bypass mode only inside a disposable boundary: a job `container:` (GitLab: `image:` on a Docker executor) or a sandbox wrapper (`cordon run --`, `srt`, `bwrap`). Otherwise drop the flag and grant the few tools the task needs with `--allowedTools`.',
  },
  inputs: ['workflow', 'action', 'gitlab-ci'],
  check(context) {
    const { input } = context;
    if ((input.kind === 'workflow' || input.kind === 'action') && input.model) checkWorkflow(input.model, context);
    if (input.kind === 'gitlab-ci') checkGitlab(context);
  },
});

function checkWorkflow(workflow: WorkflowModel, { repo, report }: RuleContext<MessageId>): void {
  for (const agent of agentSteps(workflow)) {
    const bypasses = [...agent.skipPermissions, ...bypassingSettingsFiles(agent, repo)];
    const contained = hasContainer(agent.job.container);
    for (const bypass of bypasses) {
      if (contained || wrappedInSandbox(agent, bypass)) continue;
      // A composite action runs in whatever job uses it, which may have a container.
      report({ messageId: 'bareRunner', data: { flag: bypass.text, job: agent.job.id }, at: siteTarget(bypass.site), confidence: workflow.kind === 'action' ? 'medium' : 'high' });
    }
    const [first] = bypasses;
    const [tool] = agent.allowedTools;
    if (first && tool) report({ messageId: 'allowlistBypassed', data: { tool: tool.text, flag: first.text }, at: toolTarget(agent, tool), severity: 'medium' });
  }
}

function hasContainer(container: unknown): boolean {
  if (typeof container === 'string') return container.trim() !== '';
  return typeof container === 'object' && container !== null;
}

/** Whether the `claude` command holding this flag is started through a sandbox. */
function wrappedInSandbox(agent: AgentStep, bypass: TextAt): boolean {
  const at = bypass.site.index;
  if (at === undefined || String(bypass.site.route) !== String(agent.step.run?.route)) return false;
  const run = cliRuns(agent).find(({ command }) => command.start <= at && at < command.end);
  return run !== undefined && sandboxIn(run.wrapper) !== undefined;
}

/** `--settings file.json` pointing at a settings file in the repository whose `defaultMode` is bypass. */
function bypassingSettingsFiles(agent: AgentStep, repo: RepoView): TextAt[] {
  return agent.settingsPaths.flatMap((path): TextAt[] => {
    const relative = path.text.replace(/^\$\{\{\s*github\.workspace\s*\}\}\//, '').replace(/^\.\//, '');
    const settings = repo.byPath.get(relative);
    return settings?.kind === 'claude-settings' && defaultMode(settings.file.value) === 'bypassPermissions' ? [{ text: `defaultMode: bypassPermissions (${relative})`, site: path.site }] : [];
  });
}

function defaultMode(settings: unknown): unknown {
  const permissions = (settings as { permissions?: { defaultMode?: unknown } } | undefined)?.permissions;
  return typeof permissions === 'object' && permissions !== null ? permissions.defaultMode : undefined;
}

function checkGitlab({ input, report }: RuleContext<MessageId>): void {
  if (input.kind !== 'gitlab-ci') return;
  const model = gitlabModel(input.file);
  if (!model) return;
  for (const run of gitlabAgentRuns(model)) {
    const flags: { word: ShellWord; text: string }[] = [];
    if (run.cli.skipPermissions) flags.push({ word: run.cli.skipPermissions, text: run.cli.skipPermissions.value });
    if (run.cli.permissionMode?.value === 'bypassPermissions') flags.push({ word: run.cli.permissionMode, text: '--permission-mode bypassPermissions' });
    for (const word of run.cli.settings) if (inlineBypass(word.value)) flags.push({ word, text: 'defaultMode: bypassPermissions' });
    const at = (word: ShellWord): { route: typeof run.line.route; index: number; length: number } => ({ route: run.line.route, index: word.start, length: word.end - word.start });
    for (const flag of flags) {
      if (run.job.image || sandboxIn(run.wrapper)) continue;
      report({ messageId: 'gitlabNoImage', data: { flag: flag.text, job: run.job.id }, at: at(flag.word), confidence: 'medium' });
    }
    const [first] = flags;
    const [tool] = run.cli.allowedTools;
    if (first && tool) report({ messageId: 'allowlistBypassed', data: { tool: tool.tool, flag: first.text }, at: gitlabToolTarget(run, tool), severity: 'medium' });
  }
}

function inlineBypass(value: string): boolean {
  if (!value.trim().startsWith('{')) return false;
  try {
    return defaultMode(JSON.parse(value)) === 'bypassPermissions';
  } catch {
    return false;
  }
}
