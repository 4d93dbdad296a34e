// Understands a `claude` command line: its flags, its prompt, and the tools it grants.

import { commandBaseName, type ShellCommand, type ShellWord } from '../parse/shell.js';

export interface CliTool {
  tool: string;
  /** Offsets of the word that carries it (the tool is somewhere inside). */
  word: ShellWord;
}

export interface ClaudeCli {
  print: boolean;
  skipPermissions: ShellWord | undefined;
  permissionMode: ShellWord | undefined;
  allowedTools: CliTool[];
  disallowedTools: CliTool[];
  settings: ShellWord[];
  mcpConfigs: ShellWord[];
  /** Positional arguments and `-p VALUE`: the text the agent is asked to act on. */
  prompt: ShellWord[];
  /** `--append-system-prompt`/`--system-prompt` values, which steer the agent too. */
  systemPrompt: ShellWord[];
  /** `--verbose`, `-d`/`--debug` and the `--output-format` value: how much of the run gets printed. */
  verbose: ShellWord | undefined;
  debug: ShellWord | undefined;
  outputFormat: ShellWord | undefined;
}

const VARIADIC = new Map([
  ['--allowedTools', 'allowed'],
  ['--allowed-tools', 'allowed'],
  ['--disallowedTools', 'disallowed'],
  ['--disallowed-tools', 'disallowed'],
  ['--mcp-config', 'mcp'],
  ['--add-dir', 'dir'],
  ['--betas', 'other'],
]);

const WITH_VALUE = new Set([
  '--permission-mode',
  '--settings',
  '--model',
  '--fallback-model',
  '--max-turns',
  '--output-format',
  '--input-format',
  '--append-system-prompt',
  '--system-prompt',
  '--system-prompt-file',
  '--append-system-prompt-file',
  '--permission-prompt-tool',
  '--session-id',
  '--resume',
  '-r',
  '--agents',
  '--setting-sources',
  '--max-budget-usd',
  '--json-schema',
  '--plugin-dir',
]);

const CLAUDE_PACKAGE = /^@anthropic-ai\/claude-code(@.*)?$/;

/** Commands that run another command given in their arguments (`timeout 600 claude …`, `srt claude …`). */
const WRAPPERS = new Set([
  'timeout', 'env', 'sudo', 'nice', 'nohup', 'time', 'stdbuf', 'xvfb-run', 'exec', 'command',
  'cordon', 'srt', 'bwrap', 'firejail', 'sandbox-exec', 'nsjail', 'unshare', 'systemd-run', 'docker', 'podman',
]);

/** Options of wrappers whose value is a name that could read `claude`. */
const NAMING_OPTIONS = new Set(['-u', '--user', '-g', '--group', '--name', '-h', '--hostname', '--network', '-w', '--workdir', '-t', '--tag']);

export interface ClaudeInvocation {
  /** The arguments given to Claude Code itself. */
  args: ShellWord[];
  /** The wrapping command and its words before `claude` (empty when `claude` runs directly). */
  wrapper: string[];
}

/** How a shell command runs Claude Code: `claude …`, `npx [-y] @anthropic-ai/claude-code …`, or either behind a wrapper. */
export function claudeInvocation(command: ShellCommand): ClaudeInvocation | undefined {
  const name = command.name?.value;
  if (!name) return undefined;
  const base = commandBaseName(name);
  if (base === 'claude' || base === 'claude-code') return { args: command.args, wrapper: [] };
  const words = command.args.map((arg) => arg.value);
  const runner = (value: string): boolean => ['npx', 'bunx', 'pnpx'].includes(commandBaseName(value));
  if (runner(name)) {
    const at = words.findIndex((word) => CLAUDE_PACKAGE.test(word));
    if (at !== -1) return { args: command.args.slice(at + 1), wrapper: [] };
  }
  if (!WRAPPERS.has(base)) return undefined;
  if ((base === 'docker' || base === 'podman') && words[0] !== 'run' && words[0] !== 'exec') return undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    // `sudo -u claude …`, `docker run --name claude …`: a name, not the program.
    if (NAMING_OPTIONS.has(words[i - 1] ?? '')) continue;
    const inner = commandBaseName(word);
    if (inner === 'claude' || inner === 'claude-code') return { args: command.args.slice(i + 1), wrapper: [name, ...words.slice(0, i)] };
    if (CLAUDE_PACKAGE.test(word) && words.slice(0, i).some(runner)) {
      const launcher = words.slice(0, i).findIndex(runner);
      return { args: command.args.slice(i + 1), wrapper: [name, ...words.slice(0, launcher)] };
    }
  }
  return undefined;
}

/** The arguments given to Claude Code when a shell command runs it. */
export function claudeArgs(command: ShellCommand): ShellWord[] | undefined {
  return claudeInvocation(command)?.args;
}

/** Splits a tool list such as `Bash(git diff:*),Read Edit` at commas and spaces outside parentheses. */
export function splitToolList(text: string): { tool: string; index: number }[] {
  const tools: { tool: string; index: number }[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const ch = text[i];
    const separator = ch === undefined || ((ch === ',' || /\s/.test(ch)) && depth === 0);
    if (separator) {
      if (start !== -1) tools.push({ tool: text.slice(start, i), index: start });
      start = -1;
      continue;
    }
    if (ch === '(') depth++;
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (start === -1) start = i;
  }
  return tools.filter((entry) => entry.tool.length > 0);
}

export function parseClaudeCli(args: ShellWord[]): ClaudeCli {
  const cli: ClaudeCli = {
    print: false,
    skipPermissions: undefined,
    permissionMode: undefined,
    allowedTools: [],
    disallowedTools: [],
    settings: [],
    mcpConfigs: [],
    prompt: [],
    systemPrompt: [],
    verbose: undefined,
    debug: undefined,
    outputFormat: undefined,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg) continue;
    const [flag, inline] = splitFlag(arg.value);
    if (flag === '-p' || flag === '--print') {
      cli.print = true;
      continue;
    }
    if (flag === '--verbose') {
      cli.verbose = arg;
      continue;
    }
    if (flag === '-d' || flag === '--debug') {
      cli.debug = arg;
      continue;
    }
    if (flag === '--dangerously-skip-permissions' || flag === '--allow-dangerously-skip-permissions') {
      cli.skipPermissions = arg;
      continue;
    }
    const variadic = VARIADIC.get(flag);
    if (variadic) {
      const values: ShellWord[] = inline !== undefined ? [{ ...arg, value: inline }] : [];
      while (inline === undefined && i + 1 < args.length && !(args[i + 1]?.value ?? '-').startsWith('-')) {
        values.push(args[++i] as ShellWord);
      }
      for (const word of values) {
        for (const entry of splitToolList(word.value)) {
          if (variadic === 'allowed') cli.allowedTools.push({ tool: entry.tool, word });
          if (variadic === 'disallowed') cli.disallowedTools.push({ tool: entry.tool, word });
        }
        if (variadic === 'mcp') cli.mcpConfigs.push(word);
      }
      continue;
    }
    if (WITH_VALUE.has(flag)) {
      const value = inline !== undefined ? { ...arg, value: inline } : args[++i];
      if (!value) continue;
      if (flag === '--permission-mode') cli.permissionMode = value;
      if (flag === '--settings') cli.settings.push(value);
      if (flag === '--output-format') cli.outputFormat = value;
      if (flag === '--append-system-prompt' || flag === '--system-prompt') cli.systemPrompt.push(value);
      continue;
    }
    if (arg.value.startsWith('-') && arg.value.length > 1) continue;
    cli.prompt.push(arg);
  }
  return cli;
}

function splitFlag(value: string): [string, string | undefined] {
  if (!value.startsWith('--')) return [value, undefined];
  const eq = value.indexOf('=');
  return eq === -1 ? [value, undefined] : [value.slice(0, eq), value.slice(eq + 1)];
}
