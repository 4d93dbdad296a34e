// The file system as the policy engine sees it: the real one in the hook, a virtual one in corpus tests and drills.

import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { posix } from 'node:path';

export type EntryKind = 'file' | 'dir' | 'symlink' | 'other';

/**
 * The few questions the engine asks. `kind` does not follow a final symlink (lstat). Every method
 * returns undefined for "not there"; any other failure throws, and the engine denies.
 */
export interface PolicyFs {
  kind(path: string): EntryKind | undefined;
  readlink(path: string): string;
  /** A file's text, following links; undefined when missing, not a file, or larger than `limit` bytes. */
  readText(path: string, limit: number): string | undefined;
  /** Names in a directory, following links; undefined when missing or not a directory. */
  list(path: string): string[] | undefined;
}

function missing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export const nodeFs: PolicyFs = {
  kind(path) {
    try {
      const stat = lstatSync(path);
      return stat.isSymbolicLink() ? 'symlink' : stat.isDirectory() ? 'dir' : stat.isFile() ? 'file' : 'other';
    } catch (error) {
      if (missing(error)) return undefined;
      throw error;
    }
  },
  readlink: (path) => readlinkSync(path),
  readText(path, limit) {
    try {
      const stat = statSync(path);
      if (!stat.isFile() || stat.size > limit) return undefined;
      return readFileSync(path, 'utf8');
    } catch (error) {
      if (missing(error) || (error as NodeJS.ErrnoException).code === 'EISDIR') return undefined;
      throw error;
    }
  },
  list(path) {
    try {
      return readdirSync(path);
    } catch (error) {
      if (missing(error)) return undefined;
      throw error;
    }
  },
};

export type VirtualEntry = string | { symlink: string };

/**
 * An in-memory tree: each key is an absolute path to a file (its text) or a symlink; the directories
 * above them exist implicitly. Nothing else exists. Used by the policy corpus and by tests.
 */
export function virtualFs(entries: Readonly<Record<string, VirtualEntry>>): PolicyFs {
  const files = new Map<string, VirtualEntry>();
  const dirs = new Map<string, Set<string>>([['/', new Set()]]);
  for (const [raw, entry] of Object.entries(entries)) {
    const path = posix.resolve(raw);
    files.set(path, entry);
    for (let child = path, parent = posix.dirname(path); child !== '/'; child = parent, parent = posix.dirname(parent)) {
      const names = dirs.get(parent) ?? new Set<string>();
      names.add(posix.basename(child));
      dirs.set(parent, names);
    }
  }
  const follow = (path: string, hops = 0): string => {
    const entry = files.get(path);
    if (hops > 40 || !entry || typeof entry === 'string') return path;
    return follow(posix.resolve(posix.dirname(path), entry.symlink), hops + 1);
  };
  return {
    kind(path) {
      const entry = files.get(path);
      if (entry !== undefined) return typeof entry === 'string' ? 'file' : 'symlink';
      return dirs.has(path) ? 'dir' : undefined;
    },
    readlink(path) {
      const entry = files.get(path);
      if (!entry || typeof entry === 'string') throw Object.assign(new Error(`EINVAL: not a link: ${path}`), { code: 'EINVAL' });
      return entry.symlink;
    },
    readText(path, limit) {
      const entry = files.get(follow(path));
      return typeof entry === 'string' && Buffer.byteLength(entry) <= limit ? entry : undefined;
    },
    list(path) {
      const names = dirs.get(follow(path));
      return names ? [...names].sort() : undefined;
    },
  };
}
