// Writes cordon's entries into a `.claudeignore` without disturbing a single byte of what the user wrote there.

import ignore from 'ignore';
import { UsageError } from '../core/errors.js';

export interface IgnoreEntry {
  pattern: string;
  reason: string;
}

export interface ClaudeignoreUpdate {
  text: string;
  /** Patterns the managed block holds now that it did not hold before. */
  added: string[];
  /** Patterns left out because one of the user's own lines already decides them (`line`: 1-based, in `existing`). */
  skipped: { pattern: string; cause: 'present' | 'negated'; line: number }[];
  /** Managed patterns that a user negation partly overrides: kept, since they still cover other paths. */
  narrowed: { pattern: string; negation: string; line: number }[];
}

/** An existing `.claudeignore` cordon will not rewrite; `line` is 1-based. */
export class ClaudeignoreError extends UsageError {
  constructor(
    readonly line: number,
    readonly detail: string,
  ) {
    super(`.claudeignore:${line}: ${detail}`);
  }
}

export const BLOCK_START = '# >>> cordon secrets (managed) >>>';
export const BLOCK_END = '# <<< cordon secrets (managed) <<<';

/**
 * Files that hold credentials by what they are. Unanchored, so they apply at any depth; paths with a
 * directory part start with `**` because a middle slash would otherwise anchor them to the root.
 * There is deliberately no `!.env.example`: the managed block may never un-ignore anything, since it
 * could then override an ignore the user wrote. `.env.*` therefore hides `.env.example` too; a user
 * who wants the agent to see it writes `!.env.example` below the block, and updates keep it winning.
 * Data files named `secrets.<yml|json|…>` are hidden; source files such as `secrets.ts` are not.
 */
export const DEFAULT_CLAUDEIGNORE: readonly IgnoreEntry[] = [
  { pattern: '.env', reason: 'dotenv file' },
  { pattern: '.env.*', reason: 'dotenv variant (also hides .env.example)' },
  { pattern: '*.pem', reason: 'PEM key or certificate' },
  { pattern: '*.key', reason: 'private key' },
  { pattern: 'id_rsa*', reason: 'SSH private key' },
  { pattern: 'id_ed25519*', reason: 'SSH private key' },
  { pattern: 'id_ecdsa*', reason: 'SSH private key' },
  { pattern: '*.p12', reason: 'PKCS#12 key store' },
  { pattern: '*.pfx', reason: 'PKCS#12 key store' },
  { pattern: '.npmrc', reason: 'npm auth token' },
  { pattern: '.pypirc', reason: 'PyPI password' },
  { pattern: '.netrc', reason: 'netrc passwords' },
  { pattern: '.git-credentials', reason: 'git credential store' },
  { pattern: '*.tfstate', reason: 'Terraform state holds resource secrets' },
  { pattern: '*.tfstate.*', reason: 'Terraform state backup' },
  { pattern: 'kubeconfig*', reason: 'Kubernetes credentials' },
  { pattern: '**/.kube/config', reason: 'Kubernetes credentials' },
  { pattern: '**/.docker/config.json', reason: 'Docker registry auths' },
  { pattern: '**/.aws/credentials', reason: 'AWS credentials' },
  { pattern: 'credentials*.json', reason: 'cloud credentials JSON' },
  ...['yml', 'yaml', 'json', 'toml', 'ini', 'env'].map((ext) => ({ pattern: `secrets.${ext}`, reason: 'secrets file' })),
];

/** A gitignore pattern split into literal characters (escapes resolved) and glob syntax kept raw. */
export type PatternToken = { literal: string } | { glob: string };

export interface IgnorePattern {
  negated: boolean;
  /** A trailing `/`: matches directories only. */
  dirOnly: boolean;
  /** A slash before the end ties the pattern to the ignore file's directory. */
  anchored: boolean;
  /** The pattern without `!`, the leading `/` and the trailing `/`. */
  tokens: PatternToken[];
  /**
   * Equal for patterns git treats the same: trailing spaces dropped, needless escapes removed,
   * `/a/b` = `a/b`, and `x` = `**\/x` = `/**\/x`. `/x` and `x` differ: only `x` matches below the root.
   */
  key: string;
}

/** One `.claudeignore` line read the way git reads a `.gitignore` line; undefined for blanks and comments. */
export function parseIgnorePattern(line: string): IgnorePattern | undefined {
  let body = trimTrailingSpaces(line);
  if (body === '' || body.startsWith('#')) return undefined;
  const negated = body.startsWith('!');
  if (negated) body = body.slice(1);
  const dirOnly = body.endsWith('/');
  if (dirOnly) body = body.slice(0, -1);
  // git counts any slash left, escaped or not, as anchoring.
  const anchored = body.includes('/');
  if (body.startsWith('/')) body = body.slice(1);
  // An empty pattern (`/`, `!`, `!/`) matches nothing in git.
  if (body === '') return undefined;
  const tokens = tokenize(body);
  const path = tokens.map((token) => ('glob' in token ? token.glob : token.literal.replace(/[*?[\]\\]/, '\\$&'))).join('');
  const key = (anchored || path.startsWith('**/') ? path : `**/${path}`) + (dirOnly ? '/' : '');
  return { negated, dirOnly, anchored, tokens, key };
}

/**
 * An anchored pattern that matches exactly one repository file, such as `/config/prod.env`.
 * `*?[]\` are escaped everywhere; `#` and `!` only mean something as a line's first character,
 * which the leading `/` never leaves them. Trailing spaces are escaped because git drops them
 * otherwise. A newline or carriage return cannot be written in a gitignore line, so it becomes `?`,
 * which matches one more character than intended rather than none.
 */
export function patternForSecretFile(path: string): string {
  const segments = path.split('/');
  if (path === '' || segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new RangeError(`not a repository-relative file path: ${JSON.stringify(path)}`);
  }
  const escaped = path.replace(/[*?[\]\\]/g, '\\$&').replace(/[\r\n]/g, '?');
  return `/${escaped.replace(/ +$/, (spaces) => '\\ '.repeat(spaces.length))}`;
}

/**
 * The `.claudeignore` text with `entries` merged into cordon's managed block. The block is placed
 * before the user's first negation (and the comments directly above it) because gitignore's last
 * match wins: a user's `!path` must come after every managed pattern to keep un-ignoring it.
 */
export function updateClaudeignore(existing: string | undefined, entries: readonly IgnoreEntry[]): ClaudeignoreUpdate {
  const bom = existing?.startsWith('\uFEFF') ? '\uFEFF' : '';
  const lines = splitLines((existing ?? '').slice(bom.length));
  const eol = eolOf(existing ?? '');
  const { user, block, blockAt } = separateBlock(lines);

  // The last user line with a given key decides it, exactly as gitignore's last match does.
  const decided = new Map<string, { negated: boolean; line: number }>();
  const negations: { path: string; raw: string; line: number }[] = [];
  for (const line of user) {
    const parsed = parseIgnorePattern(line.content);
    if (!parsed) continue;
    decided.set(parsed.key, { negated: parsed.negated, line: line.number });
    if (parsed.negated && parsed.tokens.every((token) => 'literal' in token)) {
      const path = parsed.tokens.map((token) => ('literal' in token ? token.literal : '')).join('') + (parsed.dirOnly ? '/' : '');
      if (ignore.isPathValid(path)) negations.push({ path, raw: line.content, line: line.number });
    }
  }

  const previous = new Set(block.map((entry) => entry.key));
  const candidates = new Map<string, { pattern: string; reason: string; fromInput: boolean }>();
  for (const entry of [...entries.map((entry) => managedEntry(entry)), ...block]) {
    const known = candidates.get(entry.key);
    if (!known) candidates.set(entry.key, entry);
    else {
      // The shortest spelling wins (`.env` over `**/.env`), then code-unit order, so the choice
      // does not depend on the order entries arrive in.
      if (entry.pattern.length < known.pattern.length || (entry.pattern.length === known.pattern.length && entry.pattern < known.pattern)) known.pattern = entry.pattern;
      if (!known.fromInput && entry.fromInput) known.reason = entry.reason;
    }
  }

  const result: ClaudeignoreUpdate = { text: '', added: [], skipped: [], narrowed: [] };
  const kept: { pattern: string; reason: string }[] = [];
  for (const [key, entry] of candidates) {
    const decision = decided.get(key);
    if (decision) {
      result.skipped.push({ pattern: entry.pattern, cause: decision.negated ? 'negated' : 'present', line: decision.line });
      continue;
    }
    const matcher = ignore().add(entry.pattern);
    // git cannot re-include a file whose parent directory is excluded, so a managed pattern that
    // excludes a directory above a user's negated path would defeat the negation wherever it stands.
    const blocking = negations.find((negation) => parentsOf(negation.path).some((parent) => matcher.ignores(parent)));
    if (blocking) {
      result.skipped.push({ pattern: entry.pattern, cause: 'negated', line: blocking.line });
      continue;
    }
    for (const negation of negations) {
      if (matcher.ignores(negation.path)) result.narrowed.push({ pattern: entry.pattern, negation: negation.raw, line: negation.line });
    }
    kept.push(entry);
    if (!previous.has(key)) result.added.push(entry.pattern);
  }
  kept.sort((a, b) => compare(a.pattern, b.pattern));
  result.added.sort(compare);
  result.skipped.sort((a, b) => compare(a.pattern, b.pattern));
  result.narrowed.sort((a, b) => compare(a.pattern, b.pattern) || a.line - b.line);

  const blockText = kept.length === 0 ? '' : [BLOCK_START, ...kept.flatMap((entry) => (entry.reason ? [`# ${entry.reason}`, entry.pattern] : [entry.pattern])), BLOCK_END].map((line) => line + eol).join('');
  const insertAt = blockAt ?? insertionPoint(user);
  const raws = user.map((line, index) => (index === user.length - 1 ? terminated(line.raw, eol) : line.raw));
  result.text = bom + raws.slice(0, insertAt).join('') + blockText + raws.slice(insertAt).join('');
  return result;
}

interface Line {
  /** 1-based line number in the existing file. */
  number: number;
  /** The line as written, with its own terminator. */
  raw: string;
  /** Without the terminator (`\r\n` counts as one, as git reads it). */
  content: string;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline + 1;
    const raw = text.slice(start, end);
    lines.push({ number: lines.length + 1, raw, content: raw.endsWith('\n') ? raw.slice(0, raw.endsWith('\r\n') ? -2 : -1) : raw });
    start = end;
  }
  return lines;
}

/** The file's own line ending, judged by its first line break; new files get `\n`. */
function eolOf(text: string): string {
  const newline = text.indexOf('\n');
  return newline > 0 && text[newline - 1] === '\r' ? '\r\n' : '\n';
}

function terminated(raw: string, eol: string): string {
  if (raw.endsWith('\n')) return raw;
  // A final `foo\r` already holds half of a CRLF; a whole one would leave `foo\r` as the pattern.
  return raw + (raw.endsWith('\r') ? '\n' : eol);
}

/**
 * The user's lines, the entries of the managed block, and where the block stood when it must stay
 * put. It moves only when the user has since put a negation above it, since there it would override it.
 */
function separateBlock(lines: Line[]): { user: Line[]; block: (IgnoreEntry & { key: string; fromInput: false })[]; blockAt: number | undefined } {
  const starts = lines.filter((line) => line.content.trimEnd() === BLOCK_START);
  const ends = lines.filter((line) => line.content.trimEnd() === BLOCK_END);
  if (starts.length === 0 && ends.length === 0) return { user: lines, block: [], blockAt: undefined };
  const start = starts[0];
  const end = ends[0];
  if (starts.length > 1) throw new ClaudeignoreError((starts[1] as Line).number, 'a second cordon managed block starts here; merge them by hand');
  if (!start) throw new ClaudeignoreError((end as Line).number, 'the end of a cordon managed block without its start');
  if (!end || end.number < start.number || ends.length > 1) throw new ClaudeignoreError(start.number, 'a cordon managed block without exactly one end line after it');

  const block: (IgnoreEntry & { key: string; fromInput: false })[] = [];
  let reason = '';
  for (const line of lines.slice(start.number, end.number - 1)) {
    if (line.content.startsWith('#')) {
      reason = line.content.replace(/^#\s?/, '');
      continue;
    }
    const parsed = parseIgnorePattern(line.content);
    if (!parsed) {
      reason = '';
      continue;
    }
    if (parsed.negated) throw new ClaudeignoreError(line.number, 'a negation inside the cordon managed block would be dropped on the next run; move it below the block');
    block.push({ pattern: trimTrailingSpaces(line.content), reason, key: parsed.key, fromInput: false });
    reason = '';
  }

  const user = [...lines.slice(0, start.number - 1), ...lines.slice(end.number)];
  const before = start.number - 1;
  const negationAbove = user.slice(0, before).some((line) => parseIgnorePattern(line.content)?.negated);
  return { user, block, blockAt: negationAbove ? undefined : before };
}

/** Before the first user negation and the comment lines right above it; otherwise at the end. */
function insertionPoint(user: Line[]): number {
  const first = user.findIndex((line) => parseIgnorePattern(line.content)?.negated);
  if (first === -1) return user.length;
  let at = first;
  while (at > 0 && (user[at - 1] as Line).content.startsWith('#')) at--;
  return at;
}

function managedEntry(entry: IgnoreEntry): IgnoreEntry & { key: string; fromInput: true } {
  if (/[\r\n]/.test(entry.pattern)) throw new RangeError(`a gitignore pattern cannot hold a line break: ${JSON.stringify(entry.pattern)}`);
  const pattern = trimTrailingSpaces(entry.pattern);
  const parsed = parseIgnorePattern(pattern);
  if (!parsed) throw new RangeError(`not a gitignore pattern: ${JSON.stringify(entry.pattern)}`);
  if (parsed.negated) throw new RangeError(`the managed block never un-ignores anything: ${JSON.stringify(entry.pattern)}`);
  return { pattern, reason: commentText(entry.reason), key: parsed.key, fromInput: true };
}

/** A reason fit for one comment line that can never be mistaken for a block marker. */
function commentText(reason: string): string {
  return reason
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/<<<|>>>/g, (marks) => marks.slice(1))
    .trim();
}

/** Drops trailing spaces the way git does: only unescaped spaces, and only at the very end. */
function trimTrailingSpaces(line: string): string {
  let end = line.length;
  while (end > 0 && line[end - 1] === ' ') {
    let backslashes = 0;
    while (end - 2 - backslashes >= 0 && line[end - 2 - backslashes] === '\\') backslashes++;
    if (backslashes % 2 === 1) break;
    end--;
  }
  return line.slice(0, end);
}

/** Splits a pattern body as git's wildmatch reads it. */
function tokenize(body: string): PatternToken[] {
  const tokens: PatternToken[] = [];
  let i = 0;
  while (i < body.length) {
    const ch = body[i] as string;
    if (ch === '\\' && i + 1 < body.length) {
      tokens.push({ literal: body[i + 1] as string });
      i += 2;
    } else if (ch === '*') {
      let end = i;
      while (body[end] === '*') end++;
      tokens.push({ glob: body.slice(i, end) });
      i = end;
    } else if (ch === '?') {
      tokens.push({ glob: '?' });
      i++;
    } else if (ch === '[') {
      const end = classEnd(body, i);
      if (end === -1) tokens.push({ literal: '[' });
      else tokens.push({ glob: body.slice(i, end) });
      i = end === -1 ? i + 1 : end;
    } else {
      tokens.push({ literal: ch });
      i++;
    }
  }
  return tokens;
}

/** The offset after a bracket expression's closing `]`, or -1 when it never closes. */
function classEnd(body: string, open: number): number {
  let i = open + 1;
  if (body[i] === '!' || body[i] === '^') i++;
  if (body[i] === ']') i++;
  while (i < body.length) {
    if (body[i] === '\\') i += 2;
    else if (body.startsWith('[:', i)) {
      const close = body.indexOf(':]', i + 2);
      i = close === -1 ? i + 1 : close + 2;
    } else if (body[i] === ']') return i + 1;
    else i++;
  }
  return -1;
}

function parentsOf(path: string): string[] {
  const segments = path.replace(/\/$/, '').split('/');
  return segments.slice(0, -1).map((_, index) => `${segments.slice(0, index + 1).join('/')}/`);
}

/** Code-unit order: the same on every machine, unlike `localeCompare`. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
