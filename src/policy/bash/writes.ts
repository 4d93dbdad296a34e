// Files a Bash command writes (redirections, tee, sed -i, cp/mv targets, git config, …) judged against the write scope and the protected paths.

import { posix } from 'node:path';
import { isDynamic, type ArgWord, type EffectiveCommand, type EffectiveRedirect } from '../bash-commands.js';
import { judgePath, repoRelative } from '../paths.js';
import type { Hit, Span } from '../verdict.js';
import { commandSpan, cwdsAt, pathsOf, SECRET_NAME_SAMPLES, spanOf, type BashCheck, type BashContext } from './context.js';

/** Device files any command may write to: they discard or print the data. */
const HARMLESS_DEVICES = /^\/dev\/(null|stdout|stderr|tty|zero|fd\/\d+)$/;
/** Whole disks and partitions: writing one destroys the file systems on it. */
export const BLOCK_DEVICE = /^\/dev\/(sd[a-z]|hd[a-z]|vd[a-z]|xvd[a-z]|nvme\d|mmcblk\d|disk\d|md\d|dm-\d|loop\d|mapper\/|root$|rdisk\d)/;
/** `/dev/tcp/host/port` redirections are network connections, judged by the network check. */
const NETWORK_DEVICE = /^\/dev\/(tcp|udp)\//;

// ---------------------------------------------------------------------------------------------------
// Command-line reading

/** A command line split into options and operands, the way getopt would read it. */
export interface Args {
  operands: ArgWord[];
  /** Short option letters and long option names (without dashes) that were given. */
  flags: Set<string>;
  /** Values of options, by letter or long name, in order. */
  values: Map<string, ArgWord[]>;
}

/** `valued` names the options (letters and long names) that take a value, attached or as the next word. */
export function readArgs(words: readonly ArgWord[], valued: readonly string[] = []): Args {
  const args: Args = { operands: [], flags: new Set(), values: new Map() };
  const addValue = (name: string, word: ArgWord | undefined): void => {
    if (!word) return;
    args.values.set(name, [...(args.values.get(name) ?? []), word]);
  };
  let onlyOperands = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const v = word.value;
    if (onlyOperands || v === '-' || !v.startsWith('-')) {
      args.operands.push(word);
    } else if (v === '--') {
      onlyOperands = true;
    } else if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      const name = eq === -1 ? v.slice(2) : v.slice(2, eq);
      args.flags.add(name);
      if (eq !== -1) addValue(name, tailWord(word, eq + 1));
      else if (valued.includes(name)) addValue(name, words[++i]);
    } else {
      for (let j = 1; j < v.length; j++) {
        const letter = v[j]!;
        args.flags.add(letter);
        if (!valued.includes(letter)) continue;
        addValue(letter, j + 1 < v.length ? tailWord(word, j + 1) : words[++i]);
        break;
      }
    }
  }
  return args;
}

/** The part of a word after its first `length` characters (`--output=FILE` → `FILE`), keeping offsets where it can. */
export function tailWord(word: ArgWord, length: number): ArgWord {
  const value = word.value.slice(length);
  const prefix = word.value.slice(0, length);
  if (word.raw.startsWith(prefix)) {
    const raw = word.raw.slice(length);
    return { value, raw, start: word.start + length, dynamic: isDynamic(raw) };
  }
  return { value, raw: value, start: word.start, dynamic: word.dynamic };
}

/** A word made up by a check (a path relative to `git -C`'s directory, a file named in a sed script). */
export function syntheticWord(value: string, at: ArgWord, dynamic = false): ArgWord {
  return { value, raw: dynamic ? value : `'${value.replace(/'/g, `'\\''`)}'`, start: at.start, dynamic };
}

export function lastValue(args: Args, ...names: string[]): ArgWord | undefined {
  for (const name of names) {
    const list = args.values.get(name);
    if (list && list.length > 0) return list[list.length - 1];
  }
  return undefined;
}

export function allValues(args: Args, ...names: string[]): ArgWord[] {
  return names.flatMap((name) => args.values.get(name) ?? []);
}

export function hasFlag(args: Args, ...names: string[]): boolean {
  return names.some((name) => args.flags.has(name));
}

// ---------------------------------------------------------------------------------------------------
// Judging write targets

/** Judges one absolute path the command would create, change or delete. */
export function judgeWritePath(ctx: BashContext, path: string, span: Span, what: string): Hit[] {
  if (HARMLESS_DEVICES.test(path) || NETWORK_DEVICE.test(path)) return [];
  if (BLOCK_DEVICE.test(path)) {
    return [{ category: 'destructive', rule: 'disk-overwrite', reason: `${what}: ${path} is a disk; writing it destroys the file systems on it`, span }];
  }
  const rel = safeRepoRelative(ctx, path);
  // The repository root itself is a directory the command writes into, not a file it replaces.
  if (rel === '') return [];
  const hits: Hit[] = [];
  if (rel !== undefined && /(^|\/)\.git\/(hooks|config)(\/|$)/.test(rel)) {
    hits.push({ category: 'protected-path', rule: 'protected-path', reason: `${what}: ${path} is a git hook or git configuration, which no role may write`, span });
  }
  const judgement = judgePath(ctx.policy, { tool: 'Write', path, cwd: ctx.cwd, home: ctx.home }, ctx.fs);
  if (judgement.decision !== 'allow') hits.push({ category: judgement.category, rule: judgement.rule, reason: `${what}: ${judgement.reason}`, span });
  return hits;
}

/** The paths a write-target word names; glob matches that are only secret-name samples (not on disk) are left out. */
export function writePathsOf(ctx: BashContext, word: ArgWord, at: number): { paths: string[]; unknown: string | undefined } {
  const { paths, unknown } = pathsOf(ctx, word, at);
  if (!word.dynamic || !/[*?[]/.test(word.raw)) return { paths, unknown };
  const real = paths.filter((path) => !SECRET_NAME_SAMPLES.includes(posix.basename(path)) || exists(ctx, path));
  if (real.length > 0) return { paths: real, unknown };
  // Nothing on disk matches: judge the pattern itself (`~/.ssh/*` is still under ~/.ssh).
  return { paths: pathsOf(ctx, { ...word, raw: `'${word.value}'` }, at).paths, unknown };
}

/** Judges a word naming a file the command writes; a target only run time knows is a hit of its own. */
export function writeHits(ctx: BashContext, word: ArgWord, at: number, what: string, span: Span = spanOf(word)): Hit[] {
  const { paths, unknown } = writePathsOf(ctx, word, at);
  const hits = paths.flatMap((path) => judgeWritePath(ctx, path, span, what));
  if (unknown) hits.push({ category: 'write-scope', rule: 'unresolved-write-target', reason: `${what}: ${unknown}, so its target cannot be checked`, span });
  return hits;
}

export function safeRepoRelative(ctx: BashContext, path: string): string | undefined {
  try {
    return repoRelative(ctx.policy.repoRoot, path, ctx.fs);
  } catch {
    return undefined;
  }
}

function exists(ctx: BashContext, path: string): boolean {
  try {
    return ctx.fs.kind(path) !== undefined;
  } catch {
    return true;
  }
}

function isDirectory(ctx: BashContext, path: string): boolean {
  try {
    const kind = ctx.fs.kind(path);
    return kind === 'dir' || (kind === 'symlink' && ctx.fs.list(path) !== undefined);
  } catch {
    return false;
  }
}

/** True when `path` is the repository root or one of its ancestors: certainly a directory. */
function containsRepo(ctx: BashContext, path: string): boolean {
  const root = ctx.policy.repoRoot;
  return path === root || root.startsWith(path === '/' ? '/' : `${path}/`);
}

/**
 * cp/mv/install/ln/rsync: the destination, and when it is a directory the entry each source lands on
 * (`cp -r payload/.github .` writes `./.github`). `alwaysDir` is set by `-t DIR` and by several sources.
 */
function copyHits(ctx: BashContext, command: EffectiveCommand, sources: ArgWord[], dest: ArgWord, alwaysDir: boolean, what: string, contentsOnly = false): Hit[] {
  const at = command.start;
  const hits = writeHits(ctx, dest, at, what);
  const { paths: destPaths } = writePathsOf(ctx, dest, at);
  for (const destPath of destPaths) {
    const isDir = alwaysDir || dest.value.endsWith('/') || /(^|\/)\.{1,2}$/.test(dest.value) || dest.value === '~' || containsRepo(ctx, destPath) || isDirectory(ctx, destPath);
    if (!isDir) continue;
    for (const source of sources) {
      if (contentsOnly && source.value.endsWith('/')) continue;
      for (const sourcePath of writePathsOf(ctx, source, at).paths) {
        const name = posix.basename(sourcePath);
        if (name === '' || name === '/') continue;
        hits.push(...judgeWritePath(ctx, posix.join(destPath, name), spanOf(dest), what));
      }
    }
  }
  return hits;
}

/** A directory files are extracted or created into; the repository root itself is fine. */
function dirHits(ctx: BashContext, word: ArgWord | undefined, command: EffectiveCommand, what: string): Hit[] {
  if (word) return writeHits(ctx, word, command.start, what);
  const span = commandSpan(command);
  return cwdsAt(ctx, command.start).flatMap((dir) => judgeWritePath(ctx, dir, span, `${what} (the working directory)`));
}

// ---------------------------------------------------------------------------------------------------
// Programs that write files

type Writer = (command: EffectiveCommand, ctx: BashContext) => Hit[];

const each = (ctx: BashContext, command: EffectiveCommand, words: readonly ArgWord[], what: string): Hit[] =>
  words.flatMap((word) => writeHits(ctx, word, command.start, what));

const tee: Writer = (command, ctx) => each(ctx, command, readArgs(command.words).operands, 'tee writes');

const sed: Writer = (command, ctx) => {
  const args = readArgs(command.words, ['e', 'f', 'l', 'expression', 'file', 'line-length']);
  const inPlace = command.words.some((w) => /^-[A-Za-z]*i/.test(w.value) && !w.value.startsWith('--')) || hasFlag(args, 'in-place');
  const explicit = allValues(args, 'e', 'expression');
  const hasScriptOption = explicit.length > 0 || allValues(args, 'f', 'file').length > 0;
  const scripts = hasScriptOption ? explicit : args.operands.slice(0, 1);
  const files = hasScriptOption ? args.operands : args.operands.slice(1);
  const hits: Hit[] = [];
  if (inPlace) hits.push(...each(ctx, command, files, 'sed -i rewrites'));
  for (const script of scripts) {
    for (const file of sedWriteFiles(script.value)) hits.push(...writeHits(ctx, syntheticWord(file, script), command.start, `the sed script's w command writes`, spanOf(script)));
  }
  return hits;
};

/** File names of sed's `w FILE` command and `s///w FILE` flag; the name runs to the end of the line. */
export function sedWriteFiles(script: string): string[] {
  const files: string[] = [];
  for (const match of script.matchAll(/(?:^|[;\n{}]|[0-9$!]|\/[gpiImMe0-9]*)\s*[wW][ \t]+([^\n]+)/g)) {
    const file = match[1]!.trim();
    if (file) files.push(file);
  }
  return files;
}

/** `perl -pi -e …` / `ruby -i.bak -pe …`: every file operand is rewritten in place. */
const inPlaceInterpreter: Writer = (command, ctx) => {
  const words = command.words;
  let inPlace = false;
  let code = false;
  let i = 0;
  for (; i < words.length; i++) {
    const v = words[i]!.value;
    if (v === '--') { i++; break; }
    if (!v.startsWith('-') || v === '-') break;
    if (v === '--in-place' || v.startsWith('--in-place=')) { inPlace = true; continue; }
    if (v.startsWith('--')) continue;
    const ruby = command.program === 'ruby';
    for (let j = 1; j < v.length; j++) {
      const letter = v[j]!;
      const last = j === v.length - 1;
      // These take a value: the rest of the word, or (for the ones that allow it) the next word.
      if (/[0-9]/.test(letter) || (!ruby && letter === 'l')) continue; // `-0777`, `-l015`: digits, then more flags
      if ((ruby ? 'rICEFTxX' : 'MmIxCdDF').includes(letter)) { if (last && (ruby ? 'rICEFX' : 'I').includes(letter)) i++; break; }
      if (letter === 'i') { inPlace = true; break; } // the rest is the backup suffix
      if (letter === 'e' || (!ruby && letter === 'E')) { code = true; if (last) i++; break; }
    }
  }
  if (!inPlace) return [];
  const operands = words.slice(i).filter((w) => w.value !== '--');
  const files = code ? operands : operands.slice(1);
  return each(ctx, command, files, `${command.program} -i rewrites`);
};

const copier = (valued: readonly string[]): Writer => (command, ctx) => {
  const program = command.program;
  const args = readArgs(command.words, valued);
  const what = `${program}'s destination`;
  const targetDir = lastValue(args, 't', 'target-directory');
  const hits: Hit[] = [];
  if (program === 'install' && hasFlag(args, 'd', 'directory')) return each(ctx, command, args.operands, 'install -d creates');
  if (program === 'mv') hits.push(...each(ctx, command, targetDir ? args.operands : args.operands.slice(0, -1), 'mv moves away'));
  if (targetDir) return [...hits, ...copyHits(ctx, command, args.operands, targetDir, true, what)];
  if (args.operands.length >= 2) {
    const dest = args.operands[args.operands.length - 1]!;
    const sources = args.operands.slice(0, -1);
    return [...hits, ...copyHits(ctx, command, sources, dest, sources.length > 1 && !hasFlag(args, 'T', 'no-target-directory'), what)];
  }
  return hits;
};

const cp = copier(['t', 'S', 'target-directory', 'suffix']);
const mv = cp;
const install = copier(['t', 'm', 'o', 'g', 'S', 'target-directory', 'mode', 'owner', 'group', 'suffix', 'strip-program']);

/**
 * ln: the link, and what it points to: a link inside the repository to a file outside it (or to a
 * protected file) turns a later write through the link into a write there.
 */
const ln: Writer = (command, ctx) => {
  const args = readArgs(command.words, ['t', 'S', 'target-directory', 'suffix']);
  const symbolic = hasFlag(args, 's', 'symbolic');
  const targetDir = lastValue(args, 't', 'target-directory');
  const hits: Hit[] = [];
  let targets: ArgWord[];
  let linkDirs: string[];
  if (targetDir) {
    targets = args.operands;
    hits.push(...copyHits(ctx, command, targets, targetDir, true, `ln's link`));
    linkDirs = writePathsOf(ctx, targetDir, command.start).paths;
  } else if (args.operands.length >= 2) {
    const link = args.operands[args.operands.length - 1]!;
    targets = args.operands.slice(0, -1);
    hits.push(...copyHits(ctx, command, targets, link, targets.length > 1, `ln's link`));
    const linkPaths = writePathsOf(ctx, link, command.start).paths;
    linkDirs = linkPaths.map((path) => (targets.length > 1 || link.value.endsWith('/') || containsRepo(ctx, path) || isDirectory(ctx, path) ? path : posix.dirname(path)));
  } else {
    targets = args.operands;
    linkDirs = cwdsAt(ctx, command.start);
    for (const target of targets) {
      for (const dir of linkDirs) {
        for (const path of writePathsOf(ctx, target, command.start).paths) hits.push(...judgeWritePath(ctx, posix.join(dir, posix.basename(path)), spanOf(target), `ln's link`));
      }
    }
  }
  for (const target of targets) {
    const relative = symbolic && !target.dynamic && !target.value.startsWith('/') && !target.value.startsWith('~');
    const paths = relative ? linkDirs.map((dir) => posix.resolve(dir, target.value)) : writePathsOf(ctx, target, command.start).paths;
    for (const path of paths) hits.push(...judgeWritePath(ctx, path, spanOf(target), `ln links to ${path}, so writes through the link land there`));
  }
  return hits;
};

const RSYNC_VALUED = [
  'e', 'rsh', 'rsync-path', 'f', 'filter', 'exclude', 'include', 'exclude-from', 'include-from', 'files-from', 'chmod', 'chown', 'log-file',
  'partial-dir', 'T', 'temp-dir', 'backup-dir', 'compare-dest', 'copy-dest', 'link-dest', 'suffix', 'password-file', 'port', 'timeout',
  'bwlimit', 'max-size', 'min-size', 'B', 'block-size', 'out-format', 'log-file-format', 'iconv', 'M', 'remote-option', 'skip-compress',
  'info', 'debug', 'contimeout', 'address', 'sockopts', 'usermap', 'groupmap', 'max-delete', 'modify-window', 'checksum-choice', 'compress-level',
  'outbuf', 'stop-after', 'stop-at', 'write-batch', 'only-write-batch', 'read-batch',
];

const rsync: Writer = (command, ctx) => {
  const args = readArgs(command.words, RSYNC_VALUED);
  const local = args.operands.filter((w) => !/^[^/]*:/.test(w.value) && !w.value.startsWith('rsync://'));
  const hits = each(ctx, command, allValues(args, 'log-file', 'write-batch', 'only-write-batch'), 'rsync writes');
  const dest = args.operands[args.operands.length - 1];
  if (!dest || args.operands.length < 2 || !local.includes(dest)) return hits;
  const sources = args.operands.slice(0, -1);
  if (hasFlag(args, 'remove-source-files')) hits.push(...each(ctx, command, sources.filter((w) => local.includes(w)), 'rsync --remove-source-files deletes'));
  return [...hits, ...copyHits(ctx, command, sources, dest, sources.length > 1, `rsync's destination`, true)];
};

const TAR_VALUED = [
  'f', 'C', 'T', 'X', 'b', 'F', 'g', 'K', 'L', 'N', 'V', 'H', 'I', 'file', 'directory', 'files-from', 'exclude-from', 'blocking-factor',
  'info-script', 'new-volume-script', 'listed-incremental', 'starting-file', 'tape-length', 'newer', 'after-date', 'label', 'format',
  'use-compress-program', 'owner', 'group', 'mode', 'mtime', 'transform', 'xform', 'exclude', 'to-command', 'checkpoint-action', 'rsh-command',
];

const tar: Writer = (command, ctx) => {
  const words = [...command.words];
  // Old style: `tar xzf archive.tgz` is `tar -xzf archive.tgz`.
  if (words[0] && /^[A-Za-z]+$/.test(words[0].value)) words[0] = { ...words[0], value: `-${words[0].value}` };
  const args = readArgs(words, TAR_VALUED);
  const hits: Hit[] = [];
  if (hasFlag(args, 'x', 'extract', 'get') && !hasFlag(args, 'O', 'to-stdout')) {
    const dirs = allValues(args, 'C', 'directory');
    if (dirs.length === 0) hits.push(...dirHits(ctx, undefined, command, 'tar extracts into'));
    for (const dir of dirs) hits.push(...dirHits(ctx, dir, command, 'tar extracts into'));
    if (hasFlag(args, 'P', 'absolute-names')) {
      hits.push({ category: 'write-scope', rule: 'unresolved-write-target', reason: 'tar -P extracts members to the absolute paths stored in the archive', span: commandSpan(command) });
    }
  }
  if (hasFlag(args, 'c', 'r', 'u', 'A', 'create', 'append', 'update', 'concatenate', 'catenate')) {
    hits.push(...each(ctx, command, allValues(args, 'f', 'file').filter((w) => w.value !== '-'), 'tar writes the archive'));
  }
  return hits;
};

const unzip: Writer = (command, ctx) => {
  const args = readArgs(command.words, ['d', 'x', 'P', 'I', 'O']);
  if (hasFlag(args, 'l', 't', 'v', 'p', 'Z', 'z')) return [];
  const dir = lastValue(args, 'd');
  return dirHits(ctx, dir, command, 'unzip extracts into');
};

const zip: Writer = (command, ctx) => {
  const args = readArgs(command.words, ['b', 'n', 't', 'tt', 'P', 'O', 'out', 'x', 'i']);
  const archive = lastValue(args, 'O', 'out') ?? args.operands[0];
  return archive && archive.value !== '-' ? writeHits(ctx, archive, command.start, 'zip writes the archive') : [];
};

const cpio: Writer = (command, ctx) => {
  const args = readArgs(command.words, ['D', 'directory', 'F', 'file', 'O', 'E', 'H', 'format', 'I', 'M', 'R', 'owner']);
  const hits = each(ctx, command, allValues(args, 'O', 'F', 'file'), 'cpio writes the archive');
  if (hasFlag(args, 'i', 'extract')) hits.push(...dirHits(ctx, lastValue(args, 'D', 'directory'), command, 'cpio extracts into'));
  if (hasFlag(args, 'p', 'pass-through')) hits.push(...each(ctx, command, args.operands, 'cpio -p copies into'));
  return hits;
};

const dd: Writer = (command, ctx) =>
  command.words.filter((w) => w.value.startsWith('of=')).flatMap((w) => writeHits(ctx, tailWord(w, 3), command.start, 'dd writes'));

const operandsWriter = (valued: readonly string[], verb: string): Writer => (command, ctx) =>
  each(ctx, command, readArgs(command.words, valued).operands, `${command.program} ${verb}`);

const truncate = operandsWriter(['s', 'r', 'size', 'reference'], 'changes');
const touch = operandsWriter(['d', 't', 'r', 'date', 'reference', 'time'], 'creates or changes');
const mkdir = operandsWriter(['m', 'mode', 'context'], 'creates');
const removal = operandsWriter(['n', 's', 'iterations', 'size', 'random-source', 'interactive'], 'deletes');

const rm = operandsWriter(['interactive'], 'deletes');

const patch: Writer = (command, ctx) => {
  const valued = ['i', 'o', 'd', 'p', 'D', 'F', 'r', 'z', 'B', 'Y', 'V', 'input', 'output', 'directory', 'strip', 'reject-file', 'suffix', 'prefix', 'basename-prefix', 'ifdef', 'quoting-style', 'fuzz', 'version-control'];
  const args = readArgs(command.words, valued);
  const hits = each(ctx, command, [...args.operands.slice(0, 1), ...allValues(args, 'o', 'output', 'r', 'reject-file')].filter((w) => w.value !== '-'), 'patch writes');
  const dir = lastValue(args, 'd', 'directory');
  if (dir) hits.push(...writeHits(ctx, dir, command.start, 'patch changes files under'));
  return hits;
};

/** ex, ed, vim and friends edit the files they are given; `+cmd` words are commands, not files. */
const editor: Writer = (command, ctx) => {
  const args = readArgs(command.words, ['c', 'S', 'u', 'U', 'i', 'T', 'w', 'W', 's', 't', 'q', 'p', 'cmd']);
  if (command.program === 'view' || hasFlag(args, 'R')) return [];
  return each(ctx, command, args.operands.filter((w) => !w.value.startsWith('+')), `${command.program} edits`);
};

/** chmod/chown/chgrp/chattr/setfacl: the files whose mode, owner or attributes change. */
export function permissionTargets(command: EffectiveCommand): { args: Args; targets: ArgWord[]; mode: string | undefined } {
  const program = command.program;
  // chmod's `-x` and chattr's `-i` are modes, not options.
  const modeLike = program === 'chmod' ? /^-[rwxXst]+$/ : program === 'chattr' ? /^[-+=][aAcCdDeFijmPsStTux]+$/ : undefined;
  const words = command.words;
  const modeWords = modeLike ? words.filter((w) => modeLike.test(w.value)) : [];
  const rest = words.filter((w) => !modeWords.includes(w));
  const valued = program === 'setfacl' ? ['m', 'x', 'M', 'X', 'set', 'set-file', 'modify', 'remove', 'modify-file', 'remove-file'] : program === 'chattr' ? ['v', 'p'] : [];
  const args = readArgs(rest, valued);
  const takesSpec = (program === 'chmod' || program === 'chown' || program === 'chgrp') && !hasFlag(args, 'reference') && modeWords.length === 0;
  const mode = modeWords[0]?.value ?? (takesSpec ? args.operands[0]?.value : undefined);
  return { args, targets: takesSpec ? args.operands.slice(1) : args.operands, mode };
}

const permissions: Writer = (command, ctx) => each(ctx, command, permissionTargets(command).targets, `${command.program} changes`);

/** Programs with an output-file option: `sort -o`, `find -fprint`, `curl -o`, `wget -O`, `openssl -out`. */
const outputOption = (valued: readonly string[], outputs: readonly string[], dirs: readonly string[] = []): Writer => (command, ctx) => {
  const args = readArgs(command.words, valued);
  const files = allValues(args, ...outputs).filter((w) => w.value !== '-');
  return [...each(ctx, command, files, `${command.program} writes`), ...each(ctx, command, allValues(args, ...dirs), `${command.program} writes into`)];
};

const sort = outputOption(['o', 'output', 'k', 't', 'S', 'T', 'key', 'field-separator', 'buffer-size', 'temporary-directory', 'parallel', 'files0-from', 'batch-size', 'compress-program', 'random-source'], ['o', 'output']);
const CURL_VALUED = ['d', 'H', 'X', 'u', 'A', 'e', 'b', 'c', 'D', 'o', 'T', 'F', 'K', 'm', 'r', 'w', 'x', 'y', 'Y', 'z', 'E', 'C', 'P', 'Q', 'U', 't', 'output', 'output-dir', 'dump-header', 'cookie-jar', 'trace', 'trace-ascii', 'libcurl', 'stderr', 'etag-save', 'data', 'header', 'request', 'user', 'url', 'config'];
const curl = outputOption(CURL_VALUED, ['o', 'output', 'D', 'dump-header', 'c', 'cookie-jar', 'trace', 'trace-ascii', 'libcurl', 'stderr', 'etag-save'], ['output-dir']);
const wget = outputOption(['O', 'o', 'a', 'P', 'output-document', 'output-file', 'append-output', 'directory-prefix', 'U', 'e', 'header', 'user-agent'], ['O', 'o', 'a', 'output-document', 'output-file', 'append-output'], ['P', 'directory-prefix']);
const iconv = outputOption(['f', 't', 'o', 'from-code', 'to-code', 'output'], ['o', 'output']);
const csplit = outputOption(['f', 'b', 'n', 'prefix', 'suffix-format', 'digits'], ['f', 'prefix']);

/** openssl and similar tools spell their output option with one dash: `-out FILE`. */
const singleDashOut: Writer = (command, ctx) => {
  const hits: Hit[] = [];
  command.words.forEach((word, i) => {
    const next = command.words[i + 1];
    if ((word.value === '-out' || word.value === '-keyout') && next) hits.push(...writeHits(ctx, next, command.start, `${command.program} writes`));
  });
  return hits;
};

const uniq: Writer = (command, ctx) => {
  const operands = readArgs(command.words, ['f', 's', 'w', 'skip-fields', 'skip-chars', 'check-chars']).operands;
  return operands[1] ? writeHits(ctx, operands[1], command.start, 'uniq writes its output operand') : [];
};

const xxd: Writer = (command, ctx) => {
  const operands = readArgs(command.words, ['c', 'g', 'l', 'o', 's', 'n', 'C', 'cols', 'len', 'seek', 'name']).operands;
  return operands[1] && operands[1].value !== '-' ? writeHits(ctx, operands[1], command.start, 'xxd writes its output operand') : [];
};

const split: Writer = (command, ctx) => {
  const valued = ['a', 'b', 'C', 'l', 'n', 't', 'suffix-length', 'bytes', 'line-bytes', 'lines', 'number', 'separator', 'additional-suffix', 'filter'];
  const operands = readArgs(command.words, valued).operands;
  return operands[1] ? writeHits(ctx, operands[1], command.start, 'split writes pieces named') : [];
};

/** gzip and friends replace each file with its compressed (or decompressed) twin next to it. */
const compressor: Writer = (command, ctx) => {
  const args = readArgs(command.words, ['S', 'suffix', 'b', 'o', 'T', 'threads', 'L', 'level']);
  const hits = each(ctx, command, allValues(args, 'o'), `${command.program} writes`);
  if (hasFlag(args, 'c', 'stdout', 'to-stdout', 't', 'test', 'l', 'list') || allValues(args, 'o').length > 0) return hits;
  return [...hits, ...each(ctx, command, args.operands.filter((w) => w.value !== '-'), `${command.program} replaces`)];
};

const find: Writer = (command, ctx) => {
  const hits: Hit[] = [];
  command.words.forEach((word, i) => {
    const next = command.words[i + 1];
    if (['-fprint', '-fprint0', '-fprintf', '-fls'].includes(word.value) && next) hits.push(...writeHits(ctx, next, command.start, `find ${word.value} writes`));
  });
  return hits;
};

/** awk's `print > "file"`: only literal file names are judged here; code in awk programs is another check's. */
const awk: Writer = (command, ctx) => {
  const args = readArgs(command.words, ['f', 'v', 'F', 'i', 'l', 'E', 'file', 'assign', 'field-separator', 'include', 'load']);
  const program = allValues(args, 'f', 'file').length > 0 ? undefined : args.operands[0];
  if (!program) return [];
  const hits: Hit[] = [];
  for (const match of program.value.matchAll(/\bprintf?\b[^;{}\n]*?>>?\s*"([^"]+)"/g)) {
    hits.push(...writeHits(ctx, syntheticWord(match[1]!, program), command.start, 'the awk program writes', spanOf(program)));
  }
  return hits;
};

const crontab: Writer = (command) => {
  const args = readArgs(command.words, ['u']);
  if (hasFlag(args, 'l') && args.operands.length === 0) return [];
  return [{ category: 'write-scope', rule: 'crontab', reason: 'crontab installs or removes scheduled jobs, outside the repository', span: commandSpan(command) }];
};

// ---------------------------------------------------------------------------------------------------
// git

/** A git command line: global options read, the subcommand and its words. */
export interface GitInvocation {
  subcommand: string | undefined;
  words: ArgWord[];
  /** `-C DIR` words, applied in order to relative paths. */
  dirs: ArgWord[];
  /** `--git-dir=DIR`, when given. */
  gitDir: ArgWord | undefined;
}

export function gitInvocation(command: EffectiveCommand): GitInvocation {
  const words = command.words;
  const dirs: ArgWord[] = [];
  let gitDir: ArgWord | undefined;
  let i = 0;
  for (; i < words.length; i++) {
    const v = words[i]!.value;
    if (v === '-C' && words[i + 1]) dirs.push(words[++i]!);
    else if (v === '-c' || v === '--exec-path' || v === '--namespace' || v === '--work-tree' || v === '--config-env' || v === '--super-prefix') i++;
    else if (v === '--git-dir' && words[i + 1]) gitDir = words[++i];
    else if (v.startsWith('--git-dir=')) gitDir = tailWord(words[i]!, 10);
    else if (!v.startsWith('-')) break;
  }
  return { subcommand: words[i]?.value, words: words.slice(i + 1), dirs, gitDir };
}

/** A path operand of git, made relative to `git -C DIR` when one was given. */
function gitPathWord(git: GitInvocation, word: ArgWord): ArgWord {
  if (git.dirs.length === 0 || word.value.startsWith('/') || word.value.startsWith('~')) return word;
  const dir = git.dirs.map((d) => d.value).reduce((base, d) => (d.startsWith('/') ? d : posix.join(base, d)), '.');
  return { ...word, value: posix.join(dir, word.value), raw: word.dynamic ? posix.join(dir, word.value) : `'${posix.join(dir, word.value)}'` };
}

function gitConfigHit(ctx: BashContext, command: EffectiveCommand, git: GitInvocation, what: string): Hit[] {
  const file = git.gitDir ? posix.join(git.gitDir.value, 'config') : '.git/config';
  const word = gitPathWord(git, syntheticWord(file, command.words[0] ?? { value: '', raw: '', start: command.start, dynamic: false }));
  const hits = writeHits(ctx, word, command.start, what, commandSpan(command)).filter((hit) => hit.category !== 'secret-access');
  if (hits.length > 0) return hits;
  return [{ category: 'protected-path', rule: 'git-config-write', reason: `${what}: it writes the repository's git configuration`, span: commandSpan(command) }];
}

const GIT_CONFIG_READS = new Set(['get', 'get-all', 'get-regexp', 'get-urlmatch', 'get-color', 'get-colorbool', 'list', 'l']);
const GIT_CONFIG_WRITES = new Set(['unset', 'unset-all', 'add', 'replace-all', 'rename-section', 'remove-section', 'edit', 'e']);

function gitConfig(ctx: BashContext, command: EffectiveCommand, git: GitInvocation): Hit[] {
  const args = readArgs(git.words, ['f', 'file', 'blob', 'type', 'default', 'comment', 'value', 't']);
  const verb = args.operands[0]?.value;
  const subcommandStyle = verb !== undefined && ['get', 'list', 'set', 'unset', 'rename-section', 'remove-section', 'edit'].includes(verb);
  const writes = subcommandStyle
    ? !['get', 'list'].includes(verb)
    : ![...GIT_CONFIG_READS].some((flag) => args.flags.has(flag)) && ([...GIT_CONFIG_WRITES].some((flag) => args.flags.has(flag)) || args.operands.length >= 2);
  if (!writes || hasFlag(args, 'blob')) return [];
  const what = 'git config';
  const file = lastValue(args, 'f', 'file');
  if (file) return writeHits(ctx, gitPathWord(git, file), command.start, `${what} --file writes`, spanOf(file));
  if (hasFlag(args, 'global')) return judgeWritePath(ctx, `${ctx.home}/.gitconfig`, commandSpan(command), `${what} --global writes`);
  if (hasFlag(args, 'system')) return judgeWritePath(ctx, '/etc/gitconfig', commandSpan(command), `${what} --system writes`);
  return gitConfigHit(ctx, command, git, what);
}

const git: Writer = (command, ctx) => {
  const invocation = gitInvocation(command);
  const sub = invocation.subcommand;
  const words = invocation.words;
  const paths = (list: ArgWord[], what: string): Hit[] => list.flatMap((w) => writeHits(ctx, gitPathWord(invocation, w), command.start, what, spanOf(w)));
  const hits: Hit[] = [];
  // Any subcommand with --output writes that file (`git log --output=~/.bashrc`).
  const out = readArgs(words, ['output', 'o', 'output-directory']);
  hits.push(...paths(allValues(out, 'output'), `git ${sub ?? ''} --output writes`));
  switch (sub) {
    case 'config':
      return [...hits, ...gitConfig(ctx, command, invocation)];
    case 'remote': {
      const verb = readArgs(words).operands[0]?.value;
      if (verb && ['add', 'set-url', 'rename', 'remove', 'rm', 'set-branches', 'set-head'].includes(verb)) hits.push(...gitConfigHit(ctx, command, invocation, `git remote ${verb}`));
      return hits;
    }
    case 'checkout':
      return [...hits, ...paths(readArgs(words, ['b', 'B', 'orphan', 'conflict', 'pathspec-from-file']).operands, 'git checkout writes')];
    case 'restore': {
      const args = readArgs(words, ['s', 'source', 'pathspec-from-file']);
      if (hasFlag(args, 'staged', 'S') && !hasFlag(args, 'worktree', 'W')) return hits;
      return [...hits, ...paths(args.operands, 'git restore writes')];
    }
    case 'rm': {
      const args = readArgs(words, ['pathspec-from-file']);
      if (hasFlag(args, 'cached')) return hits;
      return [...hits, ...paths(args.operands, 'git rm deletes')];
    }
    case 'mv':
      return [...hits, ...paths(readArgs(words).operands, 'git mv moves')];
    case 'update-index':
      return [...hits, ...paths(readArgs(words, ['cacheinfo', 'index-info', 'chmod']).operands, 'git update-index changes')];
    case 'format-patch':
      return [...hits, ...paths(allValues(out, 'o', 'output-directory'), 'git format-patch writes into')];
    case 'archive':
      return [...hits, ...paths(allValues(out, 'o'), 'git archive writes')];
    case 'worktree': {
      const args = readArgs(words, ['b', 'B', 'reason']);
      if (args.operands[0]?.value === 'add' && args.operands[1]) hits.push(...paths([args.operands[1]], 'git worktree add creates'));
      return hits;
    }
    default:
      return hits;
  }
};

// ---------------------------------------------------------------------------------------------------
// Tool configuration and agent settings

/** `npm config set` and friends write the user's (or the project's) rc file. */
const packageConfig: Writer = (command, ctx) => {
  const program = command.program;
  const words = command.words;
  const args = readArgs(words, ['location', 'L', 'userconfig', 'globalconfig']);
  const [sub, next] = args.operands.map((w) => w.value);
  const verb = sub === 'config' ? next : sub === 'set' && program === 'npm' ? 'set' : undefined;
  if (!verb || !['set', 'delete', 'rm', 'unset', 'edit', 'fix'].includes(verb)) return [];
  const span = commandSpan(command);
  const what = `${program} config ${verb}`;
  if (program === 'pip' || program === 'pip3') {
    const file = hasFlag(args, 'global') ? '/etc/pip.conf' : hasFlag(args, 'site') ? `${ctx.policy.repoRoot}/.venv/pip.conf` : `${ctx.home}/.config/pip/pip.conf`;
    return judgeWritePath(ctx, file, span, `${what} writes`);
  }
  const userconfig = lastValue(args, 'userconfig');
  if (userconfig) return writeHits(ctx, userconfig, command.start, `${what} writes`);
  const location = lastValue(args, 'location', 'L')?.value ?? (hasFlag(args, 'g', 'global') ? 'global' : 'user');
  if (location === 'project') return cwdsAt(ctx, command.start).flatMap((dir) => judgeWritePath(ctx, posix.join(dir, '.npmrc'), span, `${what} writes`));
  if (location === 'global') return judgeWritePath(ctx, '/usr/local/etc/npmrc', span, `${what} writes`);
  return judgeWritePath(ctx, posix.join(ctx.home, program === 'yarn' ? '.yarnrc' : '.npmrc'), span, `${what} writes`);
};

const gh: Writer = (command, ctx) => {
  const [sub, verb] = command.words.map((w) => w.value);
  if ((sub === 'config' && verb === 'set') || (sub === 'alias' && (verb === 'set' || verb === 'import' || verb === 'delete'))) {
    return judgeWritePath(ctx, `${ctx.home}/.config/gh/config.yml`, commandSpan(command), `gh ${sub} ${verb} writes`);
  }
  return [];
};

/** Flags of a nested `claude` run that shed the hooks, the permission checks or the settings they come from. */
const CLAUDE_TAMPER_FLAGS = ['bare', 'dangerously-skip-permissions', 'allow-dangerously-skip-permissions', 'settings', 'setting-sources', 'mcp-config', 'plugin-dir'];

const claude: Writer = (command, ctx) => {
  const args = readArgs(command.words, ['s', 'scope', 'permission-mode', 'settings', 'setting-sources', 'mcp-config', 'plugin-dir', 'e', 'env', 'H', 'header', 't', 'transport', 'model']);
  const [sub, verb] = args.operands.map((w) => w.value);
  const span = commandSpan(command);
  if (sub === 'mcp' && verb && /^(add|add-json|add-from-claude-desktop|remove|reset-project-choices)$/.test(verb)) {
    const scope = lastValue(args, 's', 'scope')?.value;
    const file = scope === 'project' ? cwdsAt(ctx, command.start).map((dir) => posix.join(dir, '.mcp.json')) : [`${ctx.home}/.claude.json`];
    return file.flatMap((path) => judgeWritePath(ctx, path, span, `claude mcp ${verb} writes`));
  }
  if ((sub === 'config' && verb && /^(set|add|remove)$/.test(verb)) || (sub === 'plugin' && verb && /^(install|enable|marketplace)$/.test(verb))) {
    return judgeWritePath(ctx, `${ctx.home}/.claude.json`, span, `claude ${sub} ${verb} writes`);
  }
  const flag = CLAUDE_TAMPER_FLAGS.find((name) => args.flags.has(name));
  const mode = lastValue(args, 'permission-mode')?.value;
  if (flag || mode === 'bypassPermissions') {
    return [{ category: 'protected-path', rule: 'agent-tampering', reason: `a nested claude run with ${flag ? `--${flag}` : '--permission-mode bypassPermissions'} escapes the hooks and settings that guard this agent`, span }];
  }
  return [];
};

const WRITERS: Readonly<Record<string, Writer>> = {
  tee, sed, gsed: sed, perl: inPlaceInterpreter, ruby: inPlaceInterpreter, cp, mv, install, ln, rsync, tar, gtar: tar, bsdtar: tar, unzip, zip, cpio,
  dd, truncate, touch, mkdir, rm, rmdir: removal, unlink: removal, shred: removal, patch, ex: editor, ed: editor, vi: editor, vim: editor, nvim: editor,
  nano: editor, view: editor, chmod: permissions, chown: permissions, chgrp: permissions, chattr: permissions, setfacl: permissions, sort, uniq, split,
  csplit, curl, wget, iconv, xxd, openssl: singleDashOut, gzip: compressor, gunzip: compressor, bzip2: compressor, bunzip2: compressor, xz: compressor,
  unxz: compressor, zstd: compressor, unzstd: compressor, lz4: compressor, find, awk, gawk: awk, mawk: awk, nawk: awk, crontab, git, npm: packageConfig,
  pnpm: packageConfig, yarn: packageConfig, pip: packageConfig, pip3: packageConfig, gh, claude,
};

/**
 * A command run by `find -exec`/`-execdir`, once per starting point of the find, with `{}` replaced by
 * it: what find hands over lies below that point (`find .github -exec sed -i … {} +`).
 */
function underFind(command: EffectiveCommand, ctx: BashContext): EffectiveCommand[] {
  if (!command.via[command.via.length - 1]?.startsWith('find ') || !command.words.some((w) => w.value.includes('{}'))) return [command];
  const parent = ctx.parsed.commands.filter((c) => c.program === 'find' && c.start < command.start && c.words.some((w) => w.start === command.start)).pop();
  if (!parent) return [command];
  const roots = findRoots(parent.words);
  const starts = roots.length > 0 ? roots : [syntheticWord('.', parent.words[0] ?? command.words[0]!)];
  return starts.map((root) => ({
    ...command,
    words: command.words.map((w) => (w.value.includes('{}') ? { ...w, value: w.value.split('{}').join(root.value), raw: w.raw.split('{}').join(root.raw), dynamic: w.dynamic && root.dynamic } : w)),
  }));
}

/** find's starting points: the words before the first option, test or parenthesis. */
export function findRoots(words: readonly ArgWord[]): ArgWord[] {
  let i = 0;
  while (i < words.length && /^-([HLP]|O\d*|D)$/.test(words[i]!.value)) i += words[i]!.value === '-D' ? 2 : 1;
  const roots: ArgWord[] = [];
  for (; i < words.length && !/^[-(!),]/.test(words[i]!.value); i++) roots.push(words[i]!);
  return roots;
}

/** Output redirections: `>`, `>>`, `&>`, `>|`, `<>`, `>&FILE`; `2>&1`, `>&2` and `>&-` only copy or close descriptors. */
export function redirectHits(redirect: EffectiveRedirect, ctx: BashContext): Hit[] {
  const op = redirect.operator;
  if (!op.includes('>')) return [];
  if (op.endsWith('&') && /^(\d+-?|-)$/.test(redirect.target.value)) return [];
  return writeHits(ctx, redirect.target, redirect.start, `the redirection ${op} ${redirect.target.raw}`);
}

export const fileWrites: BashCheck = {
  name: 'file-writes',
  command(command, ctx) {
    if (command.dynamic) return [];
    const writer = Object.hasOwn(WRITERS, command.program) ? WRITERS[command.program] : undefined;
    if (!writer) return [];
    const runs = underFind(command, ctx);
    if (runs.length === 1 && runs[0] === command) return writer(command, ctx);
    // Offsets inside a rewritten `{}` no longer match the script: point at the whole command instead.
    const span = commandSpan(command);
    return runs.flatMap((each) => writer(each, ctx)).map((hit) => ({ ...hit, span }));
  },
  redirect: redirectHits,
};
