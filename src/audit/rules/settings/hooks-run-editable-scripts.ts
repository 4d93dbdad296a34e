// Hook and helper commands that execute files from the repository, which a pull request or the agent can rewrite.

import { commandBaseName, parseShell, type ShellCommand } from '../../../parse/shell.js';
import type { Route } from '../../../parse/yaml-doc.js';
import { defineRule, type Target } from '../../rule.js';
import { helperCommands, hookCommands, settingsOf, type SettingsCommand } from '../../settings-facts.js';

/** A word of a command with where it sits: offsets into the command string, or its own route (exec form). */
interface Word {
  value: string;
  target: Target;
  /** Narrows the target to some text inside the word, found by value so JSON escapes do not shift it. */
  locate?: (text: string) => Target | undefined;
}

interface Command {
  words: Word[];
  /** The whole command, for messages. */
  text: string;
  target: Target;
}

type Finding =
  | { messageId: 'script' | 'claudeDir'; path: string; target: Target }
  | { messageId: 'packageScript'; command: string; source: string; target: Target };

/** Prefixes that anchor a path at the project root. */
const PROJECT_ROOT = /^(?:\$\{?(?:CLAUDE_PROJECT_DIR|PWD|GITHUB_WORKSPACE|CI_PROJECT_DIR)\}?|\$\(pwd\)|`pwd`)\//;

const INTERPRETERS = new Set(['node', 'nodejs', 'tsx', 'ts-node', 'python', 'python2', 'python3', 'pypy3', 'bash', 'sh', 'zsh', 'dash', 'ksh', 'fish', 'ruby', 'perl', 'php', 'pwsh', 'powershell', 'deno', 'bun', 'osascript', 'Rscript', 'lua']);
const SHELLS = new Set(['bash', 'sh', 'zsh', 'dash', 'ksh', 'fish']);
/** Programs that run another command given as their arguments. */
const WRAPPERS = new Set(['env', 'exec', 'timeout', 'nice', 'nohup', 'command', 'time', 'stdbuf', 'sudo', 'xargs', 'flock', 'setsid']);
/** Launchers that run a binary or script: `npx tsx x.ts`, `uv run x.py`. */
const LAUNCHERS = new Map<string, readonly string[]>([
  ['npx', []],
  ['bunx', []],
  ['pnpx', []],
  ['uvx', []],
  ['npm', ['exec', 'x']],
  ['pnpm', ['exec', 'dlx']],
  ['yarn', ['exec', 'dlx']],
  ['uv', ['run']],
  ['poetry', ['run']],
  ['pipenv', ['run']],
  ['pdm', ['run']],
  ['hatch', ['run']],
]);
const SCRIPT_FILE = /\.(?:[cm]?[jt]sx?|py|sh|bash|zsh|rb|pl|php|ps1|lua)$/;

/**
 * Task and test runners: what in the repository decides the code they run, when these arguments
 * make them run it.
 */
const RUNNERS: ReadonlyMap<string, (args: string[]) => string | undefined> = new Map<string, (args: string[]) => string | undefined>([
  ['npm', (args: string[]) => (NPM_RUNS.has(args[0] ?? '') ? '`package.json`' : undefined)],
  ['pnpm', (args: string[]) => (args.length > 0 && !PNPM_BUILTINS.has(args[0] ?? '') ? '`package.json`' : undefined)],
  ['yarn', (args: string[]) => (args.length === 0 || !YARN_BUILTINS.has(args[0] ?? '') ? '`package.json`' : undefined)],
  ['bun', (args: string[]) => (args[0] === 'test' ? 'the test files' : ['run', 'install', 'i'].includes(args[0] ?? '') ? '`package.json`' : undefined)],
  ['make', () => 'the `Makefile`'],
  ['gmake', () => 'the `Makefile`'],
  ['just', () => 'the `justfile`'],
  ['task', () => '`Taskfile.yml`'],
  ['rake', () => 'the `Rakefile`'],
  ['deno', (args: string[]) => (args[0] === 'task' ? '`deno.json`' : args[0] === 'test' ? 'the test files' : undefined)],
  ['composer', (args: string[]) => (['run', 'run-script', 'test', 'install'].includes(args[0] ?? '') ? '`composer.json`' : undefined)],
  ['mise', (args: string[]) => (args[0] === 'run' || args[0] === 'r' ? '`mise.toml`' : undefined)],
  ['cargo', (args: string[]) => (['run', 'build', 'test', 'check', 'clippy'].includes(args[0] ?? '') ? 'the crate sources and `build.rs`' : undefined)],
  ['go', (args: string[]) => (['run', 'generate', 'test', 'build', 'vet'].includes(args[0] ?? '') ? 'the Go sources' : undefined)],
  ['pre-commit', (args: string[]) => (args[0] === 'run' || args.length === 0 ? '`.pre-commit-config.yaml`' : undefined)],
  ['lefthook', (args: string[]) => (args[0] === 'run' ? '`lefthook.yml`' : undefined)],
  ['pytest', () => 'the tests and `conftest.py`'],
  ['jest', () => 'the tests and the jest config'],
  ['vitest', () => 'the tests and the vitest config'],
  ['mocha', () => 'the tests and `.mocharc`'],
]);
const NPM_RUNS = new Set(['run', 'run-script', 'rum', 'urn', 'test', 't', 'tst', 'start', 'stop', 'restart', 'install', 'i', 'ci', 'install-test', 'it']);
const PNPM_BUILTINS = new Set(['add', 'remove', 'rm', 'update', 'up', 'exec', 'dlx', 'why', 'list', 'ls', 'outdated', 'audit', 'store', 'config', 'env', 'setup', 'link', 'unlink', 'publish', 'pack', 'import', 'root', 'bin', '--version', '-v']);
const YARN_BUILTINS = new Set(['add', 'remove', 'up', 'upgrade', 'exec', 'dlx', 'why', 'info', 'config', 'cache', 'set', 'version', 'npm', 'plugin', 'bin', 'node', 'constraints', 'explain', 'dedupe', 'unplug', 'search', 'link', 'unlink', 'pack', 'patch', 'publish', 'global', 'workspaces', '--version', '-v']);

export const hooksRunEditableScripts = defineRule({
  meta: {
    id: 'hooks-run-editable-scripts',
    area: 'settings',
    description: 'hook commands run files from the repository that a pull request or the agent can rewrite',
    severity: 'high',
    confidence: 'high',
    messages: {
      script: '{{where}} runs `{{path}}`, a repository file that a pull request or the agent itself can rewrite',
      claudeDir: '{{where}} runs `{{path}}`; claude-code-action restores `.claude/` from the base branch only on pull-request events, so on other triggers, and for the agent itself, the file is rewritable',
      packageScript: '{{where}} runs `{{command}}`, which executes code from {{source}}; a pull request can change that, and claude-code-action does not restore it',
    },
    help: 'Hooks run on the CI runner with its secrets, before and around every tool call. Point them at code the pull request cannot change: an installed binary (`/usr/local/bin/cordon hook …`, `npx --no-install cordon …` with the package pinned in the job) or a script checked out from the base branch outside the workspace. Deny the agent edits to hook files (`Edit(./.claude/hooks/**)`).',
  },
  inputs: ['claude-settings'],
  check({ input, repo, report }) {
    const settings = settingsOf(input);
    if (!settings) return;
    const paths = repo.pathSet;
    for (const entry of [...hookCommands(settings), ...helperCommands(settings)]) {
      const seen = new Set<string>();
      for (const finding of commandsOf(entry).flatMap((command) => judge(command, paths))) {
        const key = JSON.stringify(finding.target);
        if (seen.has(key)) continue;
        seen.add(key);
        if (finding.messageId === 'packageScript') {
          report({ messageId: 'packageScript', data: { where: entry.where, command: finding.command, source: finding.source }, at: finding.target });
        } else {
          report({ messageId: finding.messageId, data: { where: entry.where, path: finding.path }, at: finding.target, ...(finding.messageId === 'claudeDir' ? { confidence: 'medium' as const } : {}) });
        }
      }
    }
  },
});

/** The simple commands a settings command runs: every command of the shell script, or the exec form. */
function commandsOf(entry: SettingsCommand): Command[] {
  if (entry.args) {
    const words = [{ value: entry.command, target: { route: entry.route } }, ...entry.args.map((arg) => ({ value: arg.value, target: { route: arg.route } }))];
    return [{ words, text: [entry.command, ...entry.args.map((arg) => arg.value)].join(' '), target: { route: entry.route } }];
  }
  return shellCommands(entry.command, entry.route, 0);
}

function shellCommands(script: string, route: Route, base: number): Command[] {
  return parseShell(script).commands.flatMap((command) => {
    const inScript = (start: number, end: number): Target => ({ route, index: base + start, length: end - start });
    const words = [command.name, ...command.args]
      .filter((word) => word !== undefined)
      .map((word) => ({
        value: word.value,
        target: inScript(word.start, word.end),
        locate: (text: string): Target | undefined => {
          const at = script.slice(word.start, word.end).lastIndexOf(text);
          return at === -1 ? undefined : { route, index: base + word.start + at, length: text.length, needle: text };
        },
      }));
    const own: Command = { words, text: script.slice(command.start, command.end), target: inScript(command.start, command.end) };
    return [own, ...innerScripts(command, script, route, base)];
  });
}

/** `bash -c '…'`: the quoted script is parsed too, with offsets mapped back into the outer command. */
function innerScripts(command: ShellCommand, script: string, route: Route, base: number): Command[] {
  const name = command.name ? commandBaseName(command.name.value) : '';
  if (!SHELLS.has(name)) return [];
  const flag = command.args.findIndex((arg) => /^-[a-z]*c[a-z]*$/.test(arg.value));
  const body = flag === -1 ? undefined : command.args[flag + 1];
  if (!body) return [];
  const raw = script.slice(body.start, body.end);
  const quote = raw.startsWith("$'") ? 2 : raw.startsWith("'") || raw.startsWith('"') ? 1 : 0;
  return shellCommands(body.value, route, base + body.start + quote);
}

function judge(command: Command, paths: ReadonlySet<string>): Finding[] {
  const [name, ...args] = command.words;
  if (!name) return [];
  const path = repoPath(name.value, false);
  if (path) return [scriptFinding(path, name)];
  const program = commandBaseName(name.value);
  if (WRAPPERS.has(program)) {
    const at = args.findIndex((arg) => !arg.value.startsWith('-') && !/^\d/.test(arg.value) && !arg.value.includes('='));
    return at === -1 ? [] : judge({ ...command, words: args.slice(at) }, paths);
  }
  if (program === 'source' || program === '.') {
    const file = args[0] ? repoPath(args[0].value, true) : undefined;
    return file && args[0] ? [scriptFinding(file, args[0])] : [];
  }
  const launched = launchedCommand(program, args);
  if (launched) {
    const first = launched[0];
    if (first && SCRIPT_FILE.test(first.value)) {
      const file = repoPath(first.value, true);
      return file ? [scriptFinding(file, first)] : [];
    }
    return judge({ ...command, words: launched }, paths);
  }
  // `python -m pytest` is the test runner, not a module of the repository.
  if (program.startsWith('python') && args[0]?.value === '-m' && args[1] && RUNNERS.has(args[1].value)) {
    return judge({ ...command, words: args.slice(1) }, paths);
  }
  if (INTERPRETERS.has(program)) {
    const script = interpreterScript(program, args, paths);
    if (script) return [scriptFinding(script.path, script.word)];
  }
  const source = RUNNERS.get(program)?.(args.map((arg) => arg.value));
  if (source) return [{ messageId: 'packageScript', command: oneLine(command.text), source, target: command.target }];
  return [];
}

function scriptFinding(path: string, word: Word): Finding {
  return { messageId: path.startsWith('.claude/') ? 'claudeDir' : 'script', path, target: word.locate?.(path) ?? word.target };
}

/** The command a launcher runs (`npx tsx x.ts` → `tsx x.ts`), skipping its own flags. */
function launchedCommand(program: string, args: Word[]): Word[] | undefined {
  const subcommands = LAUNCHERS.get(program);
  if (!subcommands) return undefined;
  let rest = args;
  if (subcommands.length > 0) {
    if (!subcommands.includes(rest[0]?.value ?? '')) return undefined;
    rest = rest.slice(1);
  }
  const at = rest.findIndex((arg) => !arg.value.startsWith('-'));
  return at === -1 ? undefined : rest.slice(at);
}

/** The repository script an interpreter is asked to run, if any. */
function interpreterScript(program: string, args: Word[], paths: ReadonlySet<string>): { path: string; word: Word } | undefined {
  let rest = args;
  if ((program === 'deno' || program === 'bun') && rest[0]?.value === 'run') rest = rest.slice(1);
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i];
    if (!word) break;
    // `-c`/`-e` take code, not a file; the shell case is parsed separately.
    if (/^-(?:e|p|-eval|-print|Command)$/.test(word.value) || /^-[a-z]*c[a-z]*$/.test(word.value)) return undefined;
    if (word.value === '-m' && program.startsWith('python')) {
      const module = rest[i + 1];
      return module ? pythonModule(module, paths) : undefined;
    }
    if (word.value.startsWith('-')) continue;
    const path = repoPath(word.value, true);
    // A bare word is a script only when it looks like one or exists (`bun test` is a subcommand).
    if (!path || (!path.includes('/') && !SCRIPT_FILE.test(path) && !paths.has(path))) return undefined;
    return { path, word };
  }
  return undefined;
}

/** `python -m tools.hook` runs the repository's `tools/hook.py` first: the working directory leads `sys.path`. */
function pythonModule(word: Word, paths: ReadonlySet<string>): { path: string; word: Word } | undefined {
  const base = word.value.split('.').join('/');
  const candidates = [`${base}.py`, `${base}/__main__.py`];
  const path = candidates.find((candidate) => paths.has(candidate));
  return path ? { path, word } : undefined;
}

/**
 * The repository-relative path a word names, or undefined when it names something outside the
 * repository (absolute, home, other variables) or a program looked up on PATH. A bare file name
 * counts only as an argument (`node hook.js`), where it is relative to the project directory.
 */
function repoPath(value: string, asArgument: boolean): string | undefined {
  let path = value;
  const anchored = PROJECT_ROOT.exec(path);
  if (anchored) path = path.slice(anchored[0].length);
  else if (/^[/~$`]|^\.\.\//.test(path) || /^[a-z][a-z0-9+.-]*:/i.test(path)) return undefined;
  else if (!asArgument && !path.includes('/')) return undefined;
  if (/[$`\s]/.test(path)) return undefined;
  path = path.replace(/^(?:\.\/)+/, '');
  return path === '' || path === '.' ? undefined : path;
}

function oneLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}
