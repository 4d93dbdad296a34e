// Code that harmless-looking programs run from their arguments or environment: `git -c core.pager=…`, `GIT_SSH_COMMAND`, `tar --to-command`, `awk system()`, `sed e`, `vim -c '!…'`, `trap`, aliases, wrappers.

import type { ArgWord, EffectiveCommand } from '../bash-commands.js';
import type { Hit, Span } from '../verdict.js';
import { parseArgumentString } from '../../parse/shell.js';
import { clip, codeHits, judgeLiteralPath, readsPipe, stdinTextOf, wordText } from './interpreters.js';
import { commandSpan, judgeWordPath, pathsOf, spanOf, variablesAt, type BashCheck, type BashContext } from './context.js';

type Handler = (command: EffectiveCommand, ctx: BashContext) => Hit[];

export const codeExecution: BashCheck = {
  name: 'code-execution',
  command(command, ctx) {
    const hits = [...environmentHits(command, ctx), ...renamedProgramHits(command, ctx)];
    if (command.dynamic) return hits;
    const handler = HANDLERS[command.program] ?? (/^(g|m|n)?awk$/.test(command.program) ? awkHits : undefined);
    if (handler) hits.push(...handler(command, ctx));
    return hits;
  },
  script: arithmeticSubscriptHits,
};

/** Where bash evaluates text as arithmetic: `-eq` and friends, `(( ))`, `let`, `$[ ]`, integer variables. */
const ARITHMETIC_CONTEXT = /\s-(eq|ne|lt|le|gt|ge)\s|\(\(|(^|[\s;&|])let\s|\$\[|\b(typeset|declare|local|readonly|export)\s+-\w*i/;

/**
 * An array subscript inside a string (`x='a[$(curl …)]'`) runs its `$(…)` when the string is evaluated
 * as arithmetic, even though the parser rightly sees only data.
 */
function arithmeticSubscriptHits(ctx: BashContext): Hit[] {
  if (!ARITHMETIC_CONTEXT.test(ctx.script)) return [];
  const hits: Hit[] = [];
  for (const match of ctx.script.matchAll(/\w\[\s*(?:\$\(((?:[^()]|\([^()]*\))*)\)|`([^`]*)`)/g)) {
    const inner = match[1] ?? match[2] ?? '';
    const span = { start: match.index, end: match.index + match[0].length };
    hits.push(...ctx.judgeNested(inner, `an array subscript evaluated as arithmetic runs \`${clip(inner)}\``, span));
    hits.push(codeHit(`an array subscript evaluated as arithmetic runs \`${clip(inner)}\``, span));
  }
  return hits;
}

/** Judges a command string some program will hand to a shell; `always` adds a hit even when the string itself is harmless. */
function shellStringHits(ctx: BashContext, text: string, what: string, span: Span, always = false): Hit[] {
  const hits = ctx.judgeNested(text, `${what} runs \`${clip(text)}\``, span);
  if (always && hits.length === 0) hits.push({ category: 'arbitrary-code', rule: 'argument-code', reason: `${what} runs \`${clip(text)}\``, span });
  return hits;
}

function codeHit(what: string, span: Span, rule = 'argument-code'): Hit {
  return { category: 'arbitrary-code', rule, reason: what, span };
}

function rawJoin(words: readonly ArgWord[]): string {
  return words.map((w) => w.raw).join(' ');
}

/** The value of `--name=value`, `--name value` or `-Xvalue`; `used` says how many words it took. */
function optionValue(words: readonly ArgWord[], i: number, names: readonly string[]): { value: string; word: ArgWord; used: number } | undefined {
  const word = words[i]!;
  for (const name of names) {
    if (word.value === name && words[i + 1]) return { value: words[i + 1]!.value, word: words[i + 1]!, used: 2 };
    if (name.startsWith('--') && word.value.startsWith(`${name}=`)) return { value: word.value.slice(name.length + 1), word, used: 1 };
    if (!name.startsWith('--') && name.length === 2 && word.value.startsWith(name) && word.value.length > 2) return { value: word.value.slice(2), word, used: 1 };
  }
  return undefined;
}

// ---- environment ----------------------------------------------------------------------------

/** Variables whose value a program runs as a command (pagers, editors, ssh and askpass helpers). */
const COMMAND_VARIABLES = /^(GIT_SSH_COMMAND|GIT_SSH|GIT_PAGER|PAGER|MANPAGER|SYSTEMD_PAGER|GIT_EDITOR|EDITOR|VISUAL|FCEDIT|GIT_SEQUENCE_EDITOR|GIT_EXTERNAL_DIFF|GIT_ASKPASS|SSH_ASKPASS|SUDO_ASKPASS|GIT_PROXY_COMMAND|PROMPT_COMMAND|BROWSER|LESSOPEN|LESSCLOSE|PS[0-4])$/;
/** Variables that load code into whatever runs next, whatever their value. */
const LOADER_VARIABLES = /^(LD_PRELOAD|LD_AUDIT|LD_LIBRARY_PATH|DYLD_\w+|BASH_ENV|PYTHONSTARTUP|PYTHONHOME|PERL5DB|GCONV_PATH|GIT_EXEC_PATH|GIT_TEMPLATE_DIR|GIT_CONFIG|GIT_CONFIG_GLOBAL|GIT_CONFIG_SYSTEM|NODE_REPL_EXTERNAL_MODULE|BASHOPTS|SHELLOPTS|ZDOTDIR|LESSKEYIN|LESSKEY)$/;
/** Option variables that load code only with some flags. */
const FLAG_VARIABLES: Record<string, RegExp> = {
  NODE_OPTIONS: /(^|\s)(-r|--require|--import|--loader|--experimental-loader|--experimental-policy|--env-file)(\s|=|$)/,
  PERL5OPT: /(^|\s)-[A-Za-z]*[MmdI]/,
  RUBYOPT: /(^|\s)-[A-Za-z]*[rI]/,
  JAVA_TOOL_OPTIONS: /-(javaagent|agentpath|agentlib|XX:OnOutOfMemoryError)/,
  _JAVA_OPTIONS: /-(javaagent|agentpath|agentlib|XX:OnOutOfMemoryError)/,
  PYTHONWARNINGS: /:[\w.]+\.[\w.]+:/,
};

interface Assignment {
  name: string;
  value: string;
}

function parseAssignment(text: string): Assignment | undefined {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)\+?=(.*)$/s.exec(text);
  return match ? { name: match[1]!, value: match[2]! } : undefined;
}

/** A `NAME=value` prefix as the parser keeps it (quotes and all), with the value unquoted as the shell would. */
function parsePrefix(text: string): Assignment | undefined {
  const words = /['"\\$]/.test(text) ? parseArgumentString(text) : [];
  const unquoted = words.length === 1 ? (text.includes("$'") ? decodeQuoted(text, words[0]!.value) : words[0]!.value) : text;
  return parseAssignment(unquoted);
}

function decodeQuoted(raw: string, value: string): string {
  return wordText({ value, raw, start: 0, dynamic: false });
}

/** `NAME=value cmd`, `env NAME=value cmd`, `export NAME=value`, `declare -x NAME`. */
function assignmentsOf(command: EffectiveCommand, ctx: BashContext): Assignment[] {
  const list = command.assignments.map(parsePrefix).filter((a): a is Assignment => a !== undefined);
  const program = command.program;
  if (program === 'env') {
    for (const word of command.words) {
      const assignment = parseAssignment(word.value);
      if (assignment) list.push(assignment);
      else if (!word.value.startsWith('-')) break;
    }
  }
  if (program === 'export' || ((program === 'declare' || program === 'typeset' || program === 'local') && command.args.some((a) => /^-\w*x/.test(a)))) {
    const known = variablesAt(ctx, command.start);
    for (const word of command.words) {
      if (word.value.startsWith('-')) continue;
      // Declaration arguments keep their quotes in the parse, like prefixes.
      const assignment = parsePrefix(word.raw);
      if (assignment) list.push(assignment);
      else if (/^[A-Za-z_]\w*$/.test(word.value)) {
        // `X=…; export X`: the value was assigned earlier; an unknown one is judged as unknown.
        const values = known.get(word.value) ?? [];
        if (values.length === 0) list.push({ name: word.value, value: '\0unknown' });
        for (const value of values) list.push({ name: word.value, value });
      }
    }
  }
  return list;
}

function environmentHits(command: EffectiveCommand, ctx: BashContext): Hit[] {
  const assignments = assignmentsOf(command, ctx);
  if (assignments.length === 0) return [];
  const span = commandSpan(command);
  const hits: Hit[] = [];
  for (const { name, value } of assignments) {
    const unknown = value === '\0unknown';
    if (COMMAND_VARIABLES.test(name)) {
      if (unknown) hits.push(codeHit(`${name} is exported with a value only known at run time, and programs run it as a command`, span, 'environment-code'));
      else if (value !== '') hits.push(...shellStringHits(ctx, value.replace(/^\s*\|+\s*|^-/, ''), `${name}`, span));
    } else if (LOADER_VARIABLES.test(name) && value !== '' && value !== '/dev/null') {
      hits.push(codeHit(`${name} makes the next program load ${unknown ? 'code only known at run time' : clip(value)}`, span, 'environment-code'));
    } else if (FLAG_VARIABLES[name] && (unknown || FLAG_VARIABLES[name]!.test(value))) {
      hits.push(codeHit(`${name}=${unknown ? '…' : clip(value)} makes the next program load extra code`, span, 'environment-code'));
    } else if (name === 'PATH') {
      // `export PATH` with no value known here re-exports the PATH the agent started with.
      const planted = unknown ? undefined : plantedPathEntry(value);
      if (planted !== undefined) hits.push(codeHit(`PATH=${clip(value)} puts ${planted === '' ? 'the current directory (an empty entry)' : planted} ahead of the system: a program the agent wrote there runs instead`, span, 'path-hijack'));
    } else if (name === 'GIT_CONFIG_PARAMETERS') {
      for (const match of value.matchAll(/'([^']*)'\s*=\s*'([^']*)'/g)) hits.push(...gitConfigHits(ctx, match[1]!, match[2]!, span));
    } else if (/^GIT_CONFIG_KEY_\d+$/.test(name)) {
      const index = name.slice('GIT_CONFIG_KEY_'.length);
      const pair = assignments.find((a) => a.name === `GIT_CONFIG_VALUE_${index}`);
      hits.push(...gitConfigHits(ctx, value, pair?.value ?? '', span));
    }
  }
  return hits;
}

/**
 * The first PATH entry a command could have planted a program in: an empty or relative entry (the
 * current directory, the repository) or one under `$PWD`. `node_modules/.bin` is exempt: package
 * scripts run from it anyway.
 */
function plantedPathEntry(value: string): string | undefined {
  for (const entry of value.split(':')) {
    if (/^\$(\{PATH\}|PATH)$/.test(entry) || /(^|\/)node_modules\/\.bin\/?$/.test(entry)) continue;
    if (entry === '' || entry === '.' || !/^[/$~]/.test(entry)) return entry;
    if (/^(\$\{?PWD\}?|\$\(pwd\)|`pwd`)(\/|$)/.test(entry)) return entry;
  }
  return undefined;
}

// ---- aliases and hash -p ----------------------------------------------------------------------

/** A later command whose name an earlier `alias name=…` or `hash -p path name` redefined is judged as what it really runs. */
function renamedProgramHits(command: EffectiveCommand, ctx: BashContext): Hit[] {
  const hits: Hit[] = [];
  // zsh expands `=curl` to curl's full path.
  if (/^=[\w.+-]+$/.test(command.path)) hits.push(...shellStringHits(ctx, `${command.path.slice(1)} ${rawJoin(command.words)}`.trim(), `${command.path} (zsh's path expansion)`, commandSpan(command)));
  for (const earlier of ctx.parsed.commands) {
    if (earlier.start >= command.start) break;
    let replacement: string | undefined;
    if (earlier.program === 'alias') {
      for (const word of earlier.words) {
        const match = /^([^=\s]+)=(.*)$/s.exec(word.value);
        if (match && match[1] === command.program) replacement = match[2];
      }
    } else if (earlier.program === 'hash') {
      const at = earlier.args.indexOf('-p');
      if (at !== -1 && earlier.args[at + 2] === command.program) replacement = earlier.words[at + 1]!.raw;
    }
    if (replacement === undefined) continue;
    const text = `${replacement} ${rawJoin(command.words)}`.trim();
    hits.push(...shellStringHits(ctx, text, `${command.program}, redefined earlier,`, commandSpan(command)));
  }
  return hits;
}

// ---- git --------------------------------------------------------------------------------------

/** Config keys whose value git runs through the shell. */
const GIT_COMMAND_KEYS = [
  /^core\.(pager|editor|sshcommand|fsmonitor|askpass|gitproxy|alternaterefscommand)$/, /^pager\./, /^sequence\.editor$/, /^diff\.external$/,
  /^diff\..+\.(command|textconv)$/, /^(diff|merge)tool\..+\.(cmd|path)$/, /^merge\..+\.driver$/, /^filter\..+\.(clean|smudge|process)$/,
  /^credential(\..+)?\.helper$/, /^gpg(\..+)?\.program$/, /^sendemail\.(sendmailcmd|smtpserver|tocmd|cccmd)$/, /^(web\.browser|browser\..+\.(cmd|path)|man\..+\.(cmd|path))$/,
  /^remote\..+\.(uploadpack|receivepack|proxy)$/, /^uploadpack\.packobjectshook$/, /^interactive\.difffilter$/, /^ssh\.variant$/,
];
/** Config keys that make git load hooks, config or helpers from somewhere else. */
const GIT_LOADER_KEYS = [/^core\.hookspath$/, /^include\.path$/, /^includeif\..+\.path$/, /^core\.worktree$/, /^safe\.directory$/];

function gitConfigHits(ctx: BashContext, rawKey: string, value: string, span: Span): Hit[] {
  const key = rawKey.toLowerCase();
  const what = `git config ${rawKey}`;
  if (key.startsWith('alias.')) {
    const text = value.startsWith('!') ? value.slice(1) : `git ${value}`;
    return shellStringHits(ctx, text, what, span);
  }
  if (/^protocol\.(.+\.)?allow$/.test(key) && /always/i.test(value)) return [codeHit(`${what}=${value} lets git run transport helpers such as ext::, which run commands`, span)];
  if (GIT_LOADER_KEYS.some((k) => k.test(key))) return [codeHit(`${what}=${clip(value)} makes git load hooks or configuration from another place`, span)];
  if (!GIT_COMMAND_KEYS.some((k) => k.test(key))) return [];
  if (key === 'core.fsmonitor' && /^(true|false|yes|no|on|off|0|1)?$/i.test(value)) return [];
  if (key.startsWith('pager.') && /^(true|false|yes|no|on|off|0|1)?$/i.test(value)) return [];
  if (/credential.*helper$/.test(key) && !value.startsWith('!') && !value.includes('/')) return value === '' ? [] : shellStringHits(ctx, `git credential-${value}`, what, span);
  return shellStringHits(ctx, value.replace(/^!/, ''), what, span);
}

const gitHits: Handler = (command, ctx) => {
  const words = command.words;
  const span = commandSpan(command);
  const hits: Hit[] = [];
  let i = 0;
  for (; i < words.length; i++) {
    const a = words[i]!.value;
    if (a === '-c' && words[i + 1]) {
      const pair = words[++i]!.value;
      const eq = pair.indexOf('=');
      hits.push(...gitConfigHits(ctx, eq === -1 ? pair : pair.slice(0, eq), eq === -1 ? 'true' : pair.slice(eq + 1), spanOf(words[i]!)));
      continue;
    }
    const configEnv = optionValue(words, i, ['--config-env']);
    if (configEnv) {
      i += configEnv.used - 1;
      const [key = '', variable = ''] = splitLast(configEnv.value);
      const fromPrefix = command.assignments.map(parsePrefix).find((x) => x?.name === variable)?.value;
      const values = fromPrefix !== undefined ? [fromPrefix] : (variablesAt(ctx, command.start).get(variable) ?? []);
      if (values.length === 0 && (GIT_COMMAND_KEYS.some((k) => k.test(key.toLowerCase())) || key.toLowerCase().startsWith('alias.'))) {
        hits.push(codeHit(`git --config-env sets ${key} from $${variable}, whose value is only known at run time`, span));
      }
      for (const value of values) hits.push(...gitConfigHits(ctx, key, value, span));
      continue;
    }
    if (a.startsWith('--exec-path=')) {
      hits.push(codeHit(`git --exec-path makes git run its subcommands from ${clip(a.slice(12))}`, spanOf(words[i]!)));
      continue;
    }
    if (['-C', '--git-dir', '--work-tree', '--namespace', '--super-prefix'].includes(a)) { i++; continue; }
    if (!a.startsWith('-')) break;
  }
  const sub = words[i]?.value;
  const rest = words.slice(i + 1);
  hits.push(...gitSubcommandHits(ctx, sub, rest, span));
  for (const word of rest) {
    if (/^ext::/.test(word.value)) hits.push(...shellStringHits(ctx, word.value.slice(5).replace(/% /g, ' ').replace(/%%/g, '%'), 'the git ext:: transport', spanOf(word), true));
  }
  return hits;
};

function splitLast(value: string): [string, string] {
  const eq = value.lastIndexOf('=');
  return eq === -1 ? [value, ''] : [value.slice(0, eq), value.slice(eq + 1)];
}

function gitSubcommandHits(ctx: BashContext, sub: string | undefined, words: ArgWord[], span: Span): Hit[] {
  const hits: Hit[] = [];
  if (sub === 'bisect' && words[0]?.value === 'run') return shellStringHits(ctx, rawJoin(words.slice(1)), 'git bisect run', span);
  if (sub === 'submodule' && words.some((w) => w.value === 'foreach')) {
    const at = words.findIndex((w) => w.value === 'foreach');
    let from = at + 1;
    while (words[from] && words[from]!.value.startsWith('-')) from++;
    return shellStringHits(ctx, words.slice(from).map((w) => w.value).join(' '), 'git submodule foreach', span);
  }
  for (let k = 0; k < words.length; k++) {
    const names: string[] = [];
    if (sub === 'rebase') names.push('--exec', '-x');
    if (sub === 'grep') names.push('--open-files-in-pager', '-O');
    if (sub === 'difftool' || sub === 'mergetool') names.push('--extcmd', '-x');
    if (['fetch', 'pull', 'clone', 'ls-remote', 'push', 'archive', 'submodule', 'send-pack', 'fetch-pack'].includes(sub ?? '')) names.push('--upload-pack', '--receive-pack', '--exec');
    if (sub === 'clone' || sub === 'ls-remote') names.push('-u');
    if (sub === 'send-email') names.push('--sendmail-cmd', '--smtp-server', '--to-cmd', '--cc-cmd');
    const found = optionValue(words, k, names.filter((n) => !(n === '-O' && words[k]!.value === '-O')));
    if (found) {
      hits.push(...shellStringHits(ctx, found.value, `git ${sub} ${words[k]!.value.replace(/=.*/, '')}`, span));
      k += found.used - 1;
      continue;
    }
    const output = optionValue(words, k, ['--output', '-o'].filter((n) => n === '--output' || sub === 'format-patch'));
    if (output) {
      hits.push(...judgeWordPath(ctx, { ...output.word, value: output.value }, output.word.start, 'Write', { category: 'write-scope', rule: 'argument-write', reason: `git ${sub} writes to a path only known at run time` }));
      k += output.used - 1;
    }
  }
  return hits;
}

// ---- ssh, tar, zip, rsync, man, gh -----------------------------------------------------------

const sshHits: Handler = (command, ctx) => {
  const hits: Hit[] = [];
  const words = command.words;
  for (let i = 0; i < words.length; i++) {
    const option = optionValue(words, i, ['-o']);
    if (!option) continue;
    i += option.used - 1;
    const match = /^\s*(\w+)\s*(?:=|\s)\s*(.*)$/s.exec(option.value);
    if (!match) continue;
    const key = match[1]!.toLowerCase();
    if (['proxycommand', 'localcommand', 'knownhostscommand'].includes(key) && !/^none$/i.test(match[2]!)) {
      hits.push(...shellStringHits(ctx, match[2]!, `${command.program} -o ${match[1]}`, spanOf(option.word)));
    }
  }
  return hits;
};

const tarHits: Handler = (command, ctx) => {
  const hits: Hit[] = [];
  const words = command.words;
  for (let i = 0; i < words.length; i++) {
    const action = optionValue(words, i, ['--checkpoint-action']);
    if (action) {
      i += action.used - 1;
      if (/^exec=/.test(action.value)) hits.push(...shellStringHits(ctx, action.value.slice(5), 'tar --checkpoint-action', spanOf(action.word)));
      continue;
    }
    const program = optionValue(words, i, ['--to-command', '--use-compress-program', '-I', '--info-script', '--new-volume-script', '-F', '--rsh-command', '--rmt-command']);
    if (program) {
      i += program.used - 1;
      hits.push(...shellStringHits(ctx, program.value, `tar ${words[i - program.used + 1]!.value.replace(/=.*/, '')}`, spanOf(program.word)));
    }
  }
  return hits;
};

const zipHits: Handler = (command, ctx) => {
  const hits: Hit[] = [];
  const words = command.words;
  for (let i = 0; i < words.length; i++) {
    const program = optionValue(words, i, ['-TT', '--unzip-command']);
    if (program) {
      i += program.used - 1;
      hits.push(...shellStringHits(ctx, program.value, 'zip --unzip-command', spanOf(program.word)));
    }
  }
  return hits;
};

const rsyncHits: Handler = (command, ctx) => {
  const hits: Hit[] = [];
  const words = command.words;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!.value;
    const bundled = /^-[a-zA-Z]+e$/.test(w) && words[i + 1] ? { value: words[i + 1]!.value, word: words[i + 1]!, used: 2 } : undefined;
    const program = bundled ?? optionValue(words, i, ['-e', '--rsh']);
    if (program) {
      i += program.used - 1;
      hits.push(...shellStringHits(ctx, program.value, 'rsync --rsh', spanOf(program.word)));
    }
  }
  return hits;
};

const manHits: Handler = (command, ctx) => {
  const hits: Hit[] = [];
  const words = command.words;
  for (let i = 0; i < words.length; i++) {
    const program = optionValue(words, i, ['-P', '--pager', '--html', '-H']);
    if (program) {
      i += program.used - 1;
      hits.push(...shellStringHits(ctx, program.value, 'man --pager', spanOf(program.word)));
    }
  }
  return hits;
};

const ghHits: Handler = (command, ctx) => {
  const args = command.args;
  if (args[0] !== 'alias' || args[1] !== 'set' || !args.some((a) => a === '--shell' || a === '-s')) return [];
  const operands = command.words.slice(2).filter((w) => !w.value.startsWith('-'));
  const expansion = operands[1];
  return expansion ? shellStringHits(ctx, expansion.value, 'gh alias set --shell', spanOf(expansion)) : [];
};

// ---- awk and sed ------------------------------------------------------------------------------

function awkHits(command: EffectiveCommand, ctx: BashContext): Hit[] {
  const words = command.words;
  const span = commandSpan(command);
  const programs: string[] = [];
  const hits: Hit[] = [];
  let i = 0;
  for (; i < words.length; i++) {
    const a = words[i]!.value;
    if (a === '--') { i++; break; }
    const file = optionValue(words, i, ['-f', '--file', '-E', '--exec']);
    if (file) {
      i += file.used - 1;
      if (file.value === '-' || file.value === '/dev/stdin') {
        const stdin = stdinTextOf(ctx, command);
        if (stdin !== undefined) programs.push(stdin);
        else if (readsPipe(ctx, command)) hits.push(codeHit(`${command.program} runs a program piped into it`, span));
      } else {
        const text = readProgramFile(ctx, file.word, command.start);
        if (text !== undefined) programs.push(text);
      }
      continue;
    }
    const source = optionValue(words, i, ['-e', '--source']);
    if (source) { i += source.used - 1; programs.push(source.value); continue; }
    if (optionValue(words, i, ['-l', '--load'])) hits.push(codeHit(`${command.program} loads a compiled extension`, span));
    const skipped = optionValue(words, i, ['-F', '-v', '--assign', '--field-separator']);
    if (skipped) { i += skipped.used - 1; continue; }
    if (!a.startsWith('-') || a === '-') break;
  }
  if (programs.length === 0 && words[i]) programs.push(words[i]!.value);
  for (const program of programs) hits.push(...awkProgramHits(ctx, program, command.program, span));
  return hits;
}

/** An `-f` program file's text; a file that is missing or cannot be read is unknown, like any repository script. */
function readProgramFile(ctx: BashContext, word: ArgWord, at: number): string | undefined {
  for (const path of pathsOf(ctx, word, at).paths) {
    const text = ctx.fs.readText(path, 1_000_000);
    if (text !== undefined) return text;
  }
  return undefined;
}

/** awk's ways out: system(), pipes to and from commands, /inet/ sockets, ENVIRON, and print redirections to files. */
export function awkProgramHits(ctx: BashContext, program: string, name: string, span: Span): Hit[] {
  const hits: Hit[] = [];
  if (/\/inet\d?\//.test(program)) hits.push({ category: 'network', rule: 'argument-network', reason: `${name} opens a network connection through /inet/`, span });
  if (/\bENVIRON\b/.test(program)) hits.push({ category: 'secret-access', rule: 'argument-environment', reason: `${name} reads the environment through ENVIRON, where the API keys are`, span });
  // A command written as one literal string is judged; one built at run time can be anything.
  for (const match of program.matchAll(/\bsystem\s*\(\s*("(?:\\.|[^"\\])*"\s*\))?/g)) {
    const literal = match[1] ? awkString(match[1]) : undefined;
    if (literal !== undefined) hits.push(...ctx.judgeNested(literal, `${name} system() runs \`${clip(literal)}\``, span));
    else hits.push(codeHit(`${name} runs a shell command built at run time with system()`, span));
  }
  for (const match of program.matchAll(/("(?:\\.|[^"\\])*")?\s*\|&?\s*getline\b/g)) {
    const literal = match[1] ? awkString(match[1]) : undefined;
    if (literal !== undefined) hits.push(...ctx.judgeNested(literal, `${name} runs \`${clip(literal)}\``, span));
    else hits.push(codeHit(`${name} reads the output of a command built at run time with | getline`, span));
  }
  for (const statement of printStatements(program)) {
    const pipe = /^\|&?\s*(.*)$/s.exec(statement.redirect);
    if (pipe) {
      const literal = /^"[^"]*"\s*\)?$/.test(pipe[1]!.trim()) ? awkString(pipe[1]!.trim()) : undefined;
      // The command reads awk's output on its stdin: a shell there runs that output.
      if (literal !== undefined) hits.push(...ctx.judgeNested(`: | ${literal}`, `${name} pipes its output into \`${clip(literal)}\``, span));
      else hits.push(codeHit(`${name} pipes its output into a command named at run time`, span));
      continue;
    }
    const target = statement.redirect.replace(/^>>?\s*/, '').trim();
    const literal = /^"[^"]*"$/.test(target) ? awkString(target) : undefined;
    if (literal === undefined) hits.push({ category: 'write-scope', rule: 'argument-write', reason: `${name} prints to a file named at run time (${clip(target)})`, span });
    else hits.push(...judgeLiteralPath(ctx, literal, 'Write', span, `${name} prints to ${literal}`));
  }
  if (/@load\b/.test(program)) hits.push(codeHit(`${name} loads a compiled extension with @load`, span));
  for (const match of program.matchAll(/\bgetline\b[^;{}|]*<\s*"([^"]*)"/g)) hits.push(...judgeLiteralPath(ctx, match[1]!, 'Read', span, `${name} reads ${match[1]}`));
  return hits;
}

function awkString(literal: string): string | undefined {
  const match = /^"((?:\\.|[^"\\])*)"/.exec(literal);
  return match ? match[1]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c)) : undefined;
}

/** The output redirection of every `print`/`printf` statement: the text after a top-level `>`, `>>`, `|` or `|&`. */
function printStatements(program: string): Array<{ redirect: string }> {
  const out: Array<{ redirect: string }> = [];
  for (const match of program.matchAll(/\bprintf?\b/g)) {
    let depth = 0;
    let quote = false;
    for (let i = match.index + match[0].length; i < program.length; i++) {
      const c = program[i]!;
      if (quote) {
        if (c === '\\') i++;
        else if (c === '"') quote = false;
        continue;
      }
      if (c === '"') { quote = true; continue; }
      if (c === '(') depth++;
      else if (c === ')') { if (depth === 0) break; depth--; }
      else if (depth === 0 && (c === ';' || c === '}' || c === '\n')) break;
      else if (depth === 0 && (c === '>' || c === '|')) {
        let end = i + 1;
        let q = false;
        for (; end < program.length; end++) {
          const d = program[end]!;
          if (q) { if (d === '\\') end++; else if (d === '"') q = false; continue; }
          if (d === '"') { q = true; continue; }
          if (d === ';' || d === '}' || d === '\n') break;
        }
        out.push({ redirect: program.slice(i, end).trim() });
        break;
      }
    }
  }
  return out;
}

const sedHits: Handler = (command, ctx) => {
  const words = command.words;
  const span = commandSpan(command);
  const scripts: string[] = [];
  let i = 0;
  let operand: string | undefined;
  for (; i < words.length; i++) {
    const a = words[i]!.value;
    if (a === '--') { i++; break; }
    if (/^-[nrEsuz]*e$/.test(a) && words[i + 1]) { scripts.push(words[++i]!.value); continue; }
    if (a.startsWith('--expression=')) { scripts.push(a.slice(13)); continue; }
    if (a === '--expression' && words[i + 1]) { scripts.push(words[++i]!.value); continue; }
    if (/^-[nrEsuz]*f$/.test(a) && words[i + 1]) {
      const text = readProgramFile(ctx, words[++i]!, command.start);
      if (text !== undefined) scripts.push(text);
      continue;
    }
    if (a === '-l' || a === '--line-length') { i++; continue; }
    if (!a.startsWith('-') || a === '-') { if (operand === undefined) operand = a; if (scripts.length === 0) break; }
  }
  if (scripts.length === 0 && operand !== undefined) scripts.push(operand);
  return scripts.flatMap((script) => sedScriptHits(ctx, script, span));
};

interface SedCommand {
  name: string;
  /** The rest of an `e`, `w`, `r` command, or the file of an `s///w`. */
  argument: string;
  flags: string;
  replacement: string;
}

/** A small GNU sed script reader: addresses are skipped, `s` and `y` bodies are read with their delimiters. */
export function sedCommands(script: string): SedCommand[] {
  const out: SedCommand[] = [];
  let i = 0;
  const restOfLine = (): string => {
    const end = script.indexOf('\n', i);
    const text = script.slice(i, end === -1 ? script.length : end);
    i = end === -1 ? script.length : end;
    return text.trim();
  };
  const delimited = (delimiter: string): string => {
    let text = '';
    for (; i < script.length && script[i] !== delimiter; i++) {
      if (script[i] === '\\' && i + 1 < script.length) {
        text += script[i + 1] === delimiter ? delimiter : script.slice(i, i + 2);
        i++;
      } else text += script[i];
    }
    i++;
    return text;
  };
  while (i < script.length) {
    const c = script[i]!;
    if (/[\s;{}!]/.test(c)) { i++; continue; }
    if (c === '#') { restOfLine(); continue; }
    // Addresses: numbers, $, /re/, \cREc, ranges and steps.
    if (/[\d$,~+]/.test(c)) { i++; continue; }
    if (c === '/') { i++; delimited('/'); while (/[IM]/.test(script[i] ?? '')) i++; continue; }
    if (c === '\\' && i + 1 < script.length) { const d = script[i + 1]!; i += 2; delimited(d); continue; }
    i++;
    if (c === 's' || c === 'y') {
      const delimiter = script[i++] ?? '/';
      delimited(delimiter);
      const replacement = delimited(delimiter);
      let flags = '';
      while (i < script.length && /[gpiImMe0-9w]/.test(script[i]!)) {
        flags += script[i];
        if (script[i++] === 'w') break;
      }
      out.push({ name: c, argument: flags.endsWith('w') ? restOfLine() : '', flags, replacement });
      continue;
    }
    if ('ewWrRaic'.includes(c)) {
      out.push({ name: c, argument: restOfLine().replace(/^\\\s*/, ''), flags: '', replacement: '' });
      continue;
    }
    if (':btT'.includes(c)) {
      while (i < script.length && !/[;\n]/.test(script[i]!)) i++;
      continue;
    }
    out.push({ name: c, argument: '', flags: '', replacement: '' });
  }
  return out;
}

function sedScriptHits(ctx: BashContext, script: string, span: Span): Hit[] {
  const hits: Hit[] = [];
  for (const command of sedCommands(script)) {
    if (command.name === 'e') {
      if (command.argument) hits.push(...ctx.judgeNested(command.argument, `sed e runs \`${clip(command.argument)}\``, span));
      else hits.push(codeHit("sed's e command runs each input line as a shell command", span));
    }
    if (command.name === 's' && command.flags.includes('e')) {
      hits.push(...ctx.judgeNested(command.replacement, `sed s///e runs \`${clip(command.replacement)}\``, span));
      hits.push(codeHit('sed s///e runs the substituted line as a shell command', span));
    }
    const written = command.name === 'w' || command.name === 'W' ? command.argument : command.name === 's' && command.flags.endsWith('w') ? command.argument : undefined;
    if (written) hits.push(...judgeLiteralPath(ctx, written, 'Write', span, `sed writes ${written}`));
    if ((command.name === 'r' || command.name === 'R') && command.argument) hits.push(...judgeLiteralPath(ctx, command.argument, 'Read', span, `sed reads ${command.argument}`));
  }
  return hits;
}

// ---- find -fprint --------------------------------------------------------------------------------

const findHits: Handler = (command, ctx) => {
  const hits: Hit[] = [];
  const words = command.words;
  for (let i = 0; i < words.length - 1; i++) {
    if (!['-fprint', '-fprint0', '-fprintf', '-fls'].includes(words[i]!.value)) continue;
    const target = words[i + 1]!;
    hits.push(...judgeWordPath(ctx, target, command.start, 'Write', { category: 'write-scope', rule: 'argument-write', reason: `find ${words[i]!.value} writes to a path only known at run time` }));
  }
  return hits;
};

// ---- pagers and editors -------------------------------------------------------------------------

const lessHits: Handler = (command, ctx) => {
  const hits: Hit[] = [];
  for (const word of command.words) {
    const match = /^\+:?\s*(?:\d*\s*)?!(.*)$/s.exec(word.value);
    if (match) hits.push(...shellStringHits(ctx, match[1]!, `${command.program} +!`, spanOf(word)));
    if (/^(-k|--lesskey-file|--lesskey-src)/.test(word.value)) hits.push(codeHit(`${command.program} loads key bindings that can run commands`, spanOf(word)));
  }
  return hits;
};

const vimHits: Handler = (command, ctx) => {
  const hits: Hit[] = [];
  const words = command.words;
  for (let i = 0; i < words.length; i++) {
    const a = words[i]!.value;
    let text: string | undefined;
    let word = words[i]!;
    if ((/^-[a-zA-Z]{0,3}c$/.test(a) || a === '--cmd') && words[i + 1]) { word = words[++i]!; text = word.value; }
    else if (a.startsWith('+') && !/^\+\d*$/.test(a)) text = a.slice(1);
    else if (a === '-S' || a === '-s' || a === '-u' || a === '-i' || a === '-T') i++;
    if (text !== undefined) hits.push(...exCommandHits(ctx, text, command.program, spanOf(word)));
  }
  return hits;
};

/** One Ex command line from `vim -c`: shell escapes, system(), interpreter commands, and writes. */
function exCommandHits(ctx: BashContext, line: string, name: string, span: Span): Hit[] {
  const text = line.replace(/^[\s:]*/, '').replace(/^[%.$,\d'<>+-]*\s*/, '');
  // `:!cmd`, `:r !cmd`, `:w !cmd`; `:w! file` and `:qa!` are not shell escapes.
  const shell = /^(?:(?:r|re|rea|read)\s*|(?:w|wr|wri|writ|write)\s+)?!(.*)$/s.exec(text);
  if (shell) return shellStringHits(ctx, shell[1]!, `${name} :!`, span);
  const hits: Hit[] = [];
  for (const match of text.matchAll(/\b(system|systemlist|jobstart|job_start|term_start)\s*\(\s*(['"])?((?:\\.|(?!\2)[^\\])*)\2?/g)) {
    if (match[2]) hits.push(...ctx.judgeNested(match[3]!, `${name} ${match[1]}() runs \`${clip(match[3]!)}\``, span));
    hits.push(codeHit(`${name} runs shell commands with ${match[1]}()`, span));
  }
  const language = /^(py3?|python3?|pyx|pythonx|py3do|pydo|lua|luado|perl|perldo|ruby|rubydo|tcl|tcldo)\b\s*(.*)$/s.exec(text);
  if (language) {
    const lang = language[1]!.startsWith('py') ? 'python' : language[1]!.startsWith('lua') ? 'lua' : language[1]!.startsWith('perl') ? 'perl' : language[1]!.startsWith('ruby') ? 'ruby' : 'tcl';
    hits.push(...codeHits(ctx, language[2]!, lang, span, `${name} :${language[1]}`));
  }
  if (/^(ter|term|termi|termin|termina|terminal|exe|exec|execu|execut|execute|so|sou|sour|sourc|source|runtime)\b/.test(text)) hits.push(codeHit(`${name} runs \`${clip(text)}\`, which runs code`, span));
  const write = /^(w|wr|wri|writ|write|wq|x|xit|sav|saveas|up|update)!?\s+(?!!)(\S+)/.exec(text);
  if (write) hits.push(...judgeLiteralPath(ctx, write[2]!, 'Write', span, `${name} writes ${write[2]}`));
  return hits;
}

const gdbHits: Handler = (command, ctx) => {
  const hits: Hit[] = [];
  const words = command.words;
  for (let i = 0; i < words.length; i++) {
    const option = optionValue(words, i, ['-ex', '--ex', '-iex', '--iex', '-eval-command', '--eval-command']);
    if (!option) continue;
    i += option.used - 1;
    const text = option.value.trim();
    const span = spanOf(option.word);
    const shell = /^(?:shell\s+|!\s*|pipe\s+[^|]*\|\s*|\|\s*[^|]*\|\s*)(.*)$/s.exec(text);
    if (shell) hits.push(...shellStringHits(ctx, shell[1]!, 'gdb shell', span));
    const python = /^(?:python|py|pi|python-interactive)\s+(.*)$/s.exec(text);
    if (python) hits.push(...codeHits(ctx, python[1]!, 'python', span, 'gdb python'));
    const system = /\bsystem\s*\(\s*"((?:\\.|[^"\\])*)"/.exec(text);
    if (system) hits.push(...shellStringHits(ctx, system[1]!, 'gdb call system()', span));
    if (/^(guile|gu|source)\b/.test(text)) hits.push(codeHit(`gdb runs \`${clip(text)}\`, which runs code`, span));
  }
  return hits;
};

// ---- shell builtins: trap, enable ---------------------------------------------------------------

const trapHits: Handler = (command, ctx) => {
  const operands = command.words.filter((w) => !/^-[lp]$/.test(w.value) && w.value !== '--');
  const action = operands[0];
  if (!action || operands.length < 2 || action.value === '' || action.value === '-') return [];
  return ctx.judgeNested(action.value, `trap runs \`${clip(action.value)}\``, spanOf(action));
};

const enableHits: Handler = (command) => {
  if (!command.args.some((a) => /^-\w*f/.test(a))) return [];
  return [codeHit('enable -f loads a shared library as a shell builtin', commandSpan(command))];
};

// ---- wrappers that run another command ----------------------------------------------------------

/** Runs the command that starts at operand `from` (after options with values in `withValue`). */
function argvWrapper(withValue: readonly string[], skipOperands = 0, shellString = false): Handler {
  return (command, ctx) => {
    const words = command.words;
    let i = 0;
    for (; i < words.length; i++) {
      const a = words[i]!.value;
      if (a === '--') { i++; break; }
      if (!a.startsWith('-')) break;
      if (withValue.includes(a)) i++;
    }
    i += skipOperands;
    if (i >= words.length) return [];
    const text = shellString ? words.slice(i).map((w) => w.value).join(' ') : rawJoin(words.slice(i));
    return shellStringHits(ctx, text, command.program, commandSpan(command));
  };
}

const scriptHits: Handler = (command, ctx) => {
  const words = command.words;
  for (let i = 0; i < words.length; i++) {
    const a = words[i]!.value;
    if ((/^-[a-zA-Z]*c$/.test(a) || a === '--command') && words[i + 1]) return shellStringHits(ctx, words[i + 1]!.value, 'script -c', spanOf(words[i + 1]!));
    if (a.startsWith('--command=')) return shellStringHits(ctx, a.slice(10), 'script -c', spanOf(words[i]!));
  }
  return [];
};

const tmuxHits: Handler = (command, ctx) => {
  const words = command.words;
  const sub = words.findIndex((w) => /^(new-session|new|new-window|neww|split-window|splitw|respawn-pane|respawnp|respawn-window|respawnw|run-shell|run|send-keys|send|display-popup|popup|pipe-pane|pipep)$/.test(w.value));
  if (sub === -1) return [];
  let i = sub + 1;
  for (; i < words.length; i++) {
    const a = words[i]!.value;
    if (!a.startsWith('-')) break;
    if (/^-[stncxyeFlpS]$/.test(a)) i++;
  }
  const rest = words.slice(i).filter((w) => !/^(Enter|C-m|KPEnter)$/.test(w.value));
  if (rest.length === 0) return [];
  return shellStringHits(ctx, rest.map((w) => w.value).join(' '), `tmux ${words[sub]!.value}`, commandSpan(command));
};

const screenHits: Handler = (command, ctx) => {
  const words = command.words;
  let i = 0;
  for (; i < words.length; i++) {
    const a = words[i]!.value;
    if (!a.startsWith('-')) break;
    if (/^-[a-zA-Z]*[SpcehTtX]$/.test(a) && words[i + 1]) i++;
  }
  if (i >= words.length) return [];
  return shellStringHits(ctx, rawJoin(words.slice(i)), 'screen', commandSpan(command));
};

const atHits: Handler = (command, ctx) => {
  const span = commandSpan(command);
  const file = command.words.findIndex((w) => w.value === '-f');
  if (file !== -1) return [codeHit(`${command.program} -f schedules a script file to run later`, span)];
  if (command.args.some((a) => a === '-l' || a === '-r' || a === '-d' || a === '-c')) return [];
  const stdin = stdinTextOf(ctx, command);
  if (stdin !== undefined) return shellStringHits(ctx, stdin, command.program, span);
  return [codeHit(`${command.program} schedules the commands on its standard input to run later`, span)];
};

const nixShellHits: Handler = (command, ctx) => {
  const words = command.words;
  for (let i = 0; i < words.length; i++) {
    const option = optionValue(words, i, ['--run', '--command']);
    if (option) return shellStringHits(ctx, option.value, `${command.program} --run`, spanOf(option.word));
  }
  return [];
};

const parallelHits: Handler = (command, ctx) => {
  const words = command.words;
  const separator = words.findIndex((w) => w.value === ':::' || w.value === '::::');
  let i = 0;
  for (; i < words.length; i++) {
    const a = words[i]!.value;
    if (!a.startsWith('-')) break;
    if (/^-[jSPNLnskI]$|^--(jobs|sshlogin|max-args|delay|timeout|joblog|results|tagstring)$/.test(a)) i++;
  }
  const end = separator === -1 ? words.length : separator;
  const template = rawJoin(words.slice(i, end));
  if (!template) return [codeHit('parallel runs the commands on its standard input', commandSpan(command))];
  const inputs = separator === -1 ? [''] : words.slice(separator + 1).filter((w) => !w.value.startsWith(':::')).map((w) => w.raw);
  return inputs.flatMap((input) => shellStringHits(ctx, template.includes('{}') ? template.replaceAll('{}', input) : `${template} ${input}`.trim(), 'parallel', commandSpan(command)));
};

const runSubcommand = (subcommands: readonly string[], withValue: readonly string[] = [], skipOperands = 0): Handler => (command, ctx) => {
  const words = command.words;
  const sub = words.findIndex((w) => !w.value.startsWith('-'));
  if (sub === -1 || !subcommands.includes(words[sub]!.value)) return [];
  let i = sub + 1;
  for (; i < words.length; i++) {
    const a = words[i]!.value;
    if (a === '--') { i++; break; }
    if (!a.startsWith('-')) break;
    if (withValue.includes(a)) i++;
  }
  i += skipOperands;
  // mise exec node@20 -- cmd: tool specs come before `--`.
  const dashdash = words.findIndex((w, k) => k > sub && w.value === '--');
  if (dashdash !== -1 && dashdash >= i - skipOperands) i = dashdash + 1;
  if (i >= words.length) return [];
  return shellStringHits(ctx, rawJoin(words.slice(i)), `${command.program} ${words[sub]!.value}`, commandSpan(command));
};

const HANDLERS: Record<string, Handler> = {
  git: gitHits,
  ssh: sshHits,
  scp: sshHits,
  sftp: sshHits,
  autossh: sshHits,
  tar: tarHits,
  gtar: tarHits,
  bsdtar: tarHits,
  zip: zipHits,
  rsync: rsyncHits,
  man: manHits,
  gh: ghHits,
  sed: sedHits,
  gsed: sedHits,
  find: findHits,
  less: lessHits,
  more: lessHits,
  most: lessHits,
  vim: vimHits,
  vi: vimHits,
  nvim: vimHits,
  view: vimHits,
  vimdiff: vimHits,
  gvim: vimHits,
  ex: vimHits,
  gdb: gdbHits,
  trap: trapHits,
  enable: enableHits,
  script: scriptHits,
  tmux: tmuxHits,
  screen: screenHits,
  at: atHits,
  batch: atHits,
  'nix-shell': nixShellHits,
  parallel: parallelHits,
  taskset: (command, ctx) => (command.args.some((a) => /^-\w*p$|^--pid$/.test(a)) ? [] : argvWrapper([], 1)(command, ctx)),
  chrt: argvWrapper([], 1),
  'ssh-agent': argvWrapper(['-a', '-E', '-t', '-P']),
  'systemd-run': argvWrapper(['-u', '--unit', '-p', '--property', '-E', '--setenv', '-M', '--machine', '--slice', '--description', '--working-directory', '-H', '--host']),
  firejail: argvWrapper([]),
  bwrap: argvWrapper(['--bind', '--ro-bind', '--dev', '--proc', '--tmpfs', '--chdir', '--setenv']),
  docker: runSubcommand(['exec'], ['-e', '--env', '--env-file', '-u', '--user', '-w', '--workdir', '--detach-keys'], 1),
  podman: runSubcommand(['exec'], ['-e', '--env', '--env-file', '-u', '--user', '-w', '--workdir', '--detach-keys'], 1),
  poetry: runSubcommand(['run']),
  pipenv: runSubcommand(['run']),
  pdm: runSubcommand(['run']),
  rye: runSubcommand(['run']),
  hatch: runSubcommand(['run']),
  uv: runSubcommand(['run'], ['--with', '--python', '-p', '--project', '--directory']),
  bundle: runSubcommand(['exec']),
  mise: runSubcommand(['exec', 'x']),
  rtx: runSubcommand(['exec', 'x']),
  asdf: runSubcommand(['exec']),
  devbox: runSubcommand(['run']),
  conda: runSubcommand(['run'], ['-n', '--name', '-p', '--prefix']),
  micromamba: runSubcommand(['run'], ['-n', '--name', '-p', '--prefix']),
};

