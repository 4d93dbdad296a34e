// Lists every program a Bash string would really run, with wrappers, `-c` strings, eval, here-docs and piped shells unwrapped; it judges nothing.

import { commandBaseName, parseShell, type ShellCommand } from '../parse/shell.js';

export interface EffectiveCommand {
  /** Basename with quotes and escapes removed (`c''url` → `curl`); for npx-style runners, the package name. */
  program: string;
  /** The command word as written after unquoting (`/usr/bin/curl`). */
  path: string;
  args: string[];
  /**
   * Wrappers and shells this command came through, outermost first (`['sudo', 'bash -c']`).
   * Wrappers are reported as commands of their own as well, so `sudo` can be judged as privilege.
   * A shell that reads its script from a pipe carries `'stdin'` last.
   */
  via: string[];
  /** The program cannot be known before run time: a variable, substitution, glob or brace in the name, or a shell reading a pipe. */
  dynamic: boolean;
  /** Offset in the original script; a nested command whose text was unescaped maps to its wrapper's start. */
  start: number;
  /** The arguments with their raw text, so a judge can tell `"$X"` and `.e*` from literal text. */
  words: ArgWord[];
  /** `NAME=value` prefixes written before the command (`LD_PRELOAD=… ls`), as written after unquoting. */
  assignments: string[];
  /** The text a here-doc or here-string feeds the command, when it has one. */
  stdinText: string | undefined;
}

export interface ArgWord {
  value: string;
  raw: string;
  start: number;
  /** Run time decides the value: an unquoted or double-quoted expansion, a substitution, a glob or a brace. */
  dynamic: boolean;
}

/** A file redirection, wherever it sits (`> out`, `< .env`, `&>> log`, `3<>/dev/tcp/host/80`). */
export interface EffectiveRedirect {
  operator: string;
  fd: number | undefined;
  target: ArgWord;
  via: string[];
  start: number;
}

export interface EffectiveCommands {
  commands: EffectiveCommand[];
  redirects: EffectiveRedirect[];
  /** Anything that makes the list incomplete (parse error, nesting too deep); the engine denies on any. */
  problems: string[];
}

/** Deeper nesting than this is itself suspicious and is not followed. */
export const MAX_DEPTH = 8;

export function effectiveCommands(script: string): EffectiveCommands {
  const out: EffectiveCommands = { commands: [], redirects: [], problems: [] };
  parseLevel(script, { via: [], depth: 0, map: (offset) => offset, where: 'script' }, out);
  return out;
}

/** Where a nested text sits: how to map its offsets back, and the chain it came through. */
interface Level {
  via: string[];
  depth: number;
  map: (offset: number) => number;
  where: string;
}

/** A word of a command with its offset already mapped into the original script. */
interface Word {
  value: string;
  raw: string;
  start: number;
  /** Offset in the text being parsed, for slicing a nested string out of it. */
  localStart: number;
}

/** What a command's standard input is; only a shell that reads a script from stdin cares. */
type Stdin = { kind: 'pipe' } | { kind: 'text'; text: string; map: (offset: number) => number; label: string; expands?: boolean } | undefined;

function parseLevel(text: string, level: Level, out: EffectiveCommands): void {
  if (level.depth > MAX_DEPTH) {
    out.problems.push(`nesting deeper than ${MAX_DEPTH} levels at offset ${level.map(0)} (${level.via.join(' > ')})`);
    return;
  }
  const parsed = parseShell(text);
  if (parsed.hasError) out.problems.push(`bash parse error in ${level.where} at offset ${level.map(0)}`);
  for (const redirect of parsed.redirects) {
    const raw = text.slice(redirect.target.start, redirect.target.end);
    out.redirects.push({
      operator: redirect.operator,
      fd: redirect.fd,
      target: { value: redirect.target.value, raw, start: level.map(redirect.target.start), dynamic: isDynamic(raw) },
      via: level.via,
      start: level.map(redirect.start),
    });
  }
  // Declaration builtins (`export -p`, `declare -x`) are commands too; merged in script order.
  const all = parsed.declarations.length === 0 ? parsed.commands : [...parsed.commands, ...parsed.declarations].sort((a, b) => a.start - b.start);
  for (const command of all) {
    if (!command.name) continue;
    const words = [command.name, ...command.args].map((w) => ({ value: w.value, raw: text.slice(w.start, w.end), start: level.map(w.start), localStart: w.start }));
    const stdin: Stdin = pipedInto(text, command.start) ? { kind: 'pipe' } : (hereString(text, command, level) ?? hereDoc(text, command, level));
    const assignments = command.assignments.map((a) => a.value);
    run(words, text, level, stdin, out, assignments);
    if (stdin?.kind === 'text' && stdin.expands) backticksIn(stdin, level, out);
  }
}

/**
 * An unquoted heredoc body runs its backtick substitutions, but tree-sitter-bash leaves them as text
 * (it does parse `$(…)` there): each one is parsed as a nested script.
 */
function backticksIn(body: { text: string; map: (offset: number) => number }, level: Level, out: EffectiveCommands): void {
  const text = body.text;
  let open = -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') {
      i++;
      continue;
    }
    if (text[i] !== '`') continue;
    if (open === -1) {
      open = i;
      continue;
    }
    const from = open + 1;
    open = -1;
    parseLevel(text.slice(from, i), { via: [...level.via, 'heredoc `…`'], depth: level.depth + 1, map: (o) => body.map(from + o), where: 'backticks in a heredoc' }, out);
  }
  if (open !== -1) out.problems.push(`unterminated backtick in a heredoc at offset ${body.map(open)}`);
}

/** Reports `words` as one command and follows whatever it runs in turn. */
function run(words: Word[], text: string, level: Level, stdin: Stdin, out: EffectiveCommands, assignments: string[] = []): void {
  const head = words[0];
  if (!head) return;
  if (level.depth > MAX_DEPTH) {
    out.problems.push(`nesting deeper than ${MAX_DEPTH} levels at offset ${head.start} (${level.via.join(' > ')})`);
    return;
  }
  const dynamic = isDynamic(head.raw);
  const path = head.raw.includes("$'") ? decodeAnsiC(head.value) : head.value;
  const base = commandBaseName(path);
  const entry: EffectiveCommand = {
    program: base === '.' ? 'source' : base,
    path,
    args: words.slice(1).map((w) => w.value),
    via: level.via,
    dynamic,
    start: head.start,
    words: words.slice(1).map(argWord),
    assignments,
    stdinText: stdin?.kind === 'text' ? stdin.text : undefined,
  };
  out.commands.push(entry);
  if (dynamic) return;
  const args = words.slice(1);
  const deeper = (label: string): Level => ({ ...level, via: [...level.via, label], depth: level.depth + 1 });
  const inner = (from: number, label: string, keepStdin = true): void => run(args.slice(from), text, deeper(label), keepStdin ? stdin : undefined, out);
  const reparse = (string: Word | Word[], label: string): void => {
    const list = Array.isArray(string) ? string : [string];
    if (list.length === 0) return;
    const first = list[0]!;
    // Offsets survive only when the string is the word's text verbatim (no quotes to drop inside, no escapes).
    const exact = list.length === 1 ? verbatimOffset(first) : undefined;
    const map = exact === undefined ? () => head.start : (offset: number) => exact + offset;
    parseLevel(list.map((w) => w.value).join(' '), { via: [...level.via, label], depth: level.depth + 1, map, where: label }, out);
  };

  const program = entry.program;
  switch (program) {
    case 'env': {
      let i = 0;
      for (; i < args.length; i++) {
        const a = args[i]!.value;
        if (a === '-S' || a === '--split-string') return reparse(args.slice(i + 1), 'env -S');
        if (a.startsWith('--split-string=')) return reparse({ ...args[i]!, value: a.slice(15) }, 'env -S');
        if (a === '-u' || a === '-C' || a === '--unset' || a === '--chdir') i++;
        else if (a === '--') { i++; break; }
        else if (!a.startsWith('-') && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) break;
      }
      return inner(i, 'env');
    }
    case 'command':
      // `command -v curl` only looks the name up.
      if (args.some((a) => a.value === '-v' || a.value === '-V')) return;
      return inner(skipOptions(args, 0, []), 'command');
    case 'builtin':
    case 'nohup':
    case 'coproc':
    case 'unbuffer':
    case 'setsid':
      return inner(skipOptions(args, 0, []), program);
    case 'exec':
      return inner(skipOptions(args, 0, ['-a']), 'exec');
    case 'nice':
      return inner(skipOptions(args, 0, ['-n'], /^-\d+$/), 'nice');
    case 'ionice':
      return inner(skipOptions(args, 0, ['-c', '-n', '-p', '-P', '-u']), 'ionice');
    case 'busybox':
      // `busybox wget …`, `busybox sh -c …`: the applet named first is what runs.
      return inner(0, 'busybox');
    case 'time':
      return inner(skipOptions(args, 0, ['-f', '-o']), 'time');
    case 'stdbuf':
      return inner(skipOptions(args, 0, ['-i', '-o', '-e']), 'stdbuf');
    case 'timeout': {
      const i = skipOptions(args, 0, ['-s', '-k']);
      return inner(i + 1, 'timeout'); // the duration
    }
    case 'chroot': {
      const i = skipOptions(args, 0, []);
      return inner(i + 1, 'chroot'); // the new root
    }
    case 'xargs':
      // xargs consumes its stdin as arguments; the command it starts does not see it.
      return inner(skipOptions(args, 0, ['-a', '-E', '-I', '-L', '-n', '-P', '-s', '-d']), 'xargs', false);
    case 'strace':
      return inner(skipOptions(args, 0, ['-o', '-e', '-p', '-s', '-E', '-u', '-a', '-b', '-I', '-O', '-S', '-X', '-P']), 'strace');
    case 'ltrace':
      return inner(skipOptions(args, 0, ['-o', '-e', '-p', '-s', '-u', '-a', '-n', '-l', '-L', '-A', '-D', '-F', '-x']), 'ltrace');
    case 'sudo': {
      if (args.some((a) => a.value === '-e' || a.value === '--edit' || a.value === '-l' || a.value === '--list')) return;
      let i = skipOptions(args, 0, ['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-T', '-U', '-R']);
      while (i < args.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(args[i]!.value)) i++;
      return inner(i, 'sudo');
    }
    case 'doas':
      return inner(skipOptions(args, 0, ['-u', '-C']), 'doas');
    case 'su': {
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!;
        if ((a.value === '-c' || a.value === '--command') && args[i + 1]) return reparse(args[i + 1]!, 'su -c');
        if (a.value.startsWith('--command=')) return reparse({ ...a, value: a.value.slice(10) }, 'su -c');
      }
      return;
    }
    case 'watch': {
      const i = skipOptions(args, 0, ['-n', '-q']);
      // Without -x, watch joins its arguments and hands them to `sh -c`.
      if (args.slice(0, i).some((a) => a.value === '-x' || a.value === '--exec')) return inner(i, 'watch');
      return reparse(args.slice(i), 'watch');
    }
    case 'flock': {
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!;
        if ((a.value === '-c' || a.value === '--command') && args[i + 1]) return reparse(args[i + 1]!, 'flock -c');
      }
      const i = skipOptions(args, 0, ['-E', '-w', '--timeout', '--conflict-exit-code']);
      return inner(i + 1, 'flock'); // the lock file
    }
    case 'direnv':
      if (args[0]?.value === 'exec') return inner(2, 'direnv exec');
      return;
    case 'find':
      for (let i = 0; i < args.length; i++) {
        const flag = args[i]!.value;
        if (!['-exec', '-execdir', '-ok', '-okdir'].includes(flag)) continue;
        let end = i + 1;
        while (end < args.length && args[end]!.value !== ';' && args[end]!.value !== '+') end++;
        run(args.slice(i + 1, end), text, deeper(`find ${flag}`), undefined, out);
        i = end;
      }
      return;
    case 'npx':
    case 'bunx':
      return runner(args, 0, program);
    case 'pnpm':
    case 'yarn':
      if (args[0]?.value === 'dlx' || args[0]?.value === 'exec') return runner(args, 1, `${program} ${args[0].value}`);
      return;
    case 'bun':
      if (args[0]?.value === 'x') return runner(args, 1, 'bun x');
      return;
    case 'npm':
      if (args[0]?.value === 'exec' || args[0]?.value === 'x') return runner(args, 1, 'npm exec');
      return;
    case 'eval':
      return reparse(args, 'eval');
    case 'bash':
    case 'sh':
    case 'zsh':
    case 'dash':
    case 'ksh':
    case 'mksh':
    case 'ash':
      return shell();
    default:
      return;
  }

  /** A shell: `-c STRING`, a script file, or a script on stdin. */
  function shell(): void {
    let i = 0;
    let fromString = false;
    let readsStdin = false;
    for (; i < args.length; i++) {
      const a = args[i]!.value;
      if (a === '--') { i++; break; }
      if (a === '-o' || a === '+o' || a === '-O' || a === '+O' || a === '--rcfile' || a === '--init-file') { i++; continue; }
      if (/^-[A-Za-z]+$/.test(a)) {
        if (a.includes('c')) fromString = true;
        if (a.includes('s')) readsStdin = true;
        continue;
      }
      if (a.startsWith('--') || /^\+[A-Za-z]+$/.test(a)) continue;
      break;
    }
    if (fromString) {
      if (args[i]) reparse(args[i]!, `${program} -c`);
      return;
    }
    if (i < args.length && !readsStdin) return; // a script file; the engine reads it
    if (stdin?.kind === 'text') {
      parseLevel(stdin.text, { via: [...level.via, `${program} ${stdin.label}`], depth: level.depth + 1, map: stdin.map, where: `${program} ${stdin.label}` }, out);
    } else if (stdin?.kind === 'pipe') {
      entry.via = [...level.via, 'stdin'];
      entry.dynamic = true;
    }
  }

  /** npx and friends: the first operand is a package whose binary runs; `-c` takes a shell string. */
  function runner(list: Word[], from: number, label: string): void {
    for (let i = from; i < list.length; i++) {
      const a = list[i]!.value;
      if ((a === '-c' || a === '--call') && list[i + 1]) return reparse(list[i + 1]!, `${label} -c`);
      if (a.startsWith('--call=')) return reparse({ ...list[i]!, value: a.slice(7) }, `${label} -c`);
    }
    const i = skipOptions(list, from, ['-p', '--package']);
    const pkg = list[i];
    if (!pkg) return;
    const name = pkg.value.replace(/(.)@[^/]*$/, '$1');
    out.commands.push({
      program: name,
      path: pkg.value,
      args: list.slice(i + 1).map((w) => w.value),
      via: [...level.via, label],
      dynamic: isDynamic(pkg.raw),
      start: pkg.start,
      words: list.slice(i + 1).map(argWord),
      assignments: [],
      stdinText: undefined,
    });
  }
}

function argWord(word: Word): ArgWord {
  return { value: word.value, raw: word.raw, start: word.start, dynamic: isDynamic(word.raw) };
}

/** The index of the first operand: options (and the values of those in `withValue`) skipped, `--` consumed. */
function skipOptions(args: Word[], from: number, withValue: string[], alsoOption?: RegExp): number {
  let i = from;
  for (; i < args.length; i++) {
    const a = args[i]!.value;
    if (a === '--') return i + 1;
    if (!a.startsWith('-') || a === '-') break;
    if (alsoOption?.test(a)) continue;
    if (withValue.includes(a)) i++; // `--user=root` and `-n10` carry their value
  }
  return i;
}

/** A name that only run time can resolve: unquoted `$`, backquotes, globs or braces. `$'…'` is static text. */
export function isDynamic(raw: string): boolean {
  let quote: '' | "'" | '"' = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (quote === "'") {
      if (c === "'") quote = '';
      continue;
    }
    if (c === '\\') { i++; continue; }
    if (c === '"') { quote = quote === '"' ? '' : '"'; continue; }
    if (c === '`') return true;
    if (c === '$') {
      if (!quote && raw[i + 1] === "'") { quote = "'"; i++; continue; }
      return true;
    }
    if (!quote && c === "'") { quote = "'"; continue; }
    if (!quote && '*?[{'.includes(c)) return true;
  }
  return false;
}

/** shell.ts keeps `$'…'` bodies undecoded; decode the escapes that spell letters. */
function decodeAnsiC(value: string): string {
  return value
    .replace(/\\x([0-9a-fA-F]{1,2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/\\u([0-9a-fA-F]{1,4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/\\([0-7]{1,3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)))
    .replace(/\\(.)/g, '$1');
}

/** The original offset of a word's unquoted value when it equals the text between its quotes. */
function verbatimOffset(word: Word): number | undefined {
  if (word.raw === word.value) return word.start;
  const q = word.raw[0];
  if ((q === "'" || q === '"') && word.raw.endsWith(q) && word.raw.slice(1, -1) === word.value) return word.start + 1;
  return undefined;
}

/** True when the command reads the previous command's output: the text before it ends in `|` or `|&` (not `||`). */
function pipedInto(text: string, start: number): boolean {
  let i = start - 1;
  while (i >= 0 && /[\s({]/.test(text[i]!)) i--;
  if (text[i] === '&' && text[i - 1] === '|') return true;
  return text[i] === '|' && text[i - 1] !== '|';
}

/** `cmd <<< WORD`: the here-string sits inside the command's span, after its last word. */
function hereString(text: string, command: ShellCommand, level: Level): Stdin {
  const last = command.args[command.args.length - 1] ?? command.name;
  const span = text.slice(last?.end ?? command.start, command.end);
  const at = span.indexOf('<<<');
  if (at === -1) return undefined;
  const from = (last?.end ?? command.start) + at + 3;
  const after = text.slice(from, command.end);
  const rest = after.trimStart();
  const restStart = from + (after.length - rest.length);
  const probe = parseShell(`: ${rest}`).commands[0]?.args[0];
  if (!probe) return undefined;
  const word: Word = { value: probe.value, raw: rest.slice(probe.start - 2, probe.end - 2), start: 0, localStart: restStart + probe.start - 2 };
  const local = verbatimOffset({ ...word, start: word.localStart });
  const fallback = level.map(command.start);
  return { kind: 'text', text: probe.value, map: local === undefined ? () => fallback : (o) => level.map(local + o), label: '<<<' };
}

/** `cmd <<EOF` on the command's line (before any `|`, `;` or `&`): the body is the lines up to the delimiter. */
function hereDoc(text: string, command: ShellCommand, level: Level): Stdin {
  const lineEnd = text.indexOf('\n', command.end);
  if (lineEnd === -1) return undefined;
  const tail = text.slice(command.end, lineEnd);
  const m = /^[^|;&]*?<<(-?)\s*(?:'([^']*)'|"([^"]*)"|\\?([A-Za-z0-9_.-]+))/.exec(tail);
  if (!m || tail[m.index + m[0].indexOf('<<') + 2] === '<') return undefined;
  const delimiter = m[2] ?? m[3] ?? m[4] ?? '';
  const bodyStart = lineEnd + 1;
  const lines = text.slice(bodyStart).split('\n');
  let length = 0;
  for (const line of lines) {
    if ((m[1] ? line.replace(/^\t+/, '') : line) === delimiter) break;
    length += line.length + 1;
  }
  // A quoted or escaped delimiter (`<<'EOF'`, `<<"EOF"`, `<<\\EOF`) keeps the body literal.
  const expands = m[4] !== undefined && !m[0].includes('\\');
  return { kind: 'text', text: text.slice(bodyStart, bodyStart + length), map: (o) => level.map(bodyStart + o), label: '<<', expands };
}
