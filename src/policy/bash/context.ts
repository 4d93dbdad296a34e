// What every Bash check gets: the parsed command, the policy, and helpers that turn words into the paths they name.

import { posix } from 'node:path';
import picomatch from 'picomatch';
import type { ArgWord, EffectiveCommand, EffectiveCommands, EffectiveRedirect } from '../bash-commands.js';
import type { PolicyFs } from '../fs.js';
import { judgePath, type PathTool } from '../paths.js';
import type { ResolvedPolicy } from '../roles.js';
import type { Hit, Span } from '../verdict.js';

export interface BashContext {
  policy: ResolvedPolicy;
  fs: PolicyFs;
  /** The hook's cwd and the agent's home, both absolute. */
  cwd: string;
  home: string;
  /** The whole Bash command as the agent sent it; spans index into it. */
  script: string;
  parsed: EffectiveCommands;
  /** How deep in script files (`bash scripts/x.sh` → its text) this judgement is; 0 for the tool call itself. */
  depth: number;
  /** Judges another script's text (a script file the command runs) with the same checks; hits get `span`. */
  judgeNested(text: string, label: string, span: Span): Hit[];
}

/** A Bash check: looks at commands, redirections or the whole script, and reports hits. It never throws on purpose. */
export interface BashCheck {
  name: string;
  command?(command: EffectiveCommand, ctx: BashContext): Hit[];
  redirect?(redirect: EffectiveRedirect, ctx: BashContext): Hit[];
  script?(ctx: BashContext): Hit[];
}

/** What a word may name once the shell has expanded it. */
export interface WordPaths {
  /** Absolute, lexically normalised paths, one per working-directory candidate and expansion. */
  paths: string[];
  /** Set when run time decides part of the word (a substitution, an unknown variable): the paths are then incomplete. */
  unknown: string | undefined;
}

export function spanOf(word: { start: number; raw: string }): Span {
  return { start: word.start, end: word.start + word.raw.length };
}

export function commandSpan(command: EffectiveCommand): Span {
  const last = command.words[command.words.length - 1];
  return { start: command.start, end: last ? last.start + last.raw.length : command.start + command.path.length };
}

/**
 * The working directories a command may run in: the hook's cwd, plus every `cd`/`pushd` target written
 * before it in the script. Subshells are not tracked, so every earlier `cd` counts: stricter, never looser.
 */
export function cwdsAt(ctx: BashContext, offset: number): string[] {
  const dirs = [ctx.cwd];
  for (const command of ctx.parsed.commands) {
    if (command.start >= offset) break;
    if (command.program !== 'cd' && command.program !== 'pushd') continue;
    const target = command.words.find((w) => !w.value.startsWith('-') || w.value === '-');
    if (!target) {
      dirs.push(ctx.home);
      continue;
    }
    if (target.value === '-') continue;
    const expanded = expandWord(ctx, target, command.start, dirs);
    for (const path of expanded.paths) if (!dirs.includes(path)) dirs.push(path);
  }
  return dirs;
}

/** The paths a word names, from every working directory the command may run in. */
export function pathsOf(ctx: BashContext, word: ArgWord, at: number): WordPaths {
  return expandWord(ctx, word, at, cwdsAt(ctx, at));
}

const GLOB_CHARS = /[*?[]/;

function expandWord(ctx: BashContext, word: ArgWord, at: number, cwds: readonly string[]): WordPaths {
  const variables = variablesAt(ctx, at);
  const values: string[] = [];
  let unknown: string | undefined;
  for (const text of substitute(word, variables, ctx)) {
    if (/[`]|\$\(|\$\{?[A-Za-z_0-9@*#?!$-]/.test(text)) {
      unknown = `${JSON.stringify(word.raw)} is only known at run time`;
      continue;
    }
    values.push(text);
  }
  const paths: string[] = [];
  for (const value of values.flatMap(expandBraces)) {
    if (value === '') continue;
    const tilde = value === '~' || value.startsWith('~/') ? ctx.home + value.slice(1) : value;
    for (const dir of cwds) {
      const absolute = posix.resolve(dir, tilde);
      if (word.dynamic && GLOB_CHARS.test(unquotedGlobPart(word.raw, value))) paths.push(...expandGlob(ctx, absolute));
      else paths.push(absolute);
    }
  }
  return { paths: [...new Set(paths)], unknown };
}

/**
 * Known variables substituted: HOME, PWD and names assigned a literal earlier in the script (`F=.env`,
 * `for f in a b`). A name assigned several times yields every value.
 */
function substitute(word: ArgWord, variables: ReadonlyMap<string, string[]>, ctx: BashContext): string[] {
  if (!word.dynamic || !word.raw.includes('$')) return [word.value];
  let results = [''];
  const pattern = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;
  let last = 0;
  const value = word.value;
  for (const match of value.matchAll(pattern)) {
    const name = match[1] ?? match[2] ?? '';
    const known = name === 'HOME' ? [ctx.home] : name === 'PWD' ? cwdsAt(ctx, word.start) : variables.get(name);
    const before = value.slice(last, match.index);
    last = match.index + match[0].length;
    const options = known && known.length > 0 ? known : [match[0]];
    results = results.flatMap((prefix) => options.map((option) => prefix + before + option));
  }
  const tail = value.slice(last);
  return results.map((prefix) => prefix + tail);
}

/** Literal assignments written before `at`: `NAME=value` commands, `export NAME=value`, `for NAME in words`. */
export function variablesAt(ctx: BashContext, at: number): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const add = (name: string, value: string): void => {
    const list = found.get(name) ?? [];
    if (!list.includes(value)) list.push(value);
    found.set(name, list);
  };
  const text = ctx.script.slice(0, at);
  for (const match of text.matchAll(/(?:^|[\s;&|(])(?:export\s+|local\s+|readonly\s+|declare\s+)?([A-Za-z_][A-Za-z0-9_]*)=('[^']*'|"[^"`$]*"|[^\s;&|()`$'"]*)/g)) {
    add(match[1]!, match[2]!.replace(/^(['"])(.*)\1$/s, '$2'));
  }
  for (const match of text.matchAll(/\bfor\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\s+([^;\n]*)/g)) {
    for (const item of match[2]!.trim().split(/\s+/)) if (item) add(match[1]!, item.replace(/^(['"])(.*)\1$/s, '$2'));
  }
  return found;
}

/** `a{b,c}d` → `abd`, `acd`; nested and numeric ranges are left as written. */
function expandBraces(value: string): string[] {
  const match = /\{([^{}]*,[^{}]*)\}/.exec(value);
  if (!match) return [value];
  const head = value.slice(0, match.index);
  const tail = value.slice(match.index + match[0].length);
  return match[1]!.split(',').flatMap((option) => expandBraces(head + option + tail));
}

/** The part of a value that came from unquoted text, for telling a real glob from a quoted `*`. */
function unquotedGlobPart(raw: string, value: string): string {
  return raw.includes("'") || raw.includes('"') ? raw.replace(/'[^']*'|"[^"]*"/g, '') : value;
}

/**
 * Names a glob could match: entries that exist (through the fs), and the names of well-known secret
 * files in the glob's directory, so `cat .e*` is judged as `cat .env` even where no `.env` exists yet.
 */
export const SECRET_NAME_SAMPLES = [
  '.env', '.env.local', '.env.production', 'id_rsa', 'id_ed25519', 'id_ecdsa', 'credentials', 'config', '.npmrc', '.netrc', '.pypirc',
  '.git-credentials', 'terraform.tfstate', 'kubeconfig', 'hosts.yml', '.credentials.json', 'environ', 'shadow', 'server.pem', 'server.key',
  'secrets', '.ssh', '.aws', '.kube', '.gnupg', '.docker', '.git',
];

function expandGlob(ctx: BashContext, absolute: string): string[] {
  const parts = absolute.split('/').filter(Boolean);
  const firstGlob = parts.findIndex((part) => GLOB_CHARS.test(part));
  if (firstGlob === -1) return [absolute];
  const base = `/${parts.slice(0, firstGlob).join('/')}`;
  // Like bash: `*` skips dot files unless the script turns dotglob on (or sets GLOBIGNORE, which does too).
  const dot = /\bshopt\s+-s\s+(?:\w+\s+)*dotglob\b|\bGLOBIGNORE=/.test(ctx.script);
  const isMatch = picomatch(absolute, { dot });
  // Samples only stand in for a glob that spells part of a name (`.e*`, `*.pem`); a bare `*` or `src/*`
  // matches what is really there, or `grep x *` would be refused in every directory.
  const spelled = parts.slice(firstGlob).some((part) => /[^*?]/.test(part.replace(/\[[^\]]*\]/g, '')));
  const samples = spelled || dot ? SECRET_NAME_SAMPLES : [];
  const found = new Set<string>();
  // A directory is only worth entering when the glob's leading components match it (a `**` matches any).
  const leading = parts.map((_, i) => (parts.slice(firstGlob, i + 1).includes('**') ? () => true : picomatch(`/${parts.slice(0, i + 1).join('/')}`, { dot })));
  // Walk at most the glob's own depth below its literal base.
  const walk = (dir: string, depth: number): void => {
    if (depth > parts.length - firstGlob) return;
    const names = new Set([...(ctx.fs.list(dir) ?? []), ...samples]);
    for (const name of names) {
      const path = dir === '/' ? `/${name}` : `${dir}/${name}`;
      if (isMatch(path)) found.add(path);
      else if ((ctx.fs.kind(path) === 'dir' || samples.includes(name)) && leading[firstGlob + depth - 1]!(path)) walk(path, depth + 1);
    }
  };
  walk(base, 1);
  // A glob that matches nothing is passed through as written by bash; judge the pattern text too.
  return found.size > 0 ? [...found] : [absolute];
}

/** Judges a path word for reading (secret paths) or writing (write scope, protected, secret). */
export function judgeWordPath(ctx: BashContext, word: ArgWord, at: number, tool: PathTool, ruleForUnknown?: Hit): Hit[] {
  const { paths, unknown } = pathsOf(ctx, word, at);
  const hits: Hit[] = [];
  const span = spanOf(word);
  for (const path of paths) {
    const judgement = judgePath(ctx.policy, { tool, path, cwd: ctx.cwd, home: ctx.home }, ctx.fs);
    if (judgement.decision === 'allow') continue;
    hits.push({ category: judgement.category, rule: judgement.rule, reason: judgement.reason, span });
  }
  if (unknown && ruleForUnknown) hits.push({ ...ruleForUnknown, reason: `${ruleForUnknown.reason}: ${unknown}`, span });
  return hits;
}
