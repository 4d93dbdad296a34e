// Streams `git log -p` / `git diff --cached` and scans only added lines, attributing each to its commit.

import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { hitsInText, sharedScanner, type RawHit } from './scan-files.js';

export class NotAGitRepository extends Error {
  override readonly name = 'NotAGitRepository';
}

export function isGitWorkTree(root: string): boolean {
  try {
    return execFileSync('git', ['-C', root, 'rev-parse', '--is-inside-work-tree'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() === 'true';
  } catch {
    return false;
  }
}

const DIFF_FLAGS = ['-U0', '--no-color', '--no-ext-diff', '--no-renames', '--diff-filter=d'];
const COMMIT_MARK = '\u001e';

/** Every added line of the repository's history (or since a revision), newest commit first. */
export async function scanHistory(root: string, since: string | undefined, includeGeneric: boolean, onCommit?: (count: number) => void): Promise<{ hits: RawHit[]; commits: number }> {
  if (!isGitWorkTree(root)) throw new NotAGitRepository(`${root} is not a git work tree, so there is no history to scan`);
  const range = since ? [`${since}..HEAD`] : ['--all'];
  const args = ['-C', root, '-c', 'core.quotePath=false', 'log', '-p', '--full-history', ...DIFF_FLAGS, `--format=${COMMIT_MARK}%H%x1f%an <%ae>%x1f%aI`, ...range, '--'];
  return streamPatch(args, includeGeneric, onCommit);
}

/** Added lines of the staged change, for pre-commit hooks. */
export async function scanStaged(root: string, includeGeneric: boolean): Promise<{ hits: RawHit[]; commits: number }> {
  if (!isGitWorkTree(root)) throw new NotAGitRepository(`${root} is not a git work tree, so nothing is staged`);
  return streamPatch(['-C', root, '-c', 'core.quotePath=false', 'diff', '--cached', ...DIFF_FLAGS, '--'], includeGeneric, undefined);
}

interface Chunk {
  path: string;
  lines: string[];
  numbers: number[];
}

function streamPatch(args: string[], includeGeneric: boolean, onCommit: ((count: number) => void) | undefined): Promise<{ hits: RawHit[]; commits: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const hits: RawHit[] = [];
    let commit: RawHit['commit'];
    let commits = 0;
    let chunk: Chunk | undefined;
    let path: string | undefined;
    let next = 0;
    let stderr = '';
    const scanner = sharedScanner(includeGeneric);
    const flush = (): void => {
      if (chunk && chunk.lines.length > 0) {
        const current = chunk;
        for (const hit of hitsInText(current.path, current.lines.join('\n'), scanner)) {
          // hitsInText counts lines within the chunk; map them back to the file's line numbers.
          hits.push({ ...hit, line: current.numbers[hit.line - 1] ?? hit.line, ...(commit ? { commit } : {}) });
        }
      }
      chunk = undefined;
    };
    child.stderr.on('data', (data: Buffer) => {
      stderr += data.toString('utf8');
    });
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    lines.on('line', (line) => {
      if (line.startsWith(COMMIT_MARK)) {
        flush();
        const [sha = '', author = '', date = ''] = line.slice(1).split('\u001f');
        commit = { sha, author, date };
        commits++;
        if (onCommit && commits % 100 === 0) onCommit(commits);
        path = undefined;
        return;
      }
      if (line.startsWith('diff --git ')) {
        flush();
        path = undefined;
        return;
      }
      if (line.startsWith('+++ ')) {
        flush();
        const target = line.slice(4);
        path = target === '/dev/null' ? undefined : unquote(target).replace(/^b\//, '');
        return;
      }
      if (line.startsWith('@@')) {
        const match = /\+(\d+)(?:,(\d+))?/.exec(line);
        next = match ? Number(match[1]) : 0;
        return;
      }
      if (path !== undefined && line.startsWith('+')) {
        chunk ??= { path, lines: [], numbers: [] };
        chunk.lines.push(line.slice(1));
        chunk.numbers.push(next++);
      }
    });
    lines.on('close', () => {
      flush();
    });
    child.on('error', (error) => reject(new Error(`cannot run git: ${error.message}`)));
    child.on('close', (code) => {
      flush();
      if (code !== 0) reject(new Error(`git ${args.slice(4, 6).join(' ')} failed (${code}): ${stderr.trim().split('\n')[0] ?? ''}`));
      else resolve({ hits, commits });
    });
  });
}

function unquote(path: string): string {
  if (!path.startsWith('"')) return path;
  return path.slice(1, -1).replace(/\\(["\\])/g, '$1').replace(/\\t/g, '\t').replace(/\\n/g, '\n');
}
