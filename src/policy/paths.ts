// Judges the path of a Read, Write, Edit or NotebookEdit call against a ResolvedPolicy: secret paths, write scope, protected paths.

import { posix } from 'node:path';
import picomatch from 'picomatch';
import { nodeFs, type PolicyFs } from './fs.js';
import { escapeGlob, type ResolvedPolicy, type ToolName } from './roles.js';
import type { PolicyCategory } from '../config/policy-schema.js';

export type PathTool = 'Read' | 'Write' | 'Edit' | 'NotebookEdit';

export interface PathRequest {
  tool: PathTool;
  path: string;
  /** The hook's cwd: relative tool paths are relative to it. */
  cwd: string;
  /** The agent's home directory, for `~` in the request and in patterns. */
  home: string;
}

export type PathRuleId =
  | 'path-allowed'
  | 'secret-path'
  | 'protected-path'
  | 'read-only-role'
  | 'tool-not-in-role'
  | 'outside-repository'
  | 'outside-write-scope'
  | 'unresolvable-path';

export interface PathJudgement {
  decision: 'allow' | 'deny' | 'ask';
  /** The category whose decision applied; null for an allow and for a failure to judge. */
  category: PolicyCategory | null;
  rule: PathRuleId;
  reason: string;
  /** The absolute path the call would really touch, symlinks resolved; the request's path if resolving failed. */
  resolved: string;
}

const WRITE_TOOLS: ReadonlySet<PathTool> = new Set(['Write', 'Edit', 'NotebookEdit']);
// Linux's own limit (ELOOP); a cycle of links must end in a deny, not a hang.
const MAX_SYMLINK_HOPS = 40;

interface Hit {
  category: PolicyCategory;
  rule: PathRuleId;
  reason: string;
}

/** Any exception, from the file system or from a pattern, is a deny that says what went wrong: the hook fails closed. */
export function judgePath(policy: ResolvedPolicy, request: PathRequest, fs: PolicyFs = nodeFs): PathJudgement {
  let resolved = request.path;
  try {
    const lexical = absolutePath(request);
    resolved = physicalPath(lexical, fs);
    // The tool may open the normalised path or hand the raw one to the kernel, which resolves each link
    // before the `..` after it; each reading is judged and the strictest answer wins.
    const raw = rawAbsolutePath(request);
    const candidates = unique([lexical, resolved, physicalPath(raw, fs)]);
    const hits = candidates.flatMap((candidate) => judgeCandidate(policy, request, candidate, resolved, fs));
    const hit = hits.find((one) => policy.decisions[one.category] === 'deny') ?? hits[0];
    if (!hit) return { decision: 'allow', category: null, rule: 'path-allowed', reason: `${request.tool} of ${resolved} is allowed`, resolved };
    return { decision: policy.decisions[hit.category], category: hit.category, rule: hit.rule, reason: hit.reason, resolved };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { decision: 'deny', category: null, rule: 'unresolvable-path', reason: `cannot judge ${JSON.stringify(request.path)}: ${message}`, resolved };
  }
}

function judgeCandidate(policy: ResolvedPolicy, request: PathRequest, path: string, resolved: string, fs: PolicyFs): Hit[] {
  const home = homeVariants(request.home, fs);
  const rel = repoRelative(policy.repoRoot, path, fs);
  const nocase = caseInsensitiveFs();
  const hits: Hit[] = [];
  const secret = matchPatterns(policy.secretPaths, path, rel, home, nocase, policy.secretExceptions);
  if (secret) hits.push({ category: 'secret-access', rule: 'secret-path', reason: `${path} is a secret path (${secret})` });
  if (!WRITE_TOOLS.has(request.tool)) return hits;

  const protectedBy = matchPatterns(policy.protectedPaths, path, rel, home, nocase, []);
  if (protectedBy) hits.push({ category: 'protected-path', rule: 'protected-path', reason: `${path} is protected (${protectedBy}); no role may write it` });
  if (policy.repo === 'read-only') {
    hits.push({ category: 'write-scope', rule: 'read-only-role', reason: `the ${policy.role} role may not write files` });
  } else if (!policy.tools.includes(request.tool as ToolName)) {
    hits.push({ category: 'write-scope', rule: 'tool-not-in-role', reason: `the ${policy.role} role may not use ${request.tool}` });
  }
  if (rel === undefined) {
    hits.push({ category: 'write-scope', rule: 'outside-repository', reason: `${path} is outside the repository ${policy.repoRoot}` });
  } else if (policy.repo === 'read-write' && !(rel !== '' && matcher([...policy.writeScope], { dot: true, nocase })(rel))) {
    hits.push({ category: 'write-scope', rule: 'outside-write-scope', reason: `${rel} is outside the ${policy.role} role's write scope` });
  }
  // The resolved path is what gets written; say so when a link redirected the call.
  if (path !== resolved) for (const hit of hits) hit.reason += ` (resolved ${resolved})`;
  return hits;
}

/**
 * The first pattern that matches `path`, or undefined. A pattern is tried against every ancestor as well,
 * so a matched directory covers what is below it (git's rule). Kinds:
 * - `~/…` and `/…`: absolute, against the absolute path;
 * - `**\/…`: against the repository-relative path and, outside the repository, the absolute one;
 * - other patterns with a slash: anchored at the repository root;
 * - no slash: against each path component (repository components inside it, all components outside).
 */
function matchPatterns(
  patterns: readonly string[],
  path: string,
  rel: string | undefined,
  home: readonly string[],
  nocase: boolean,
  exceptions: readonly string[],
): string | undefined {
  const options = { dot: true, nocase };
  const absParts = path.split('/').filter(Boolean);
  const relParts = rel === undefined ? undefined : rel.split('/').filter(Boolean);
  const absPrefixes = prefixes(absParts).map((prefix) => `/${prefix}`);
  const relPrefixes = relParts ? prefixes(relParts) : [];
  const components = relParts ?? absParts;
  const excepted = exceptions.length > 0 ? matcher([...exceptions], options) : () => false;

  for (const raw of patterns) {
    const pattern = raw.endsWith('/') && raw.length > 1 ? raw.slice(0, -1) : raw;
    if (pattern === '~' || pattern.startsWith('~/')) {
      const globs = home.map((dir) => escapeGlob(dir) + pattern.slice(1));
      if (absPrefixes.some(matcher(globs, options))) return raw;
    } else if (pattern.startsWith('/')) {
      if (absPrefixes.some(matcher(pattern, options))) return raw;
    } else if (pattern.startsWith('**/')) {
      const targets = relParts ? relPrefixes : absPrefixes.map((prefix) => prefix.slice(1));
      if (targets.some(matcher(pattern, options))) return raw;
    } else if (pattern.includes('/')) {
      if (relPrefixes.some(matcher(pattern, options))) return raw;
    } else {
      const isMatch = matcher(pattern, options);
      if (components.some((name) => isMatch(name) && !excepted(name))) return raw;
    }
  }
  return undefined;
}

/** Compiled matchers, kept: compiling the same few dozen patterns on every call made a judgement cost milliseconds. */
const MATCHERS = new Map<string, (path: string) => boolean>();
const MAX_MATCHERS = 5_000;

function matcher(pattern: string | string[], options: { dot: boolean; nocase: boolean }): (path: string) => boolean {
  const key = JSON.stringify([pattern, options.dot, options.nocase]);
  let found = MATCHERS.get(key);
  if (!found) {
    if (MATCHERS.size >= MAX_MATCHERS) MATCHERS.clear();
    const compiled = picomatch(pattern, options);
    found = (path: string) => compiled(path);
    MATCHERS.set(key, found);
  }
  return found;
}

function prefixes(parts: readonly string[]): string[] {
  return parts.map((_, index) => parts.slice(0, index + 1).join('/'));
}

/** The request's path made absolute, `~` expanded and `.`/`..` removed lexically. */
function absolutePath(request: PathRequest): string {
  return posix.resolve(rawAbsolutePath(request));
}

/** Absolute but not normalised: the `..` after a symlink is left for physicalPath to apply after the link. */
function rawAbsolutePath(request: PathRequest): string {
  const { path, cwd, home } = request;
  if (typeof path !== 'string' || path === '') throw new Error('the path is empty');
  if (path.includes('\0')) throw new Error('the path contains a NUL character');
  if (!posix.isAbsolute(cwd) || !posix.isAbsolute(home)) throw new Error('cwd and home must be absolute');
  if (path === '~' || path.startsWith('~/')) return home + path.slice(1);
  // `~user` names another account's home, which cordon cannot know; guessing could open the wrong file.
  if (path.startsWith('~')) throw new Error('~user paths are not supported');
  return posix.isAbsolute(path) ? path : `${cwd}/${path}`;
}

/**
 * The path the kernel would open: components walked left to right, each symlink replaced by its target
 * (so `/proc/self/root/…` and dangling links are followed), `..` applied to the real directory. Below the
 * first missing component the rest is taken as written, since nothing there can be a link yet. This is
 * realpath of the deepest existing ancestor plus the rest, except that a dangling link is followed too:
 * writing through it would create its target.
 */
export function physicalPath(absolute: string, fs: PolicyFs = nodeFs): string {
  const queue = absolute.split('/').filter(Boolean);
  let real = '/';
  let missing = false;
  let hops = 0;
  while (queue.length > 0) {
    const part = queue.shift() as string;
    if (part === '.') continue;
    if (part === '..') {
      real = posix.dirname(real);
      // Climbing back out of a missing part may land on existing links again: look again.
      missing = false;
      continue;
    }
    const next = real === '/' ? `/${part}` : `${real}/${part}`;
    if (missing) {
      real = next;
      continue;
    }
    // Anything but "not there" (EACCES, EIO …) throws from kind(): it could hide a link, so refuse rather than guess.
    const kind = fs.kind(next);
    if (kind === undefined) {
      missing = true;
      real = next;
      continue;
    }
    if (kind !== 'symlink') {
      real = next;
      continue;
    }
    if (++hops > MAX_SYMLINK_HOPS) throw new Error(`too many levels of symbolic links at ${next}`);
    const target = fs.readlink(next);
    if (target.startsWith('/')) real = '/';
    queue.unshift(...target.split('/').filter(Boolean));
  }
  return real;
}

/** Relative to the repository root (its real path first), or undefined outside it. */
export function repoRelative(repoRoot: string, path: string, fs: PolicyFs = nodeFs): string | undefined {
  for (const root of unique([physicalPath(repoRoot, fs), repoRoot])) {
    const rel = posix.relative(root, path);
    if (rel === '') return '';
    if (rel !== '..' && !rel.startsWith('../') && !posix.isAbsolute(rel)) return rel;
  }
  return undefined;
}

function homeVariants(home: string, fs: PolicyFs): string[] {
  const normal = posix.resolve(home);
  return unique([normal, physicalPath(normal, fs)]);
}

/** macOS and Windows file systems usually ignore case: `.GITHUB/` is `.github/` there. */
function caseInsensitiveFs(): boolean {
  return process.platform === 'darwin' || process.platform === 'win32';
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
