// Facts about CI jobs that several rules judge: trigger exposure, installs, tool grants, actor gates, sandboxes, model keys.

import { jobLines, type GitlabCiModel, type GitlabJob } from '../parse/gitlab.js';
import { commandBaseName, parseShell, type ShellCommand } from '../parse/shell.js';
import { parseUses, type JobModel, type StepModel, type StringAt, type WorkflowModel } from '../parse/workflow.js';
import type { Route } from '../parse/yaml-doc.js';
import type { Target } from './rule.js';
import { siteTarget, type AgentStep, type TextAt } from './agents.js';
import { claudeInvocation, parseClaudeCli, type ClaudeCli, type CliTool } from './claude-cli.js';
import { isModelKeyName, secretReads } from './job-facts.js';

// ── Triggers ────────────────────────────────────────────────────────────────────────────────────

/**
 * Events that people without write access can cause and that run with the base repository's secrets and
 * token. `pull_request` is left out: its fork runs get neither.
 */
export const OUTSIDER_TRIGGERS: readonly string[] = [
  'issues',
  'issue_comment',
  'pull_request_review',
  'pull_request_review_comment',
  'discussion',
  'discussion_comment',
  'pull_request_target',
  'workflow_run',
];

export function outsiderTriggers(workflow: WorkflowModel): string[] {
  return workflow.triggers.filter((trigger) => OUTSIDER_TRIGGERS.includes(trigger));
}

// ── Shell commands ──────────────────────────────────────────────────────────────────────────────

const PREFIX_COMMANDS = new Set(['sudo', 'env', 'time', 'nohup', 'exec', 'command', 'nice']);

/** A command's program (base name) and arguments, with `sudo`/`env`/`time` prefixes and `python -m` unwrapped. */
export function commandWords(command: ShellCommand): string[] {
  const words = [command.name?.value ?? '', ...command.args.map((arg) => arg.value)];
  let i = 0;
  while (i < words.length && PREFIX_COMMANDS.has(commandBaseName(words[i] as string))) {
    i++;
    while (i < words.length && ((words[i] as string).startsWith('-') || /^[A-Za-z_]\w*=/.test(words[i] as string))) i++;
  }
  const rest = words.slice(i);
  const program = commandBaseName(rest[0] ?? '');
  if (/^python(\d(\.\d+)?)?$/.test(program) && rest[1] === '-m' && rest[2]) return [rest[2], ...rest.slice(3)];
  return [program, ...rest.slice(1)];
}

/** A piece of a script: offsets into the script text and the text on one line. */
export interface ScriptHit {
  index: number;
  length: number;
  text: string;
}

function hitOf(script: string, start: number, end: number): ScriptHit {
  return { index: start, length: end - start, text: script.slice(start, end).replace(/\s*\\?\n\s*/g, ' ') };
}

// ── Package installs ────────────────────────────────────────────────────────────────────────────

export interface InstallHit extends ScriptHit {
  /** A named package from a registry, a download piped into a shell, or Claude Code itself unpinned. */
  kind: 'package' | 'pipe-to-shell' | 'claude-cli';
  /** Medium when the command installs from the project manifest without a lockfile guarantee. */
  confidence: 'high' | 'medium';
}

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'fish', 'python', 'python3', 'perl', 'ruby', 'node']);
const SOURCING = new Set(['eval', 'source', '.']);
const DOWNLOADERS = new Set(['curl', 'wget']);
const CLAUDE_PACKAGE = /^@anthropic-ai\/claude-code(@(latest|next|stable|beta|canary))?$/;
/** Options of package managers whose value is not a package. */
const VALUE_OPTIONS = new Set(['--prefix', '--registry', '--cache', '-C', '--dir', '--cwd', '--index-url', '-i', '--extra-index-url', '--target', '-t', '--root']);
/** Upgrading the installer itself is bootstrap, not a dependency. */
const BOOTSTRAP = new Set(['pip', 'setuptools', 'wheel', 'npm', 'corepack']);

/**
 * Installs that fetch code not fixed by a lockfile: named registry packages without an exact
 * version, `npm install` (which may rewrite the lockfile), and downloads piped into a shell.
 */
export function findInstalls(script: string): InstallHit[] {
  const parsed = parseShell(script);
  const hits: InstallHit[] = [];
  for (const command of parsed.commands) {
    const words = commandWords(command);
    const install = packageInstall(words);
    if (install) {
      const claude = install.unpinned.some((spec) => CLAUDE_PACKAGE.test(spec));
      // `npx @anthropic-ai/claude-code -p …` is also the agent's own command line; point at the fetch only.
      const fetched = command.args.find((arg) => CLAUDE_PACKAGE.test(arg.value));
      const end = claude && fetched && ['npx', 'bunx', 'pnpx'].includes(words[0] ?? '') ? fetched.end : command.end;
      if (install.unpinned.length > 0 || install.manifest) {
        hits.push({ ...hitOf(script, command.start, end), kind: claude ? 'claude-cli' : 'package', confidence: install.unpinned.length > 0 ? 'high' : 'medium' });
      }
      continue;
    }
    if (DOWNLOADERS.has(words[0] ?? '')) {
      const piped = pipedInto(script, parsed.commands, command);
      const enclosing = parsed.commands.find((other) => other !== command && other.start <= command.start && command.end <= other.end && runsItsInput(commandWords(other)));
      if (piped && SHELLS.has(commandWords(piped)[0] ?? '')) hits.push({ ...hitOf(script, command.start, piped.end), kind: 'pipe-to-shell', confidence: 'high' });
      else if (enclosing) hits.push({ ...hitOf(script, enclosing.start, enclosing.end), kind: 'pipe-to-shell', confidence: 'high' });
    }
  }
  return hits;
}

/** `bash <(curl …)`, `sh -c "$(curl …)"`, `eval "$(curl …)"`. */
function runsItsInput(words: string[]): boolean {
  return SHELLS.has(words[0] ?? '') || SOURCING.has(words[0] ?? '');
}

/** The command a pipe feeds: the next command that starts right after `|`. */
function pipedInto(script: string, commands: ShellCommand[], command: ShellCommand): ShellCommand | undefined {
  const next = commands.find((other) => other.start >= command.end);
  if (!next) return undefined;
  const between = script.slice(command.end, next.start).trim();
  return between === '|' || between === '|&' ? next : undefined;
}

function operands(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (VALUE_OPTIONS.has(arg)) {
      i++;
      continue;
    }
    if (!arg.startsWith('-')) out.push(arg);
  }
  return out;
}

function isLocal(spec: string): boolean {
  return spec === '.' || spec.startsWith('./') || spec.startsWith('../') || spec.startsWith('/') || spec.startsWith('file:') || spec.startsWith('$');
}

/** `name@1.2.3` (also `@scope/name@1.2.3`). */
function npmPinned(spec: string): boolean {
  return /^(@[^/@]+\/)?[^@]+@v?\d+\.\d+\.\d+([-+][\w.-]+)?$/.test(spec);
}

function packageInstall(words: string[]): { unpinned: string[]; manifest: boolean } | undefined {
  const [tool = '', verb = '', ...rest] = words;
  const named = (pinned: (spec: string) => boolean, list: string[]): string[] => operands(list).filter((spec) => !isLocal(spec) && !pinned(spec) && !BOOTSTRAP.has(spec.split(/[=<>@[]/)[0] ?? ''));
  switch (tool) {
    case 'npx':
    case 'bunx':
    case 'pnpx': {
      // Fetch-and-run; only Claude Code itself is judged here, other one-off tools are too common to flag.
      const spec = [verb, ...rest].find((word) => !word.startsWith('-'));
      return spec && CLAUDE_PACKAGE.test(spec) ? { unpinned: [spec], manifest: false } : undefined;
    }
    case 'npm':
      if (!['install', 'i', 'in', 'add', 'isntall'].includes(verb)) return undefined;
      return { unpinned: named(npmPinned, rest), manifest: operands(rest).length === 0 };
    case 'yarn':
    case 'pnpm':
    case 'bun': {
      const args = tool === 'yarn' && verb === 'global' ? rest : [verb, ...rest];
      const [sub = '', ...tail] = args;
      // Bare `yarn install`/`pnpm install`/`bun install` follow the lockfile.
      if (sub !== 'add' && !(['install', 'i'].includes(sub) && operands(tail).length > 0)) return undefined;
      return { unpinned: named(npmPinned, tail), manifest: false };
    }
    case 'pip':
    case 'pip3':
    case 'pipx':
    case 'uv': {
      const args = tool === 'uv' && (verb === 'pip' || verb === 'tool') ? rest : [verb, ...rest];
      if (args[0] !== 'install') return undefined;
      if (args.some((arg) => ['-r', '--requirement', '--require-hashes'].includes(arg) || arg.startsWith('--requirement='))) return undefined;
      return { unpinned: named((spec) => /==\s*\d/.test(spec), args.slice(1)), manifest: false };
    }
    case 'gem':
      if (verb !== 'install' || rest.some((arg) => arg === '-v' || arg === '--version' || arg.startsWith('--version='))) return undefined;
      return { unpinned: named(() => false, rest), manifest: false };
    case 'go':
      if (verb !== 'install') return undefined;
      // Without `@version` Go builds the version pinned by the current module's go.mod.
      return { unpinned: operands(rest).filter((spec) => spec.includes('@') && !/@v\d+\.\d+\.\d+/.test(spec)), manifest: false };
    case 'cargo':
      if (verb !== 'install' || rest.some((arg) => ['--version', '--vers', '--path', '--rev', '--tag'].includes(arg.split('=')[0] ?? ''))) return undefined;
      return { unpinned: named((spec) => /@\d/.test(spec), rest), manifest: false };
    default:
      return undefined;
  }
}

/** Grants of the form `Bash(<these words>…)` that let the agent install packages. */
const INSTALL_PREFIXES: readonly (readonly string[])[] = [
  ['npm', 'install'], ['npm', 'i'], ['npm', 'add'], ['yarn', 'add'], ['pnpm', 'add'], ['pnpm', 'install'], ['bun', 'add'], ['bun', 'install'],
  ['pip', 'install'], ['pip3', 'install'], ['pipx', 'install'], ['uv', 'pip'], ['uv', 'add'], ['uv', 'tool'], ['poetry', 'add'],
  ['gem', 'install'], ['go', 'install'], ['go', 'get'], ['cargo', 'install'], ['brew', 'install'], ['apt-get', 'install'], ['apt', 'install'],
];

/** The install command an agent tool grant permits (`Bash(npm:*)` → `npm install`); plain `Bash` is left to the broad-shell rules. */
export function grantedInstall(tool: string): string | undefined {
  const grant = bashGrant(tool);
  if (!grant || grant.words.length === 0) return undefined;
  return INSTALL_PREFIXES.find((prefix) => grantPermits(grant, prefix))?.join(' ');
}

// ── Commands that run repository or registry code ───────────────────────────────────────────────

const SCRIPT_VERBS = new Set(['ci', 'install', 'i', 'add', 'run', 'run-script', 'test', 't', 'start', 'build', 'exec', 'x', 'rebuild', 'dlx']);
const BUILD_TOOLS = new Set(['make', 'gmake', 'cmake', 'gradle', 'gradlew', 'mvn', 'mvnw', 'pytest', 'tox', 'nox', 'rake', 'ant', 'bazel', 'just']);
const BUILD_VERBS: Record<string, readonly string[]> = {
  cargo: ['build', 'test', 'run', 'install'],
  go: ['build', 'test', 'run', 'generate', 'install'],
  poetry: ['install', 'run'],
  bundle: ['install', 'exec'],
  composer: ['install', 'update', 'run-script'],
  pip: ['install'],
  pip3: ['install'],
  python: ['setup.py'],
  python3: ['setup.py'],
};

/**
 * Commands that run code from the repository or a registry — installs (lifecycle scripts), package
 * scripts, builds, tests and repo scripts — and can leave something behind for later steps.
 */
export function findRepoCode(script: string): ScriptHit[] {
  const hits: ScriptHit[] = findInstalls(script).map(({ index, length, text }) => ({ index, length, text }));
  for (const command of parseShell(script).commands) {
    if (hits.some((hit) => hit.index <= command.start && command.end <= hit.index + hit.length)) continue;
    const words = commandWords(command);
    const [tool = '', verb = ''] = words;
    const raw = command.name?.value ?? '';
    const runs =
      (['npm', 'yarn', 'pnpm', 'bun'].includes(tool) && (SCRIPT_VERBS.has(verb) || (tool === 'yarn' && verb === ''))) ||
      BUILD_TOOLS.has(tool) ||
      (BUILD_VERBS[tool]?.includes(verb) ?? false) ||
      raw.startsWith('./') ||
      raw.startsWith('scripts/');
    if (runs) hits.push(hitOf(script, command.start, command.end));
  }
  return hits.sort((a, b) => a.index - b.index);
}

// ── Agent tool grants ───────────────────────────────────────────────────────────────────────────

export interface BashGrant {
  /** The command words the grant names; empty for plain `Bash` / `Bash(*)`. */
  words: string[];
  /** Whether anything may follow those words (`:*`, ` *`, a trailing `*`). */
  wildcard: boolean;
}

/** Reads a `Bash`, `Bash(*)`, `Bash(npm install:*)` or `Bash(gh pr view)` tool grant. */
export function bashGrant(tool: string): BashGrant | undefined {
  const match = /^Bash(?:\((.*)\))?$/s.exec(tool.trim());
  if (!match) return undefined;
  let body = (match[1] ?? '').trim();
  let wildcard = body === '';
  if (body.endsWith(':*')) {
    body = body.slice(0, -2);
    wildcard = true;
  } else if (body.endsWith('*')) {
    body = body.slice(0, -1);
    wildcard = true;
  }
  return { words: body.split(/\s+/).filter(Boolean), wildcard };
}

/** Whether a grant lets the agent run a command that starts with these words. */
export function grantPermits(grant: BashGrant, prefix: readonly string[]): boolean {
  const shared = Math.min(grant.words.length, prefix.length);
  for (let i = 0; i < shared; i++) if (grant.words[i] !== prefix[i]) return false;
  return grant.words.length >= prefix.length || grant.wildcard;
}

/**
 * Where one tool of an agent's grant is: the CLI reports the whole word that lists it
 * (`"Bash(git:*),Read"`), so narrow to the tool itself when it appears there verbatim.
 */
export function toolTarget(agent: AgentStep, tool: TextAt): Target {
  const { site } = tool;
  if (site.index === undefined || site.length === undefined) return siteTarget(site);
  const onRun = String(site.route) === String(agent.step.run?.route);
  const text = onRun ? agent.step.run?.value : agent.step.with.get(String(site.route.at(-1)))?.value;
  const inner = text?.slice(site.index, site.index + site.length).indexOf(tool.text) ?? -1;
  return inner === -1 ? siteTarget(site) : { route: site.route, index: site.index + inner, length: tool.text.length };
}

// ── Actor gates ─────────────────────────────────────────────────────────────────────────────────

export interface ActorGate {
  kind: 'condition' | 'permission-check' | 'environment';
  route: Route;
}

/**
 * Conditions that only let trusted people through. Labels do not count: issue templates apply them
 * for whoever opens the issue.
 */
const GATE_CONDITIONS: readonly RegExp[] = [
  /author_association[\s\S]*\b(OWNER|MEMBER|COLLABORATOR)\b|\b(OWNER|MEMBER|COLLABORATOR)\b[\s\S]*author_association/,
  /\b(github\.(actor|triggering_actor)|github\.event\.sender\.login|github\.event\.[\w.]+\.user\.login)\s*==/,
  /==\s*(github\.(actor|triggering_actor)|github\.event\.sender\.login|github\.event\.[\w.]+\.user\.login)\b/,
  /contains\s*\([\s\S]*?,\s*(github\.(actor|triggering_actor)|github\.event\.sender\.login|github\.event\.[\w.]+\.user\.login)\s*\)/,
  // Same-repository PRs and runs only: forks, where outsiders work, are excluded.
  /(head\.repo\.full_name|head_repository\.full_name)\s*==\s*github\.repository\b|github\.repository\s*==\s*github\.event\.[\w.]*(head\.repo\.full_name|head_repository\.full_name)|head\.repo\.fork\s*==\s*false|!\s*github\.event\.pull_request\.head\.repo\.fork/,
];

const PERMISSION_CHECK_ACTIONS = new Set([
  'actions-cool/check-user-permission',
  'prince-chrismc/check-actor-permissions-action',
  'lannonbr/repo-permission-check-action',
  'sushichop/action-repository-permission',
  'tspascoal/get-user-teams-membership',
  'skjnldsv/check-actor-permission',
]);

const PERMISSION_CHECK_SCRIPT = /collaborators\/[^\s'"]+\/permission|\/teams\/[^\s'"]+\/memberships\/|getCollaboratorPermissionLevel|checkMembershipForUser|\/orgs\/[^\s'"]+\/members\//;

export function isGateCondition(text: string): boolean {
  return GATE_CONDITIONS.some((pattern) => pattern.test(text));
}

/**
 * What keeps outsiders from starting the agent: a job or step condition on the actor, a permission
 * check step before the agent, a deployment environment (reviewers), or any of these in a job it needs.
 */
export function actorGate(workflow: WorkflowModel, job: JobModel, step: StepModel | undefined, seen = new Set<string>()): ActorGate | undefined {
  seen.add(job.id);
  if (job.if && isGateCondition(job.if.value)) return { kind: 'condition', route: job.if.route };
  if (step?.if && isGateCondition(step.if.value)) return { kind: 'condition', route: step.if.route };
  if (job.environment !== undefined && job.environment !== null) return { kind: 'environment', route: [...job.route, 'environment'] };
  for (const earlier of job.steps) {
    if (step && earlier.index >= step.index) break;
    if (earlier.if && isGateCondition(earlier.if.value)) return { kind: 'condition', route: earlier.if.route };
    if (isPermissionCheck(earlier)) return { kind: 'permission-check', route: earlier.route };
  }
  for (const needed of needsOf(job)) {
    const other = workflow.jobs.find((candidate) => candidate.id === needed);
    if (!other || seen.has(other.id)) continue;
    const gate = actorGate(workflow, other, undefined, seen);
    if (gate) return gate;
  }
  return undefined;
}

function isPermissionCheck(step: StepModel): boolean {
  const uses = step.uses ? parseUses(step.uses.value) : undefined;
  if (uses && PERMISSION_CHECK_ACTIONS.has(`${uses.owner}/${uses.repo}`)) return true;
  // `${{ github.actor }}` inside the API path holds spaces; it names one path segment.
  const script = (step.run?.value ?? step.with.get('script')?.value ?? '').replace(/\$\{\{[\s\S]*?\}\}/g, 'X');
  return PERMISSION_CHECK_SCRIPT.test(script);
}

function needsOf(job: JobModel): string[] {
  const needs = job.raw.needs;
  if (typeof needs === 'string') return [needs];
  return Array.isArray(needs) ? needs.filter((item): item is string => typeof item === 'string') : [];
}

// ── Sandboxes ───────────────────────────────────────────────────────────────────────────────────

const SANDBOX_PROGRAMS = new Set(['srt', 'bwrap', 'firejail', 'sandbox-exec', 'nsjail']);

/** The sandbox among the words wrapping a command (`cordon run --`, `srt`, `docker run … image`), if any. */
export function sandboxIn(wrapper: readonly string[]): string | undefined {
  for (let i = 0; i < wrapper.length; i++) {
    const base = commandBaseName(wrapper[i] as string);
    if (SANDBOX_PROGRAMS.has(base)) return base;
    const verb = wrapper[i + 1];
    if ((base === 'docker' || base === 'podman') && (verb === 'run' || verb === 'exec')) return `${base} ${verb}`;
    if (base === 'cordon' && verb === 'run') return 'cordon run';
  }
  return undefined;
}

// ── Model keys ──────────────────────────────────────────────────────────────────────────────────

/** Secret or variable names that look like a model credential: `CLAUDE_TOKEN`, `PROD_ANTHROPIC_KEY` … */
const MODEL_KEY_LIKE = /(ANTHROPIC|CLAUDE)[\w-]*(KEY|TOKEN)$/i;

/**
 * The model credential an env/variable entry carries, by its own name or by the secret or variable it
 * copies (`KEY: ${{ secrets.CLAUDE_TOKEN }}`, `KEY: $ANTHROPIC_API_KEY`); undefined if none.
 */
export function modelKeyOf(name: string, value: string): string | undefined {
  if (isModelKeyName(name)) return name;
  const secret = secretReads(value).find((read) => MODEL_KEY_LIKE.test(read.name));
  if (secret) return `secrets.${secret.name}`;
  const variable = /^\$\{?([A-Za-z_]\w*)\}?$/.exec(value.trim())?.[1];
  if (variable && (isModelKeyName(variable) || MODEL_KEY_LIKE.test(variable))) return `$${variable}`;
  return undefined;
}

/** Env entries that route Claude Code to a cloud provider's identity instead of a static key. */
export function usesCloudIdentity(names: Iterable<string>): boolean {
  return [...names].some((name) => /^CLAUDE_CODE_USE_(BEDROCK|VERTEX|FOUNDRY)$/.test(name));
}

// ── GitLab ──────────────────────────────────────────────────────────────────────────────────────

export interface GitlabAgentRun {
  job: GitlabJob;
  line: StringAt;
  /** Offsets of the `claude` command inside the line. */
  index: number;
  length: number;
  cli: ClaudeCli;
  /** The command wrapping `claude` and its words, empty when it runs directly. */
  wrapper: string[];
}

const gitlabCache = new WeakMap<GitlabCiModel, GitlabAgentRun[]>();

/** Every `claude` command in a pipeline's scripts, in job and line order. */
export function gitlabAgentRuns(model: GitlabCiModel): GitlabAgentRun[] {
  const cached = gitlabCache.get(model);
  if (cached) return cached;
  const runs: GitlabAgentRun[] = [];
  for (const job of model.jobs) {
    for (const line of jobLines(job)) {
      for (const command of parseShell(line.value).commands) {
        const invocation = claudeInvocation(command);
        if (!invocation) continue;
        runs.push({ job, line, index: command.start, length: command.end - command.start, cli: parseClaudeCli(invocation.args), wrapper: invocation.wrapper });
      }
    }
  }
  gitlabCache.set(model, runs);
  return runs;
}

/** One tool of a GitLab `claude --allowedTools` word, narrowed to the tool itself when it appears verbatim. */
export function gitlabToolTarget(run: GitlabAgentRun, tool: CliTool): Target {
  const inner = run.line.value.slice(tool.word.start, tool.word.end).indexOf(tool.tool);
  return inner === -1
    ? { route: run.line.route, index: tool.word.start, length: tool.word.end - tool.word.start }
    : { route: run.line.route, index: tool.word.start + inner, length: tool.tool.length };
}
