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

/** True when a shell command runs Claude Code: `claude …`, `npx [-y] @anthropic-ai/claude-code …`. */
export function claudeArgs(command: ShellCommand): ShellWord[] | undefined {
  const name = command.name?.value;
  if (!name) return undefined;
  const base = commandBaseName(name);
  if (base === 'claude' || base === 'claude-code') return command.args;
  if (base === 'npx' || base === 'bunx' || base === 'pnpx') {
    const at = command.args.findIndex((arg) => /^@anthropic-ai\/claude-code(@.*)?$/.test(arg.value));
    if (at !== -1) return command.args.slice(at + 1);
  }
  return undefined;
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
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg) continue;
    const [flag, inline] = splitFlag(arg.value);
    if (flag === '-p' || flag === '--print') {
      cli.print = true;
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
