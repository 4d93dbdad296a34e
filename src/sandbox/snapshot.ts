// The repository before and after a run: what changed, what changed on protected paths, which symlinks now point out of it.

import { lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import type { RepoChange } from './types.js';

export interface EntryState {
  kind: 'file' | 'dir' | 'link' | 'other';
  size: number;
  mtimeMs: number;
  ino: number;
  mode: number;
  target?: string;
}

export type Snapshot = Map<string, EntryState>;

/** Git's object store and logs change with every commit and say nothing a reviewer needs; hooks and config stay in. */
const SKIPPED = new Set(['.git/objects', '.git/logs', '.git/refs', '.git/index', '.git/lfs']);
/** Enough for any review; a run that touches more is summarised by the count. */
export const MAX_ENTRIES = 200_000;

export function snapshot(repo: string): Snapshot {
  const entries: Snapshot = new Map();
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (entries.size >= MAX_ENTRIES) return;
      const path = join(dir, name);
      const rel = relative(repo, path).split(sep).join('/');
      if (SKIPPED.has(rel)) continue;
      let stat: Stats;
      try {
        stat = lstatSync(path);
      } catch {
        continue;
      }
      const state = stateOf(stat, path);
      entries.set(rel, state);
      if (state.kind === 'dir') walk(path);
    }
  };
  walk(repo);
  return entries;
}

function stateOf(stat: Stats, path: string): EntryState {
  const kind = stat.isSymbolicLink() ? 'link' : stat.isDirectory() ? 'dir' : stat.isFile() ? 'file' : 'other';
  const state: EntryState = { kind, size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino, mode: stat.mode };
  if (kind === 'link') {
    try {
      state.target = readlinkSync(path);
    } catch {
      state.target = '';
    }
  }
  return state;
}

export function diffSnapshots(before: Snapshot, after: Snapshot): RepoChange[] {
  const changes: RepoChange[] = [];
  for (const [path, was] of before) {
    const now = after.get(path);
    if (!now) changes.push({ path, change: 'deleted' });
    else if (now.kind !== was.kind) changes.push({ path, change: 'type-changed' });
    else if (now.kind !== 'dir' && (now.size !== was.size || now.mtimeMs !== was.mtimeMs || now.ino !== was.ino || now.mode !== was.mode || now.target !== was.target)) changes.push({ path, change: 'modified' });
  }
  for (const path of after.keys()) if (!before.has(path)) changes.push({ path, change: 'added' });
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Changes under the protected paths (literal paths and globs, relative to the repository). */
export function protectedChanges(changes: readonly RepoChange[], protectedPaths: readonly string[]): RepoChange[] {
  const patterns = protectedPaths.flatMap((p) => {
    const clean = p.replace(/\/+$/, '');
    return [clean, `${clean}/**`];
  });
  const match = picomatch(patterns, { dot: true });
  return changes.filter((c) => match(c.path));
}

/** Symlinks whose target, resolved from where the link sits, lies outside the repository. */
export function escapingSymlinks(repo: string, after: Snapshot): { path: string; target: string }[] {
  const out: { path: string; target: string }[] = [];
  for (const [path, state] of after) {
    if (state.kind !== 'link' || state.target === undefined) continue;
    const resolved = resolve(dirname(join(repo, path)), state.target);
    const rel = relative(repo, resolved);
    if (rel.startsWith('..') || resolve(repo, rel) !== resolved) out.push({ path, target: state.target });
  }
  return out;
}
