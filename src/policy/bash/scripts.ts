// Script files a command runs (`bash x.sh`, `./x.sh`, `source`, `python3 x.py`, `npm run`, `make`): their content is judged like the command itself.

import { posix } from 'node:path';
import type { ArgWord, EffectiveCommand } from '../bash-commands.js';
import type { Hit, Span } from '../verdict.js';
import { clip, codeHits, invocationOf, languageOf, languageOfFile, readsPipe, shebangProgram, stdinTextOf, wordText, type Language } from './interpreters.js';
import { commandSpan, cwdsAt, pathsOf, type BashCheck, type BashContext } from './context.js';

/** Larger files are not read; a script this big is denied rather than judged in part. */
const MAX_SCRIPT_BYTES = 512 * 1024;
const SHELLS = new Set(['bash', 'sh', 'zsh', 'dash', 'ksh', 'mksh', 'ash']);

/** How a file's content is judged: as shell, as code of a language, or by its `#!` line. */
type Reader = 'shell' | 'auto' | Language;

export const scriptFiles: BashCheck = {
  name: 'script-file',
  command(command, ctx) {
    if (command.dynamic) return [];
    const program = command.program;
    if (SHELLS.has(program)) return shellScriptHits(command, ctx);
    if (program === 'source') return sourceHits(command, ctx);
    if (program === 'npm' || program === 'yarn' || program === 'pnpm' || program === 'bun') {
      const hits = packageScriptHits(command, ctx);
      if (program !== 'bun') return hits;
      return [...hits, ...interpreterFileHits(command, ctx)];
    }
    if (program === 'make' || program === 'gmake') return makeHits(command, ctx);
    if (languageOf(program)) return interpreterFileHits(command, ctx);
    if (command.path.includes('/')) {
      const word: ArgWord = { value: command.path, raw: command.path, start: command.start, dynamic: false };
      return fileHits(ctx, word, 'auto', command.start, commandSpan(command));
    }
    return [];
  },
};

/** `bash [options] FILE`: not with `-c`/`-s` (the engine unwraps those) and not with `-n`, which only checks syntax. */
function shellScriptHits(command: EffectiveCommand, ctx: BashContext): Hit[] {
  const words = command.words;
  let i = 0;
  for (; i < words.length; i++) {
    const a = words[i]!.value;
    if (a === '--') { i++; break; }
    if (['-o', '+o', '-O', '+O', '--rcfile', '--init-file'].includes(a)) { i++; continue; }
    if (/^-[A-Za-z]+$/.test(a)) {
      if (/[cs]/.test(a)) return [];
      if (a.includes('n')) return [];
      continue;
    }
    if (a === '--noexec') return [];
    if (a.startsWith('--') || /^\+[A-Za-z]+$/.test(a)) continue;
    break;
  }
  const file = words[i];
  if (!file) return [];
  return scriptWordHits(command, ctx, file, 'shell');
}

function sourceHits(command: EffectiveCommand, ctx: BashContext): Hit[] {
  const file = command.words[0];
  if (!file) return [];
  return scriptWordHits(command, ctx, file, 'shell');
}

/** A script operand: process substitution and standard input are run-time content; a file is read. */
function scriptWordHits(command: EffectiveCommand, ctx: BashContext, file: ArgWord, reader: Reader): Hit[] {
  const span = commandSpan(command);
  if (/^[<>]\(|^"?\$\(|`/.test(file.raw)) {
    return [{ category: 'arbitrary-code', rule: 'script-run-time', reason: `${command.program} runs a script that only exists at run time (${clip(file.raw)})`, span }];
  }
  if (file.value === '/dev/stdin' || file.value === '-' || /^\/dev\/fd\/\d+$|^\/proc\/self\/fd\//.test(file.value)) {
    const stdin = stdinTextOf(ctx, command);
    if (stdin !== undefined) return judgeContent(ctx, stdin, reader, file.value, `${command.program} ${file.value}`, span);
    if (readsPipe(ctx, command)) return [{ category: 'arbitrary-code', rule: 'script-run-time', reason: `${command.program} runs whatever is piped into it`, span }];
    return [];
  }
  return fileHits(ctx, file, reader, command.start, span);
}

/** The script file an interpreter runs, the local files it preloads (`node -r ./x.cjs`), and a repository module run with `python -m`. */
function interpreterFileHits(command: EffectiveCommand, ctx: BashContext): Hit[] {
  const invocation = invocationOf(command);
  if (!invocation || invocation.inert) return [];
  const span = commandSpan(command);
  const hits: Hit[] = [];
  const anchor = command.words[0] ?? { value: '', raw: '', start: command.start, dynamic: false };
  for (const module of invocation.modules) {
    if (invocation.language === 'js' && /^(\.|\/|~)/.test(module)) {
      hits.push(...fileHits(ctx, { ...anchor, value: module, raw: module, dynamic: false }, 'js', command.start, span));
    }
    if (invocation.language === 'python' && /^[A-Za-z_][\w.]*$/.test(module)) {
      const base = module.replace(/\./g, '/');
      for (const candidate of [`${base}.py`, `${base}/__main__.py`]) hits.push(...fileHits(ctx, { ...anchor, value: candidate, raw: candidate, dynamic: false }, 'python', command.start, span));
    }
  }
  const file = invocation.file;
  if (!file || /^(https?|ftp|jsr|npm):/.test(file.value) || /^[<>]\(|^"?\$\(|`/.test(file.raw)) return hits; // interpreters.ts reports those
  return [...hits, ...fileHits(ctx, file, invocation.language, command.start, span)];
}

/** Reads every file a word may name: content written earlier in the same command first, then the file system. */
function fileHits(ctx: BashContext, word: ArgWord, reader: Reader, at: number, span: Span): Hit[] {
  const hits: Hit[] = [];
  for (const path of pathsOf(ctx, word, at).paths) {
    const label = displayPath(ctx, path);
    const written = writtenEarlier(ctx, path, at);
    for (const write of written) {
      if (write.content === undefined) {
        hits.push({ category: 'arbitrary-code', rule: 'script-unknown-content', reason: `${label} is written earlier in the command by ${write.writer}, and what it will contain cannot be judged`, span });
      } else hits.push(...judgeContent(ctx, write.content, reader, path, `${label} (written by ${write.writer})`, span));
    }
    if (written.length > 0 && !written.some((w) => w.append)) continue;
    hits.push(...diskFileHits(ctx, path, reader, label, span));
  }
  return hits;
}

function diskFileHits(ctx: BashContext, path: string, reader: Reader, label: string, span: Span): Hit[] {
  const text = ctx.fs.readText(path, MAX_SCRIPT_BYTES);
  if (text !== undefined) return judgeContent(ctx, text, reader, path, label, span);
  const kind = ctx.fs.kind(path);
  if (kind === 'file' || kind === 'symlink') {
    return [{ category: 'arbitrary-code', rule: 'script-unreadable', reason: `${label} exists but is too large or unreadable to judge`, span }];
  }
  return [];
}

function judgeContent(ctx: BashContext, text: string, reader: Reader, path: string, label: string, span: Span): Hit[] {
  const language = reader === 'auto' ? languageOfFile(path, text) : reader === 'shell' ? undefined : reader;
  if (language) return codeHits(ctx, text, language, span, label);
  // A `#!` line naming a program we cannot read (awk, a compiled tool) leaves the content unknown.
  const interpreter = reader === 'auto' ? shebangProgram(text) : undefined;
  if (interpreter !== undefined && !SHELLS.has(interpreter)) return [];
  return ctx.judgeNested(text, label, span);
}

function displayPath(ctx: BashContext, path: string): string {
  return path.startsWith(`${ctx.cwd}/`) ? path.slice(ctx.cwd.length + 1) : path;
}

// ---- files written earlier in the same command ---------------------------------------------------

interface EarlierWrite {
  writer: string;
  content: string | undefined;
  append: boolean;
}

/** Redirections (`> x.sh`, `>> x.sh`) and `tee x.sh` before `at` that write `path`, with the text they write when it is known. */
export function writtenEarlier(ctx: BashContext, path: string, at: number): EarlierWrite[] {
  const out: EarlierWrite[] = [];
  for (const redirect of ctx.parsed.redirects) {
    if (redirect.start >= at || !/^(>|>>|>\||&>|&>>)$/.test(redirect.operator) || (redirect.fd !== undefined && redirect.fd !== 1)) continue;
    if (!pathsOf(ctx, redirect.target, redirect.start).paths.includes(path)) continue;
    const writer = lastCommandBefore(ctx, redirect.start);
    out.push({ writer: writer?.program ?? 'a redirection', content: writer ? outputOf(ctx, writer) : '', append: redirect.operator.endsWith('>>') });
  }
  for (const command of ctx.parsed.commands) {
    if (command.start >= at || command.program !== 'tee') continue;
    const targets = command.words.filter((w) => !w.value.startsWith('-'));
    if (!targets.some((w) => pathsOf(ctx, w, command.start).paths.includes(path))) continue;
    const content = command.stdinText ?? (readsPipe(ctx, command) ? pipedOutput(ctx, command) : '');
    out.push({ writer: 'tee', content, append: command.args.includes('-a') || command.args.includes('--append') });
  }
  return out;
}

function lastCommandBefore(ctx: BashContext, offset: number): EffectiveCommand | undefined {
  let found: EffectiveCommand | undefined;
  for (const command of ctx.parsed.commands) if (command.start < offset) found = command;
  return found;
}

function pipedOutput(ctx: BashContext, command: EffectiveCommand): string | undefined {
  const writer = lastCommandBefore(ctx, command.start);
  return writer ? outputOf(ctx, writer) : undefined;
}

/** What echo, printf and cat print; undefined for any other program. */
function outputOf(ctx: BashContext, command: EffectiveCommand): string | undefined {
  if (command.dynamic) return undefined;
  if (command.words.some((w) => w.dynamic && /[$`]/.test(w.raw.replace(/'[^']*'/g, '')))) return undefined;
  const args = command.args;
  switch (command.program) {
    case 'echo': {
      let i = 0;
      let escapes = false;
      for (; i < args.length && /^-[neE]+$/.test(args[i]!); i++) if (args[i]!.includes('e')) escapes = true;
      const text = args.slice(i).join(' ');
      return escapes ? unescapeEcho(text) : text;
    }
    case 'printf': {
      if (args[0] === '-v') return '';
      return formatPrintf(args[0] === '--' ? args.slice(1) : args);
    }
    case 'cat': {
      const files = command.words.filter((w) => !w.value.startsWith('-') || w.value === '-');
      if (files.length === 0) return command.stdinText;
      let text = '';
      for (const file of files) {
        const content = pathsOf(ctx, file, command.start).paths.map((p) => ctx.fs.readText(p, MAX_SCRIPT_BYTES)).find((t) => t !== undefined);
        if (content === undefined) return undefined;
        text += content;
      }
      return text;
    }
    default:
      return undefined;
  }
}

function unescapeEcho(text: string): string {
  return text.replace(/\\(x[0-9a-fA-F]{1,2}|0[0-7]{0,3}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ n: '\n', t: '\t', r: '\r', a: '', b: '', e: '\x1b', f: '\f', v: '\v', '\\': '\\' } as Record<string, string>)[e] ?? `\\${e}`;
  });
}

/** printf FORMAT ARGS…: escapes decoded, `%s`/`%b`/`%d` filled, the format reused while arguments remain. */
export function formatPrintf(args: readonly string[]): string {
  const [format = '', ...values] = args;
  let out = '';
  let next = 0;
  do {
    out += unescapeEcho(format).replace(/%(%|[-+ #0-9.]*[sbdiouxXcqfeEgG])/g, (spec: string) => {
      if (spec === '%%') return '%';
      const value = values[next++] ?? '';
      return spec.endsWith('b') ? unescapeEcho(value) : value;
    });
  } while (next > 0 && next < values.length);
  return out;
}

// ---- npm, yarn, pnpm and bun scripts -----------------------------------------------------------

const NPM_SCRIPT_ALIASES: Record<string, string> = { test: 'test', t: 'test', tst: 'test', start: 'start', stop: 'stop', restart: 'restart' };
const YARN_BUILTINS = new Set([
  'add', 'audit', 'autoclean', 'bin', 'cache', 'check', 'config', 'constraints', 'create', 'dedupe', 'dlx', 'exec', 'explain', 'generate-lock-entry', 'global', 'help',
  'import', 'info', 'init', 'install', 'licenses', 'link', 'list', 'login', 'logout', 'node', 'npm', 'outdated', 'owner', 'pack', 'patch', 'patch-commit', 'plugin',
  'policies', 'publish', 'rebuild', 'remove', 'search', 'set', 'stage', 'tag', 'team', 'unlink', 'unplug', 'up', 'upgrade', 'upgrade-interactive', 'version',
  'versions', 'why', 'workspace', 'workspaces',
]);

/** The package.json script a runner command starts, if any. */
function scriptNameOf(command: EffectiveCommand): string | undefined {
  const operands = command.args.filter((a) => !a.startsWith('-'));
  const first = operands[0];
  if (!first) return undefined;
  if (first === 'run' || first === 'run-script' || first === 'rum' || first === 'urn') return operands[1];
  if (command.program === 'bun') return undefined;
  if (NPM_SCRIPT_ALIASES[first]) return NPM_SCRIPT_ALIASES[first];
  if (command.program === 'npm') return undefined;
  if (command.program === 'yarn' && YARN_BUILTINS.has(first)) return undefined;
  return first;
}

function packageScriptHits(command: EffectiveCommand, ctx: BashContext): Hit[] {
  const name = scriptNameOf(command);
  if (!name) return [];
  const span = commandSpan(command);
  const hits: Hit[] = [];
  for (const pkg of packageJsons(ctx, command.start)) {
    const scripts = pkg.scripts;
    if (!scripts) {
      if (name === 'env' && command.program !== 'bun') hits.push(envScriptHit(command, span));
      continue;
    }
    const names = name === 'restart' && !scripts.restart ? ['prestop', 'stop', 'poststop', 'prestart', 'start', 'poststart'] : [`pre${name}`, name, `post${name}`];
    if (name === 'env' && scripts.env === undefined && command.program !== 'bun') hits.push(envScriptHit(command, span));
    for (const script of names) {
      const text = scripts[script];
      if (typeof text === 'string') hits.push(...ctx.judgeNested(text, `${pkg.label} script "${script}"`, span));
    }
  }
  return hits;
}

function envScriptHit(command: EffectiveCommand, span: Span): Hit {
  return { category: 'secret-access', rule: 'script-env-dump', reason: `${command.program} run env prints the whole environment, where the API keys are`, span };
}

/** The nearest package.json above each directory the command may run in. */
function packageJsons(ctx: BashContext, at: number): Array<{ label: string; scripts: Record<string, unknown> | undefined }> {
  const found: Array<{ label: string; scripts: Record<string, unknown> | undefined }> = [];
  const seen = new Set<string>();
  for (const cwd of cwdsAt(ctx, at)) {
    for (let dir = cwd; ; dir = posix.dirname(dir)) {
      const path = posix.join(dir, 'package.json');
      const text = ctx.fs.readText(path, MAX_SCRIPT_BYTES);
      if (text !== undefined) {
        if (!seen.has(path)) {
          seen.add(path);
          found.push({ label: displayPath(ctx, path), scripts: scriptsOf(text) });
        }
        break;
      }
      if (dir === '/') break;
    }
  }
  return found;
}

function scriptsOf(text: string): Record<string, unknown> | undefined {
  try {
    const json: unknown = JSON.parse(text);
    const scripts = (json as { scripts?: unknown } | null)?.scripts;
    return scripts && typeof scripts === 'object' ? (scripts as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

// ---- make --------------------------------------------------------------------------------------

interface MakeArgs {
  files: ArgWord[];
  dir: string | undefined;
  evals: string[];
  targets: string[];
  overrides: Map<string, string>;
  dryRun: boolean;
}

function makeArgsOf(command: EffectiveCommand): MakeArgs {
  const out: MakeArgs = { files: [], dir: undefined, evals: [], targets: [], overrides: new Map(), dryRun: false };
  const words = command.words;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const a = wordText(word);
    const value = (long: string[], short: string): string | undefined => {
      for (const name of long) if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
      if (a === short || long.includes(a)) return words[i + 1] ? wordText(words[++i]!) : undefined;
      if (a.startsWith(short) && a.length > 2 && !a.startsWith('--')) return a.slice(2);
      return undefined;
    };
    if (a === '-f' || a.startsWith('--file') || a.startsWith('--makefile') || /^-f./.test(a)) {
      const file = value(['--file', '--makefile'], '-f');
      const source = a === '-f' || a === '--file' || a === '--makefile' ? words[i] : word;
      if (file !== undefined && source) out.files.push({ ...source, value: file });
      continue;
    }
    if (a === '-C' || a.startsWith('--directory') || /^-C./.test(a)) { out.dir = value(['--directory'], '-C'); continue; }
    if (a === '-E' || a.startsWith('--eval')) { const text = value(['--eval'], '-E'); if (text !== undefined) out.evals.push(text); continue; }
    if (['-o', '-W', '-I', '-l', '--old-file', '--what-if', '--include-dir', '--load-average'].includes(a)) { i++; continue; }
    if (a === '-j' || a === '--jobs') { if (/^\d+$/.test(words[i + 1]?.value ?? '')) i++; continue; }
    if (/^-[a-zA-Z]*n[a-zA-Z]*$/.test(a) && !a.startsWith('--') || a === '--dry-run' || a === '--just-print' || a === '--recon' || a === '-q' || a === '--question') out.dryRun = true;
    if (a.startsWith('-')) continue;
    const assignment = /^([A-Za-z_.][\w.-]*)\s*[:+?]?=(.*)$/s.exec(a);
    if (assignment) out.overrides.set(assignment[1]!, assignment[2]!);
    else out.targets.push(a);
  }
  return out;
}

function makeHits(command: EffectiveCommand, ctx: BashContext): Hit[] {
  const args = makeArgsOf(command);
  const span = commandSpan(command);
  const hits: Hit[] = [];
  const texts: Array<{ text: string; label: string; dir: string }> = [];
  for (const cwd of cwdsAt(ctx, command.start)) {
    const dir = args.dir ? posix.resolve(cwd, args.dir) : cwd;
    const sources = args.files.length > 0 ? args.files : undefined;
    if (!sources) {
      const name = ['GNUmakefile', 'makefile', 'Makefile'].find((n) => ctx.fs.kind(posix.join(dir, n)) !== undefined || writtenEarlier(ctx, posix.join(dir, n), command.start).length > 0);
      if (name) texts.push(...makefileTexts(ctx, posix.join(dir, name), command.start, span, hits).map((text) => ({ text, label: displayPath(ctx, posix.join(dir, name)), dir })));
      continue;
    }
    for (const file of sources) {
      if (file.value === '-' || file.value === '/dev/stdin') {
        const stdin = stdinTextOf(ctx, command);
        if (stdin !== undefined) texts.push({ text: stdin, label: 'make -f -', dir });
        else if (readsPipe(ctx, command)) hits.push({ category: 'arbitrary-code', rule: 'script-run-time', reason: 'make reads a makefile piped into it', span });
        continue;
      }
      if (/^[<>]\(|\$\(|`/.test(file.raw)) {
        hits.push({ category: 'arbitrary-code', rule: 'script-run-time', reason: `make reads a makefile that only exists at run time (${clip(file.raw)})`, span });
        continue;
      }
      const path = posix.resolve(dir, file.value);
      texts.push(...makefileTexts(ctx, path, command.start, span, hits).map((text) => ({ text, label: displayPath(ctx, path), dir })));
    }
  }
  const evalText = args.evals.join('\n');
  if (texts.length === 0 && evalText) texts.push({ text: '', label: 'make --eval', dir: ctx.cwd });
  for (const { text, label } of texts) {
    hits.push(...makefileHits(ctx, evalText ? `${evalText}\n${text}` : text, args, label, span));
  }
  const shell = args.overrides.get('SHELL') ?? args.overrides.get('.SHELLFLAGS');
  if (shell !== undefined) hits.push(...ctx.judgeNested(shell, 'make SHELL=', span));
  return hits;
}

function makefileTexts(ctx: BashContext, path: string, at: number, span: Span, hits: Hit[]): string[] {
  const written = writtenEarlier(ctx, path, at);
  const texts: string[] = [];
  for (const write of written) {
    if (write.content === undefined) hits.push({ category: 'arbitrary-code', rule: 'script-unknown-content', reason: `${displayPath(ctx, path)} is written earlier in the command by ${write.writer}, and what it will contain cannot be judged`, span });
    else texts.push(write.content);
  }
  if (written.length > 0 && !written.some((w) => w.append)) return texts;
  const text = ctx.fs.readText(path, MAX_SCRIPT_BYTES);
  if (text !== undefined) texts.push(text);
  else if (ctx.fs.kind(path) === 'file') hits.push({ category: 'arbitrary-code', rule: 'script-unreadable', reason: `${displayPath(ctx, path)} exists but is too large or unreadable to judge`, span });
  return texts;
}

interface MakeRule {
  prerequisites: string[];
  recipe: string[];
}

/** A small makefile reader: variables, explicit rules with their recipes, `$(shell …)` and `!=`. */
export function parseMakefile(text: string): { variables: Map<string, string>; rules: Map<string, MakeRule>; defaultTarget: string | undefined; shell: string[] } {
  const variables = new Map<string, string>([['MAKE', 'make'], ['CC', 'cc'], ['CXX', 'g++'], ['RM', 'rm -f'], ['SHELL', '/bin/sh']]);
  const rules = new Map<string, MakeRule>();
  const shell: string[] = [];
  let defaultTarget: string | undefined;
  let current: MakeRule[] = [];
  const lines = text.replace(/\\\n(?!\t)/g, ' ').split('\n');
  for (const line of lines) {
    for (const match of line.matchAll(/\$[({]shell\s+([^)}]*)[)}]/g)) shell.push(match[1]!);
    if (line.startsWith('\t')) {
      for (const rule of current) rule.recipe.push(line.slice(1));
      continue;
    }
    if (/^\s*(#|$)/.test(line) || line.length > 4000) continue;
    const variable = /^\s*(?:override\s+|export\s+)?([A-Za-z_.][\w.-]*)\s*(:{1,3}=|\?=|\+=|!=|=)\s*(.*)$/.exec(line);
    if (variable) {
      const [, name, op, value] = variable as unknown as [string, string, string, string];
      if (op === '!=') shell.push(value);
      else if (op === '+=') variables.set(name, `${variables.get(name) ?? ''} ${value}`.trim());
      else if (op !== '?=' || !variables.has(name)) variables.set(name, value);
      current = [];
      continue;
    }
    const rule = /^([^:#=\t][^:#=]*?)\s*::?\s*(?!=)([^;#]*)(?:;(.*))?$/.exec(line);
    if (!rule) { current = []; continue; }
    const targets = rule[1]!.trim().split(/\s+/);
    const prerequisites = rule[2]!.replace('|', ' ').trim().split(/\s+/).filter(Boolean);
    current = targets.map((target) => {
      const existing = rules.get(target) ?? { prerequisites: [], recipe: [] };
      existing.prerequisites.push(...prerequisites);
      if (rule[3]?.trim()) existing.recipe.push(rule[3].trim());
      rules.set(target, existing);
      return existing;
    });
    if (defaultTarget === undefined) defaultTarget = targets.find((t) => !t.startsWith('.') && !t.includes('%'));
  }
  return { variables, rules, defaultTarget, shell };
}

function makefileHits(ctx: BashContext, text: string, args: MakeArgs, label: string, span: Span): Hit[] {
  const makefile = parseMakefile(text);
  const variables = new Map([...makefile.variables, ...args.overrides]);
  const hits: Hit[] = [];
  for (const command of makefile.shell) hits.push(...ctx.judgeNested(expandMake(command, variables, '', []), `${label} $(shell …)`, span));
  if (args.dryRun) return hits;
  const wanted = args.targets.length > 0 ? args.targets : makefile.defaultTarget ? [makefile.defaultTarget] : [];
  const visited = new Set<string>();
  const queue = [...wanted];
  while (queue.length > 0 && visited.size < 200) {
    const target = queue.shift()!;
    if (visited.has(target)) continue;
    visited.add(target);
    const rule = makefile.rules.get(target);
    if (!rule) continue;
    queue.push(...rule.prerequisites.map((p) => expandMake(p, variables, target, [])).flatMap((p) => p.split(/\s+/)).filter(Boolean));
    if (rule.recipe.length === 0) continue;
    const recipe = rule.recipe.map((line) => expandMake(line.replace(/^[\s@+-]+/, ''), variables, target, rule.prerequisites)).join('\n');
    hits.push(...ctx.judgeNested(recipe, `${label} target ${target}`, span));
  }
  return hits;
}

/** Expands make variables in a recipe line; `$(shell …)` and other functions become empty, `$$` becomes `$`. */
function expandMake(text: string, variables: ReadonlyMap<string, string>, target: string, prerequisites: string[], depth = 0): string {
  if (depth > 8 || text.length > 100_000) return text;
  return text.replace(/\$(\$|[@<^?*+|%]|\(([^()]*)\)|\{([^{}]*)\})/g, (whole, simple: string, paren?: string, brace?: string) => {
    if (simple === '$') return '$';
    if (simple === '@') return target;
    if (simple === '<') return prerequisites[0] ?? '';
    if (simple === '^' || simple === '+' || simple === '?') return prerequisites.join(' ');
    const inner = paren ?? brace;
    if (inner === undefined) return '';
    if (/^\w+\s/.test(inner)) return '';
    const name = inner.replace(/^[@<^*](D|F)$/, '');
    if (/^(@|<)[DF]$/.test(inner)) return inner.startsWith('@') ? target : (prerequisites[0] ?? '');
    const value = variables.get(name);
    return value === undefined ? '' : expandMake(value, variables, target, prerequisites, depth + 1);
  });
}
