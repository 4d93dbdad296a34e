// Secret paths read through Bash: file operands of any program, input redirections, recursive reads of directories that hold secrets, and operands that only run time fills in.

import { posix } from 'node:path';
import picomatch from 'picomatch';
import { isDynamic, type ArgWord, type EffectiveCommand } from '../bash-commands.js';
import { judgePath, physicalPath, repoRelative } from '../paths.js';
import type { Hit } from '../verdict.js';
import { commandSpan, judgeWordPath, pathsOf, SECRET_NAME_SAMPLES, spanOf, variablesAt, type BashCheck, type BashContext } from './context.js';

/** Programs that never open their operands for reading: they print text, look names up or change metadata. */
const NO_READ = new Set([
  'echo', 'printf', ':', 'true', 'false', 'test', '[', 'ls', 'dir', 'vdir', 'stat', 'du', 'df', 'touch', 'mkdir', 'rmdir', 'rm',
  'unlink', 'shred', 'chmod', 'chown', 'chgrp', 'basename', 'dirname', 'realpath', 'readlink', 'which', 'type', 'hash', 'cd', 'pushd',
  'popd', 'kill', 'sleep', 'wait', 'exit', 'return', 'shift', 'read', 'unset', 'export', 'declare', 'typeset', 'local', 'readonly',
  'set', 'shopt', 'alias', 'unalias', 'tree', 'file', 'mktemp', 'date', 'seq', 'pwd', 'whoami', 'uname', 'id', 'nproc', 'umask',
  'ulimit', 'tr', 'expr', 'let', 'getopts', 'mkfifo', 'mknod',
]);

/**
 * Wrappers: their operands are another command line, which effectiveCommands reports and this check judges on
 * its own. Only the wrapper's own file options are read (`xargs -a FILE`).
 */
const WRAPPERS = new Set([
  'env', 'command', 'builtin', 'nohup', 'coproc', 'unbuffer', 'setsid', 'exec', 'nice', 'ionice', 'time', 'stdbuf', 'timeout', 'chroot',
  'xargs', 'strace', 'ltrace', 'sudo', 'doas', 'su', 'watch', 'flock', 'direnv', 'eval', 'find',
]);

/** Long options whose value is text (a message, a pattern, an exclusion), never a file to read. */
const DATA_LONG = new Set([
  '--message', '--body', '--title', '--subject', '--description', '--notes', '--comment', '--grep', '--author', '--committer', '--format',
  '--pretty', '--regexp', '--expression', '--label', '--arg', '--argjson', '--assign', '--field-separator', '--replace', '--jq', '--template',
]);

interface Syntax {
  /** Options followed by a value word. */
  valued: readonly string[];
  /** Short options whose value is text. */
  data: readonly string[];
  /** The first operand is a pattern or program text, unless one of these options supplied it. */
  patternFirst?: readonly string[];
}

const GREP: Syntax = {
  valued: ['-e', '-f', '-m', '-A', '-B', '-C', '-d', '-D', '--regexp', '--file', '--max-count', '--context', '--after-context', '--before-context', '--include', '--exclude', '--exclude-dir', '--label', '--devices', '--directories'],
  data: ['-e'],
  patternFirst: ['-e', '-f', '--regexp', '--file'],
};
const RG: Syntax = {
  valued: ['-e', '-f', '-g', '-t', '-T', '-m', '-A', '-B', '-C', '-j', '-M', '-r', '-E', '-d', '--regexp', '--file', '--glob', '--iglob', '--type', '--type-not', '--max-count', '--context', '--after-context', '--before-context', '--threads', '--max-columns', '--replace', '--encoding', '--max-depth', '--sort', '--sortr', '--type-add', '--colors', '--engine', '--pre', '--pre-glob', '--path-separator', '--ignore-file'],
  data: ['-e', '-t', '-T', '-r', '-M', '-m', '-A', '-B', '-C', '-j', '-E'],
  patternFirst: ['-e', '-f', '--regexp', '--file'],
};
const SED: Syntax = { valued: ['-e', '-f', '-l', '--expression', '--file', '--line-length'], data: ['-e'], patternFirst: ['-e', '-f', '--expression', '--file'] };
const AWK: Syntax = { valued: ['-f', '-v', '-F', '--file', '--assign', '--field-separator'], data: ['-v', '-F'], patternFirst: ['-f', '--file'] };
const JQ: Syntax = { valued: ['-f', '-L', '--from-file', '--indent'], data: [], patternFirst: ['-f', '--from-file'] };
const GIT: Syntax = { valued: ['-m', '-F', '-S', '-G', '-C', '-c', '-n', '-L', '-U'], data: ['-m', '-S', '-G', '-c', '-n', '-L', '-U'] };
const GH: Syntax = { valued: ['-b', '-t', '-m', '-R', '-F', '-f', '-H', '-X', '-q', '-B', '-l', '-a'], data: ['-b', '-t', '-m', '-R', '-q', '-B', '-l', '-a', '-H', '-X'] };
/** Interpreters: inline code is text here; the interpreters check judges it. */
const INTERPRETER: Syntax = { valued: ['-c', '-e', '-E', '-p', '-r', '-m', '--eval', '--print', '--command'], data: ['-c', '-e', '-E', '-p', '-r', '-m'] };
const TAR: Syntax = { valued: ['-C', '--directory', '-b', '-H', '--format', '--transform', '--exclude', '-X', '--exclude-from'], data: ['-C', '-b', '-H'] };
const PLAIN: Syntax = { valued: [], data: [] };

const SYNTAX: Readonly<Record<string, Syntax>> = {
  grep: GREP, egrep: GREP, fgrep: GREP, zgrep: GREP, zegrep: GREP, zfgrep: GREP, bzgrep: GREP, xzgrep: GREP, pcregrep: GREP, ugrep: GREP,
  rg: RG, ag: RG, ack: RG,
  sed: SED, gsed: SED,
  awk: AWK, gawk: AWK, mawk: AWK, nawk: AWK,
  jq: JQ, gojq: JQ, yq: JQ,
  git: GIT, gh: GH, glab: GH, tar: TAR, bsdtar: TAR,
  python: INTERPRETER, python3: INTERPRETER, python2: INTERPRETER, node: INTERPRETER, nodejs: INTERPRETER, perl: INTERPRETER, ruby: INTERPRETER,
  php: INTERPRETER, deno: INTERPRETER, bun: INTERPRETER, lua: INTERPRETER, Rscript: INTERPRETER, pwsh: INTERPRETER, powershell: INTERPRETER,
};

/** git subcommands that name files without reading them (or are judged by the credential check). */
const GIT_NO_READ = new Set(['rm', 'check-ignore', 'ls-files', 'status', 'config', 'remote', 'branch', 'switch', 'checkout', 'tag', 'stash', 'reset', 'restore', 'clean', 'mv']);
const GIT_GLOBAL_VALUED = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path', '--config-env']);

/** Input redirections: `< file` and `<> file`. */
const READ_OPERATORS = new Set(['<', '<>']);

export const secretReads: BashCheck = {
  name: 'secret-reads',
  command(command, ctx) {
    if (command.dynamic) return [];
    return [...operandHits(command, ctx), ...findHits(command, ctx), ...xargsHits(command, ctx)];
  },
  redirect(redirect, ctx) {
    if (!READ_OPERATORS.has(redirect.operator)) return [];
    return judgeRead(ctx, redirect.target, redirect.start, `${redirect.operator} ${redirect.target.raw}`);
  },
};

/** A word the program may open, or a piece of one (`if=.env` → `.env`). */
interface Target {
  word: ArgWord;
  /** The word is a directory the program descends into (`grep -r`, `cp -r`, `tar c`). */
  recursive: boolean;
}

function operandHits(command: EffectiveCommand, ctx: BashContext): Hit[] {
  const hits: Hit[] = [];
  for (const target of readTargets(command)) {
    const label = command.program;
    const found = judgeRead(ctx, target.word, command.start, label);
    if (found.length === 0 && target.recursive) found.push(...recursiveHits(ctx, target.word, command));
    hits.push(...found);
  }
  return hits;
}

/** Every word a program may open for reading, split into the pieces that may be paths (`if=.env`, `HEAD:.env`, `@.env`). */
export function readTargets(command: EffectiveCommand): Target[] {
  const program = command.program;
  if (NO_READ.has(program)) return [];
  if (WRAPPERS.has(program)) return program === 'xargs' ? xargsFiles(command.words) : [];
  let words = command.words;
  let syntax = SYNTAX[program] ?? PLAIN;
  if (program === 'git') {
    const sub = gitSubcommand(words);
    if (sub === undefined || GIT_NO_READ.has(words[sub]!.value)) return [];
    if (words[sub]!.value === 'grep') syntax = { ...GREP, valued: [...GREP.valued, '-O', '--open-files-in-pager'] };
    words = words.slice(sub + 1);
  }
  const recursive = recursiveReader(program, words);
  const targets: Target[] = [];
  const valued = new Set(syntax.valued);
  const patternGiven = words.some((w) => syntax.patternFirst?.some((o) => w.value === o || w.value.startsWith(`${o}=`)));
  let patternPending = syntax.patternFirst !== undefined && !patternGiven;
  let options = true;
  // jq's two-value options: `--arg NAME VALUE` is text, `--rawfile NAME FILE` reads FILE.
  let skip = 0;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (skip > 0) {
      skip--;
      continue;
    }
    const value = word.value;
    if (options && value === '--') {
      options = false;
      continue;
    }
    if (options && value.startsWith('-') && value !== '-') {
      if (JQ === syntax && (value === '--arg' || value === '--argjson')) { skip = 2; continue; }
      if (JQ === syntax && (value === '--rawfile' || value === '--slurpfile')) { skip = 1; continue; }
      const eq = value.indexOf('=');
      if (value.startsWith('--')) {
        const name = eq === -1 ? value : value.slice(0, eq);
        const textValue = isDataOption(name, syntax);
        if (eq !== -1) {
          if (!textValue) targets.push({ word: piece(word, value.slice(eq + 1)), recursive: false });
        } else if (valued.has(value) || textValue) {
          if (words[i + 1] && !textValue) targets.push({ word: words[i + 1]!, recursive: false });
          i++;
        }
        continue;
      }
      // Short options: `-f FILE`, a cluster ending in one that takes a value (`-am MSG`), or a value attached (`-d@.env`).
      const letters = /^-[A-Za-z]+$/.test(value);
      const last = letters ? `-${value[value.length - 1]}` : value.slice(0, 2);
      const textValue = syntax.data.includes(last);
      if (letters && (valued.has(value) || (value.length > 2 && valued.has(last)))) {
        if (words[i + 1] && !textValue) targets.push({ word: words[i + 1]!, recursive: false });
        i++;
      } else if (!letters && value.length > 2 && !textValue) {
        targets.push({ word: piece(word, value.slice(2)), recursive: false });
      }
      continue;
    }
    if (patternPending) {
      patternPending = false;
      continue;
    }
    targets.push({ word, recursive });
  }
  if (syntax === TAR) targets.push(...tarDirectoryOperands(words, recursive));
  return targets.flatMap((target) => pieces(target.word).map((word) => ({ word, recursive: target.recursive })));
}

/** `tar czf out.tgz -C / home/agent` archives `/home/agent`: operands after `-C DIR` also judged below DIR. */
function tarDirectoryOperands(words: readonly ArgWord[], recursive: boolean): Target[] {
  const targets: Target[] = [];
  let dir: ArgWord | undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word.value === '-C' || word.value === '--directory') { dir = words[++i]; continue; }
    if (word.value.startsWith('--directory=')) { dir = piece(word, word.value.slice(12)); continue; }
    if (!dir || word.value.startsWith('-') || word.value.startsWith('/')) continue;
    const value = `${dir.value.replace(/\/$/, '')}/${word.value}`;
    targets.push({ word: { value, raw: `${dir.raw.replace(/\/$/, '')}/${word.raw}`, start: word.start, dynamic: dir.dynamic || word.dynamic }, recursive });
  }
  return targets;
}

function isDataOption(name: string, syntax: Syntax): boolean {
  if (name.startsWith('--')) return DATA_LONG.has(name) || /exclude|ignore/.test(name);
  return syntax.data.includes(name);
}

/** The index of git's subcommand, after its global options. */
function gitSubcommand(words: readonly ArgWord[]): number | undefined {
  for (let i = 0; i < words.length; i++) {
    const value = words[i]!.value;
    if (GIT_GLOBAL_VALUED.has(value)) { i++; continue; }
    if (value.startsWith('-')) continue;
    return i;
  }
  return undefined;
}

function xargsFiles(words: readonly ArgWord[]): Target[] {
  const targets: Target[] = [];
  for (let i = 0; i < words.length; i++) {
    const value = words[i]!.value;
    if ((value === '-a' || value === '--arg-file') && words[i + 1]) targets.push({ word: words[i + 1]!, recursive: false });
    else if (value.startsWith('--arg-file=')) targets.push({ word: piece(words[i]!, value.slice(11)), recursive: false });
    else if (/^-[^-]*a./.test(value)) targets.push({ word: piece(words[i]!, value.slice(value.indexOf('a') + 1)), recursive: false });
  }
  return targets;
}

/** True when the program descends into directory operands. */
function recursiveReader(program: string, words: readonly ArgWord[]): boolean {
  const flag = (short: RegExp, ...long: string[]): boolean =>
    words.some((w) => long.includes(w.value.split('=')[0]!) || (/^-[A-Za-z]+$/.test(w.value) && short.test(w.value.slice(1))));
  switch (program) {
    case 'grep': case 'egrep': case 'fgrep': case 'zgrep':
      return flag(/[rR]/, '--recursive', '--dereference-recursive') || words.some((w) => /^(-d|--directories)=?recurse$/.test(w.value));
    case 'rg': case 'ag': case 'ack': case 'ugrep': case 'rsync': case '7z': case '7za': case 'rar': case 'borg': case 'restic':
      return true;
    case 'tar': case 'bsdtar': {
      // Only creating (c), appending (r) or updating (u) reads the operands; the mode may be a bare first word (`tar czf`).
      const first = words[0]?.value ?? '';
      return flag(/[cru]/, '--create', '--append', '--update') || /^[A-Za-z]*[cru][A-Za-z]*$/.test(first);
    }
    case 'cp': case 'scp':
      return flag(/[rRa]/, '--recursive', '--archive');
    case 'zip':
      return flag(/r/, '--recurse-paths');
    case 'diff':
      return flag(/r/, '--recursive');
    default:
      return false;
  }
}

/** A word whose value is a part of another word's (`--in=.env` → `.env`), positioned inside it when possible. */
function piece(word: ArgWord, value: string): ArgWord {
  const at = word.raw.lastIndexOf(value);
  const raw = at === -1 ? value : word.raw.slice(at);
  return { value, raw, start: at === -1 ? word.start : word.start + at, dynamic: word.dynamic && isDynamic(raw) };
}

const URL_SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

/** The word itself and the parts of it a program may treat as a path: after `=`, `:` or `,`, without a leading `@`, a file: URL's path. */
function pieces(word: ArgWord): ArgWord[] {
  const scheme = URL_SCHEME.exec(word.value);
  // file://host/path and file:///path name a local file; other URLs name something remote.
  if (scheme) return scheme[1]!.toLowerCase() === 'file' ? [piece(word, word.value.slice(scheme[0].length).replace(/^[^/]*/, ''))] : [];
  const out = [word];
  if (!/[=:,@]/.test(word.value)) return out;
  for (const part of word.value.split(/[=:,]/)) {
    const bare = part.replace(/^@/, '');
    if (bare !== '' && bare !== word.value) out.push(piece(word, bare));
  }
  return out;
}

/** Judges a word a program reads: its paths, and when run time decides part of it, what it may turn into. */
function judgeRead(ctx: BashContext, word: ArgWord, at: number, label: string): Hit[] {
  // A glob whose own text already names a secret (`/proc/*/environ`) is reported as written, not through a sample name.
  const literal = word.dynamic && /[*?[]/.test(word.value) && !/[$`]/.test(word.raw) ? judgeWordPath(ctx, { ...word, dynamic: false }, at, 'Read') : [];
  const hits = (literal.length > 0 ? literal : judgeWordPath(ctx, word, at, 'Read')).map((hit) => ({ ...hit, reason: `${label}: ${hit.reason}` }));
  if (hits.length > 0 || !word.dynamic) return hits;
  return unknownHits(ctx, word, at, label);
}

const EXPANSION = /\$\{[^}]*\}|\$\((?:[^()]|\([^()]*\))*\)|`[^`]*`|\$[A-Za-z_][A-Za-z0-9_]*|\$[0-9@*#?!$-]/g;

/** Names of environment variables that usually hold a secret file's path (`CLAUDE_ENV_FILE`, `KUBECONFIG`, `GITHUB_ENV`). */
const SECRET_FILE_VARIABLE = /(?:^|_)(?:ENV|ENVFILE|DOTENV|CREDENTIALS?|CREDS|SECRETS?|KEY|KEYS|KEYFILE|TOKEN|PASSWORD|PASSWD|KUBECONFIG|NETRC|NPMRC|PGPASSFILE|DOCKER_CONFIG|IDENTITY)(?:_|$)/;

function unknownHits(ctx: BashContext, word: ArgWord, at: number, label: string): Hit[] {
  const span = spanOf(word);
  const hits: Hit[] = [];
  const known = variablesAt(ctx, at);
  // An unknown part, whatever it holds, next to text that names a secret: `/proc/$PPID/environ`, `.env.$STAGE`.
  for (const filler of ['x', '']) {
    const value = word.value.replace(EXPANSION, (m) => (/^\$\{?(HOME|PWD)\}?$/.test(m) || known.has(m.replace(/^\$\{?|\}$/g, '')) ? m : filler));
    if (value === word.value || value === filler) continue;
    const hit = judgeWordPath(ctx, { ...word, value, raw: value, dynamic: isDynamic(value) }, at, 'Read')[0];
    if (hit) return [{ ...hit, reason: `${label}: ${hit.reason}, whatever run time fills in` }];
  }
  // Substitutions inside the word: what their commands may print.
  const end = word.start + word.raw.length;
  const inner = ctx.parsed.commands.filter((c) => c.start > word.start && c.start < end);
  const named = mayNameSecret(ctx, inner);
  if (named) hits.push({ category: 'secret-access', rule: 'secret-path-unknown', reason: `${label} reads a path produced at run time by ${named}`, span });
  // Variables: assigned from a substitution in the script, or taken from the environment.
  for (const match of word.raw.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
    const name = match[1]!;
    if (name === 'HOME' || name === 'PWD') continue;
    const sources = assignedCommands(ctx, name, at);
    if (sources === undefined) {
      // Only a word that is the variable alone: `$VIRTUAL_ENV/bin/activate` names a file below it, not the variable's file.
      const whole = new RegExp(`^\\$\\{?${name}\\}?$`).test(word.value);
      if (whole && !known.has(name) && SECRET_FILE_VARIABLE.test(name)) {
        hits.push({ category: 'secret-access', rule: 'secret-path-unknown', reason: `${label} reads the file named by $${name}, which usually holds secrets`, span });
      }
      continue;
    }
    const fromSubstitution = mayNameSecret(ctx, sources);
    if (fromSubstitution) hits.push({ category: 'secret-access', rule: 'secret-path-unknown', reason: `${label} reads $${name}, a path produced at run time by ${fromSubstitution}`, span });
  }
  return hits;
}

/**
 * The commands of every substitution assigned to `name` before `at` (`F=$(…)`, `for F in $(…)`), or undefined
 * when the script never assigns it from one.
 */
function assignedCommands(ctx: BashContext, name: string, at: number): EffectiveCommand[] | undefined {
  const text = ctx.script.slice(0, at);
  const pattern = new RegExp(`(?:\\b${name}=|\\bfor\\s+${name}\\s+in\\b[^;\\n]*?)(\\$\\(|\`)`, 'g');
  let found: EffectiveCommand[] | undefined;
  for (const match of text.matchAll(pattern)) {
    const open = match.index + match[0].length - match[1]!.length;
    const close = substitutionEnd(ctx.script, open);
    found = [...(found ?? []), ...ctx.parsed.commands.filter((c) => c.start > open && c.start < close)];
  }
  return found;
}

function substitutionEnd(text: string, open: number): number {
  if (text[open] === '`') {
    const close = text.indexOf('`', open + 1);
    return close === -1 ? text.length : close;
  }
  let depth = 0;
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return text.length;
}

/** Programs that can turn any text into any other: their output, used as a path, can name anything. */
const TRANSFORMERS = new Set([
  'base64', 'base32', 'basenc', 'xxd', 'rev', 'tr', 'sed', 'gsed', 'awk', 'gawk', 'mawk', 'perl', 'python', 'python3', 'node', 'ruby', 'php',
  'openssl', 'gunzip', 'zcat', 'gzip', 'bzcat', 'xzcat', 'uudecode', 'iconv', 'dd', 'cut', 'printf',
]);
const LISTERS_OF_HIDDEN = /^-[A-Za-z]*[aA]/;

/**
 * Whether a group of commands (a substitution, the producers of a pipe) may print the name of a secret file:
 * a literal that is one, a name filter that selects one, a listing of hidden files, or a program that can
 * transform text into anything. Returns what gave it away.
 */
export function mayNameSecret(ctx: BashContext, commands: readonly EffectiveCommand[]): string | undefined {
  const samples = sampleNames(ctx);
  const filters = commands.some((c) => c.program in SYNTAX && SYNTAX[c.program]!.patternFirst === GREP.patternFirst);
  for (const command of commands) {
    const program = command.program;
    const operands = command.words.filter((w) => !w.value.startsWith('-'));
    if (program === 'echo' || program === 'printf') {
      for (const word of operands) {
        const value = program === 'printf' ? decodePrintf(word.value) : word.value;
        if (value !== word.value && /\.|\//.test(value) && judgeWordPath(ctx, { ...word, value, raw: value, dynamic: false }, command.start, 'Read').length > 0) return `${program} ${word.raw}`;
        if (judgeWordPath(ctx, word, command.start, 'Read').length > 0) return `${program} ${word.raw}`;
      }
      if (program === 'printf' && operands.some((w) => /\\[0-7x]|%b/.test(w.value))) return `printf escapes`;
      continue;
    }
    if (TRANSFORMERS.has(program)) return `${program}, which can print any name`;
    if (program === 'find') {
      const candidate = findCandidates(ctx, command).find((path) => judgePath(ctx.policy, { tool: 'Read', path, cwd: ctx.cwd, home: ctx.home }, ctx.fs).decision !== 'allow');
      if (candidate) return `find, which can list ${candidate}`;
      continue;
    }
    if ((program === 'ls' || program === 'dir') && !filters && command.words.some((w) => LISTERS_OF_HIDDEN.test(w.value))) return `${program} -a, which lists hidden files such as .env`;
    const syntax = SYNTAX[program];
    if (syntax?.patternFirst) {
      const pattern = patternOf(command.words, syntax);
      if (pattern !== undefined && samples.some((name) => regexMatches(pattern, name))) return `${program} ${JSON.stringify(pattern)}, which selects secret names`;
      continue;
    }
    for (const word of operands) {
      if (/[*?[]/.test(word.value) && samples.some((name) => picomatch.isMatch(name, posix.basename(word.value), { dot: true }))) return `${program} ${word.raw}`;
    }
  }
  return undefined;
}

function patternOf(words: readonly ArgWord[], syntax: Syntax): string | undefined {
  for (let i = 0; i < words.length; i++) {
    const value = words[i]!.value;
    if (value === '-e' || value === '--regexp') return words[i + 1]?.value;
    if (value.startsWith('--regexp=')) return value.slice(9);
    if (value.startsWith('-') && syntax.valued.includes(value)) { i++; continue; }
    if (!value.startsWith('-')) return value;
  }
  return undefined;
}

function regexMatches(pattern: string, name: string): boolean {
  try {
    return new RegExp(pattern.replace(/\\([<>])/g, '\\b'), 'i').test(name);
  } catch {
    return name.includes(pattern);
  }
}

function decodePrintf(value: string): string {
  return value
    .replace(/\\x([0-9a-fA-F]{1,2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/\\0?([0-7]{1,3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)))
    .replace(/\\n$/, '');
}

/** Names a secret file may have: the well-known samples and one name per secret pattern that matches a file name. */
function sampleNames(ctx: BashContext): string[] {
  const names = new Set(SECRET_NAME_SAMPLES);
  for (const pattern of ctx.policy.secretPaths) {
    const last = pattern.replace(/\/\*\*$|\/$/, '').split('/').pop() ?? '';
    if (last === '' || last === '**') continue;
    names.add(last.replace(/\*/g, 'x'));
    names.add(last.replace(/\*/g, ''));
  }
  return [...names].filter((name) => name !== '' && !/[?[\]{}\\]/.test(name));
}

/** Absolute secret patterns as the literal directory or file they start from (`~/.ssh/**` → `/home/agent/.ssh`). */
function secretRoots(ctx: BashContext): Array<{ root: string; pattern: string }> {
  const roots: Array<{ root: string; pattern: string }> = [];
  for (const pattern of ctx.policy.secretPaths) {
    let absolute: string;
    if (pattern === '~' || pattern.startsWith('~/')) absolute = ctx.home + pattern.slice(1);
    else if (pattern.startsWith('/')) absolute = pattern;
    else continue;
    const parts = absolute.split('/').filter(Boolean);
    const literal = parts.findIndex((part) => /[*?[{]/.test(part));
    roots.push({ root: `/${(literal === -1 ? parts : parts.slice(0, literal)).join('/')}`, pattern });
  }
  return roots;
}

/**
 * `grep -r x ~`, `tar c ~/.config`: a directory outside the repository that holds secret files. Inside the
 * repository a recursive read is left alone: refusing `grep -r TODO .` in every checkout with a `.env` would
 * stop ordinary work.
 */
function recursiveHits(ctx: BashContext, word: ArgWord, command: EffectiveCommand): Hit[] {
  for (const path of pathsOf(ctx, word, command.start).paths) {
    for (const dir of new Set([path, physicalPath(path, ctx.fs)])) {
      if (repoRelative(ctx.policy.repoRoot, dir, ctx.fs) !== undefined) continue;
      const held = secretRoots(ctx).find(({ root }) => dir === '/' || root === dir || root.startsWith(`${dir}/`));
      if (held) {
        return [{ category: 'secret-access', rule: 'secret-directory-read', reason: `${command.program} reads ${dir} recursively, which holds secret paths (${held.pattern})`, span: spanOf(word) }];
      }
    }
  }
  return [];
}

const FIND_ACTIONS = new Set(['-exec', '-execdir', '-ok', '-okdir']);
const FIND_NAME_TESTS = new Set(['-name', '-iname', '-lname', '-ilname']);

/** `find DIR -name '*.pem' -exec cat {} +` and `find … | xargs cat`: the files find selects are read. */
function findHits(command: EffectiveCommand, ctx: BashContext): Hit[] {
  if (command.program !== 'find') return [];
  const words = command.words;
  let reader: string | undefined;
  for (let i = 0; i < words.length; i++) {
    if (FIND_ACTIONS.has(words[i]!.value) && words[i + 1] && !NO_READ.has(posix.basename(words[i + 1]!.value))) reader = words[i + 1]!.value;
  }
  reader ??= pipedReader(ctx, command);
  if (!reader) return [];
  for (const path of findCandidates(ctx, command)) {
    const judgement = judgePath(ctx.policy, { tool: 'Read', path, cwd: ctx.cwd, home: ctx.home }, ctx.fs);
    if (judgement.decision === 'allow' || !judgement.category) continue;
    return [{ category: judgement.category, rule: 'secret-path', reason: `find hands ${reader} the files it selects, such as ${path}: ${judgement.reason}`, span: commandSpan(command) }];
  }
  return [];
}

/** The reading program that find's output is piped into through xargs, if any. */
function pipedReader(ctx: BashContext, command: EffectiveCommand): string | undefined {
  const after = ctx.parsed.commands.filter((c) => c.start > command.start);
  for (const next of after) {
    const between = ctx.script.slice(command.start, next.start);
    if (!samePipeline(between)) return undefined;
    if (!between.includes('|')) continue;
    if (next.via[next.via.length - 1] === 'xargs' && !NO_READ.has(next.program)) return next.program;
  }
  return undefined;
}

/** Nothing but pipes (and words) between two commands: no `;`, `&&`, `||` or newline. */
function samePipeline(between: string): boolean {
  return !/;|&&|\|\||\n/.test(between.replace(/'[^']*'|"[^"]*"/g, ''));
}

/** `echo .env | xargs cat`: the names xargs reads from the pipe become the reader's operands. */
function xargsHits(command: EffectiveCommand, ctx: BashContext): Hit[] {
  const end = commandSpan(command).end;
  const inner = ctx.parsed.commands.find((c) => c.start > command.start && c.start < end && c.via[c.via.length - 1] === 'xargs');
  if (command.program !== 'xargs' || !inner || NO_READ.has(inner.program) || inner.program === 'find') return [];
  const producers = ctx.parsed.commands.filter((c) => c.start < command.start && samePipeline(ctx.script.slice(c.start, command.start)) && ctx.script.slice(c.start, command.start).includes('|'));
  const named = mayNameSecret(ctx, producers);
  return named ? [{ category: 'secret-access', rule: 'secret-path-unknown', reason: `xargs ${inner.program} reads the names piped into it by ${named}`, span: commandSpan(command) }] : [];
}

/**
 * Sample paths find may select: below each starting point, the secret roots it contains, and when a name
 * test is given, the secret-like names that pass it. Without a name test, a starting point inside the
 * repository yields nothing (see recursiveHits).
 */
function findCandidates(ctx: BashContext, command: EffectiveCommand): string[] {
  const words = command.words;
  const starts: ArgWord[] = [];
  let i = 0;
  while (i < words.length && /^-[HLP]$/.test(words[i]!.value)) i++;
  for (; i < words.length && !/^[-(!)]/.test(words[i]!.value); i++) starts.push(words[i]!);
  const names: Array<{ glob: string; nocase: boolean }> = [];
  for (let j = 0; j < words.length - 1; j++) {
    const test = words[j]!.value;
    if (FIND_NAME_TESTS.has(test)) names.push({ glob: words[j + 1]!.value, nocase: test.startsWith('-i') });
  }
  const passes = (path: string): boolean => names.length === 0 || names.some(({ glob, nocase }) => picomatch.isMatch(posix.basename(path), glob, { dot: true, nocase }));
  const samples = sampleNames(ctx);
  const roots = secretRoots(ctx);
  const out: string[] = [];
  const dirs = starts.length > 0 ? starts.flatMap((w) => pathsOf(ctx, w, command.start).paths) : [ctx.cwd];
  for (const dir of dirs) {
    const inside = repoRelative(ctx.policy.repoRoot, dir, ctx.fs) !== undefined;
    if (!inside) {
      for (const { root } of roots) {
        if (dir !== '/' && root !== dir && !root.startsWith(`${dir}/`)) continue;
        for (const name of ['', ...samples]) {
          const path = name === '' ? root : `${root}/${name}`;
          if (passes(path)) out.push(path);
        }
      }
    }
    if (names.length === 0) continue;
    for (const name of samples) if (passes(name)) out.push(`${dir}/${name}`, `${dir}/sub/${name}`);
    // Secrets known by a directory and a name (`**/.kube/config`, `.git/config`) below the starting point.
    for (const pattern of ctx.policy.secretPaths) {
      if (!pattern.includes('/') || pattern.startsWith('/') || pattern.startsWith('~')) continue;
      const path = `${dir}/${pattern.replace(/^\*\*\//, '').replace(/\/\*\*$|\/$/, '/x').replace(/\*/g, 'x')}`;
      if (passes(path)) out.push(path);
    }
  }
  return out;
}
