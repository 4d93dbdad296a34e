// Commands that destroy what cannot be rebuilt: recursive deletes outside the work, git history rewrites, disk formatting, fork bombs.

import { posix } from 'node:path';
import { effectiveCommands, type ArgWord, type EffectiveCommand } from '../bash-commands.js';
import { physicalPath } from '../paths.js';
import type { Hit, Span } from '../verdict.js';
import { commandSpan, cwdsAt, pathsOf, spanOf, type BashCheck, type BashContext } from './context.js';
import { findRoots, gitInvocation, hasFlag, judgeWritePath, lastValue, permissionTargets, readArgs, safeRepoRelative } from './writes.js';

/** Why deleting `path` and everything below it is destructive, or undefined when it is ordinary cleanup. */
function deletionProblem(ctx: BashContext, path: string): string | undefined {
  const rel = safeRepoRelative(ctx, path);
  if (rel === undefined) return 'which is outside the repository';
  if (rel === '') return 'which is the repository itself';
  if (rel === '.git' || rel.startsWith('.git/')) return "which holds the repository's history";
  if (ctx.cwd === path || ctx.cwd.startsWith(`${path}/`)) return 'which contains the working directory';
  return undefined;
}

/** The path as written and the path the kernel would reach through symlinked parents (`rm -r` does not follow the last link). */
function deletionPaths(ctx: BashContext, path: string, followLast: boolean): string[] {
  try {
    const real = followLast ? physicalPath(path, ctx.fs) : posix.join(physicalPath(posix.dirname(path), ctx.fs), posix.basename(path));
    return real === path ? [path] : [path, real];
  } catch {
    return [path];
  }
}

/** Hits for one word a recursive delete removes. */
function recursiveDeleteHits(ctx: BashContext, word: ArgWord, at: number, what: string): Hit[] {
  const span = spanOf(word);
  const { paths, unknown } = pathsOf(ctx, word, at);
  const hits: Hit[] = [];
  if (unknown) hits.push({ category: 'destructive', rule: 'recursive-delete', reason: `${what} ${unknown}, so what it deletes cannot be checked`, span });
  const seen = new Set<string>();
  // `rm -rf *` empties the directory whatever the glob matches on disk: judge the directory itself.
  if (word.dynamic && /[*?]/.test(word.value)) {
    for (const pattern of pathsOf(ctx, { ...word, raw: `'${word.value}'` }, at).paths) {
      if (!/^[.*?]*[*?][.*?]*$/.test(posix.basename(pattern))) continue;
      const dir = posix.dirname(pattern);
      const problem = deletionProblem(ctx, dir);
      if (!problem || seen.has(problem)) continue;
      seen.add(problem);
      hits.push({ category: 'destructive', rule: 'recursive-delete', reason: `${what} everything in ${dir}, ${problem}`, span });
    }
  }
  for (const lexical of paths) {
    for (const path of deletionPaths(ctx, lexical, word.value.endsWith('/'))) {
      const problem = deletionProblem(ctx, path);
      if (!problem || seen.has(problem)) continue;
      seen.add(problem);
      hits.push({ category: 'destructive', rule: 'recursive-delete', reason: `${what} ${path}, ${problem}`, span });
    }
  }
  return hits;
}

function rm(command: EffectiveCommand, ctx: BashContext): Hit[] {
  const args = readArgs(command.words, ['interactive']);
  if (!hasFlag(args, 'r', 'R', 'recursive')) return [];
  const underFind = command.via.some((step) => step.startsWith('find '));
  const operands = args.operands.filter((w) => !(underFind && w.value.includes('{}')));
  if (operands.length === 0 && command.via[command.via.length - 1] === 'xargs') {
    return [{ category: 'destructive', rule: 'recursive-delete', reason: 'rm -r deletes whatever xargs reads from its input, which is only known at run time', span: commandSpan(command) }];
  }
  return operands.flatMap((word) => recursiveDeleteHits(ctx, word, command.start, 'rm -r deletes'));
}

/** Tests that limit what find matches; without one, `find DIR -delete` empties DIR. */
const FIND_NARROWING = new Set([
  '-name', '-iname', '-path', '-ipath', '-wholename', '-iwholename', '-regex', '-iregex', '-newer', '-newermt', '-newerct', '-newerat', '-mtime', '-mmin',
  '-atime', '-amin', '-ctime', '-cmin', '-size', '-empty', '-user', '-group', '-perm', '-lname', '-ilname', '-inum', '-samefile', '-links', '-used',
]);
const DELETING_PROGRAMS = new Set(['rm', 'rmdir', 'unlink', 'shred']);

function find(command: EffectiveCommand, ctx: BashContext): Hit[] {
  const words = command.words;
  const deletes = words.some((w, i) => w.value === '-delete' || (/^-(exec|execdir|ok|okdir)$/.test(w.value) && DELETING_PROGRAMS.has(posix.basename(words[i + 1]?.value ?? ''))));
  if (!deletes) return [];
  const roots = findRoots(words);
  const narrowed = words.some((w) => FIND_NARROWING.has(w.value));
  const hits: Hit[] = [];
  const what = 'find deletes everything it matches under';
  if (roots.length === 0) {
    const span = commandSpan(command);
    for (const dir of cwdsAt(ctx, command.start)) hits.push(...findRootHits(ctx, dir, span, narrowed, what));
    return hits;
  }
  for (const root of roots) {
    const { paths, unknown } = pathsOf(ctx, root, command.start);
    if (unknown) hits.push({ category: 'destructive', rule: 'recursive-delete', reason: `${what} ${unknown}, so what it deletes cannot be checked`, span: spanOf(root) });
    for (const path of paths) hits.push(...findRootHits(ctx, path, spanOf(root), narrowed, what));
  }
  return hits;
}

function findRootHits(ctx: BashContext, path: string, span: Span, narrowed: boolean, what: string): Hit[] {
  const problem = deletionProblem(ctx, path);
  // Inside the repository a name or type test keeps the delete to what it names (`find . -name '*.pyc' -delete`).
  if (problem && !(narrowed && problem.endsWith('the repository itself'))) return [{ category: 'destructive', rule: 'recursive-delete', reason: `${what} ${path}, ${problem}`, span }];
  return judgeWritePath(ctx, path, span, what);
}

function git(command: EffectiveCommand): Hit[] {
  const invocation = gitInvocation(command);
  const span = commandSpan(command);
  const hit = (rule: string, reason: string): Hit[] => [{ category: 'destructive', rule, reason, span }];
  const words = invocation.words;
  switch (invocation.subcommand) {
    case 'push': {
      const args = readArgs(words, ['o', 'push-option', 'repo', 'receive-pack', 'exec']);
      const flag = ['force', 'f', 'force-with-lease', 'force-if-includes', 'mirror', 'delete', 'd', 'prune'].find((name) => args.flags.has(name));
      if (flag) return hit('force-push', `git push ${flag.length === 1 ? '-' : '--'}${flag} overwrites or deletes remote history`);
      const refspec = args.operands.slice(1).find((w) => w.value.startsWith('+') || w.value.startsWith(':'));
      if (refspec) return hit('force-push', `git push ${refspec.value} ${refspec.value.startsWith('+') ? 'force-updates' : 'deletes'} a remote branch`);
      return [];
    }
    case 'reset': {
      const args = readArgs(words);
      const target = args.operands[0]?.value;
      if (hasFlag(args, 'hard') && target !== undefined && target !== 'HEAD' && target !== '@') {
        return hit('hard-reset', `git reset --hard ${target} throws away commits and uncommitted work`);
      }
      return [];
    }
    case 'clean': {
      const args = readArgs(words, ['e', 'exclude']);
      if (hasFlag(args, 'x', 'X') && !hasFlag(args, 'n', 'dry-run')) return hit('clean-ignored', 'git clean -x deletes ignored files, which git cannot restore');
      return [];
    }
    case 'reflog': {
      const verb = words[0]?.value;
      return verb === 'expire' || verb === 'delete' ? hit('history-rewrite', `git reflog ${verb} deletes the record needed to recover lost commits`) : [];
    }
    case 'gc': {
      const prune = lastValue(readArgs(words), 'prune')?.value;
      return prune === 'now' || prune === 'all' ? hit('history-rewrite', `git gc --prune=${prune} deletes unreachable commits at once`) : [];
    }
    case 'filter-branch':
    case 'filter-repo':
      return hit('history-rewrite', `git ${invocation.subcommand} rewrites the repository's history`);
    case 'update-ref':
      return hasFlag(readArgs(words), 'd', 'delete') ? hit('history-rewrite', 'git update-ref -d deletes a ref outright') : [];
    default:
      return [];
  }
}

/** An octal or symbolic chmod mode that lets everyone write. */
export function worldWritable(mode: string): boolean {
  if (/^[0-7]{3,4}$/.test(mode)) return (Number(mode[mode.length - 1]) & 2) !== 0;
  return mode.split(',').some((clause) => {
    const m = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(clause);
    return m !== null && /[oa]/.test(m[1]!) && m[2] !== '-' && m[3]!.includes('w');
  });
}

function permissions(command: EffectiveCommand, ctx: BashContext): Hit[] {
  const { args, targets, mode } = permissionTargets(command);
  if (!hasFlag(args, 'R', 'recursive')) return [];
  const span = commandSpan(command);
  if (command.program === 'chmod' && mode && worldWritable(mode)) {
    return [{ category: 'destructive', rule: 'world-writable', reason: `chmod -R ${mode} makes a whole tree writable by every user`, span }];
  }
  const hits: Hit[] = [];
  for (const target of targets) {
    for (const path of pathsOf(ctx, target, command.start).paths) {
      if (safeRepoRelative(ctx, path) !== undefined) continue;
      hits.push({ category: 'destructive', rule: 'recursive-permissions', reason: `${command.program} -R changes every file under ${path}, outside the repository`, span: spanOf(target) });
    }
  }
  return hits;
}

const DISK_TOOLS = /^(mkfs(\..+)?|mke2fs|mkswap|mkdosfs|wipefs|blkdiscard|fdisk|sfdisk|sgdisk|cfdisk|parted|badblocks|zpool|mdadm)$/;

/** Disk tools: formatting or repartitioning a device, or any file outside the repository. */
function disk(command: EffectiveCommand, ctx: BashContext): Hit[] {
  const hits: Hit[] = [];
  for (const word of command.words) {
    if (word.value.startsWith('-')) continue;
    for (const path of pathsOf(ctx, word, command.start).paths) {
      if (!path.startsWith('/dev/') && safeRepoRelative(ctx, path) !== undefined) continue;
      hits.push({ category: 'destructive', rule: 'disk-format', reason: `${command.program} rewrites ${path}, destroying what is on it`, span: spanOf(word) });
    }
  }
  return hits;
}

/**
 * A shell function that starts itself more than once per call, in a pipeline or in the background
 * (`:(){ :|:& };:`), multiplies processes until the machine stops. The command list does not keep
 * function definitions, so their bodies are found in the text (the script, and every string a shell
 * or eval runs) and the calls in them are taken from the parsed commands.
 */
export function forkBombs(text: string, commands: readonly EffectiveCommand[]): string[] {
  const names: string[] = [];
  const definition = /(?:^|[\s;&|(){}])(?:function\s+([^\s(){};|&<>]+)\s*(?:\(\s*\))?|([^\s(){};|&<>=$`'"]+)\s*\(\s*\))\s*\{/g;
  for (const match of text.matchAll(definition)) {
    const name = match[1] ?? match[2]!;
    const open = match.index + match[0].length - 1;
    const close = closingBrace(text, open);
    const calls = commands.filter((command) => command.program === name && command.start > open && command.start < close);
    const body = text.slice(open + 1, close).replace(/&&|\|\|/g, '');
    const forks = /[|&]/.test(body) && calls.length >= 2;
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const background = calls.length > 0 && new RegExp(`(^|[\\s;|({])${escaped}\\s*&`).test(body);
    if (forks || background) names.push(name);
  }
  return names;
}

function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return text.length;
}

const SHELLS = new Set(['bash', 'sh', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'eval']);

function forkBombHits(ctx: BashContext): Hit[] {
  const texts: Array<{ text: string; commands: readonly EffectiveCommand[]; span: Span }> = [{ text: ctx.script, commands: ctx.parsed.commands, span: { start: 0, end: ctx.script.length } }];
  for (const command of ctx.parsed.commands) {
    if (!SHELLS.has(command.program)) continue;
    for (const word of command.words) if (word.value.includes('{')) texts.push({ text: word.value, commands: effectiveCommands(word.value).commands, span: spanOf(word) });
  }
  return texts.flatMap(({ text, commands, span }) =>
    forkBombs(text, commands).map((name) => ({ category: 'destructive' as const, rule: 'fork-bomb', reason: `the function ${name} starts copies of itself without end (a fork bomb)`, span })),
  );
}

export const destructiveCommands: BashCheck = {
  name: 'destructive-commands',
  command(command, ctx) {
    if (command.dynamic) return [];
    const program = command.program;
    if (program === 'rm') return rm(command, ctx);
    if (program === 'find') return find(command, ctx);
    if (program === 'git') return git(command);
    if (program === 'chmod' || program === 'chown' || program === 'chgrp') return permissions(command, ctx);
    if (DISK_TOOLS.test(program)) return disk(command, ctx);
    return [];
  },
  script: forkBombHits,
};

