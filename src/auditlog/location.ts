// Where the audit log lives: outside the work tree the agent can edit, unless the user says otherwise.

import { existsSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AuditLogError } from './errors.js';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * `$CORDON_LOG`, else `$XDG_STATE_HOME/cordon/audit.jsonl`, else `~/.local/state/cordon/audit.jsonl`.
 * Throws `log-in-repository` when the path resolves inside `cwd`'s git work tree: an agent that can
 * edit its own record makes the record worthless. Only an explicit `--log` (see logPath) may do that.
 */
export function defaultLogPath(env: Env, cwd: string): string {
  const home = env.HOME || homedir();
  let path: string;
  if (env.CORDON_LOG) {
    path = absolute(cwd, expandHome(env.CORDON_LOG, home));
  } else {
    // The XDG spec says a relative XDG_STATE_HOME is invalid and must be ignored.
    const state = env.XDG_STATE_HOME && isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : `${home}${sep}.local${sep}state`;
    path = `${state}${sep}cordon${sep}audit.jsonl`;
  }
  // The resolved path is both what is checked and what is returned, so the file opened is the one checked.
  const real = realPathOf(path);
  const tree = workTreeOf(realPathOf(cwd));
  if (isInside(real, tree)) {
    throw new AuditLogError('log-in-repository', `the audit log ${real} would be inside ${tree}, where the agent can edit it; choose a path outside it, or pass --log to accept that`);
  }
  return real;
}

/** `--log FILE` when given (the user's explicit choice, not checked), else defaultLogPath. */
export function logPath(explicit: string | undefined, env: Env, cwd: string): string {
  if (explicit !== undefined) return resolve(cwd, expandHome(explicit, env.HOME || homedir()));
  return defaultLogPath(env, cwd);
}

function expandHome(path: string, home: string): string {
  return path === '~' || path.startsWith('~/') ? `${home}${path.slice(1)}` : path;
}

/** Absolute without normalising `..` lexically; realPathOf resolves it the way the kernel does. */
function absolute(base: string, path: string): string {
  return isAbsolute(path) ? path : `${base}${sep}${path}`;
}

/**
 * The path with every symlink in its existing part resolved, one component at a time, so `..` after a
 * symlink goes where the kernel would take it. The part that does not exist yet cannot hold a link.
 */
export function realPathOf(path: string): string {
  const parts = absolute(process.cwd(), path).split(sep).filter((part) => part !== '' && part !== '.');
  let current = realpathSync.native(sep);
  let exists = true;
  for (const part of parts) {
    if (part === '..') {
      current = dirname(current);
      continue;
    }
    const next = join(current, part);
    if (exists) {
      try {
        current = realpathSync.native(next);
        continue;
      } catch {
        exists = false;
      }
    }
    current = next;
  }
  return current;
}

/** The nearest directory holding `.git` (a directory, or a file in worktrees and submodules), else `dir` itself. */
function workTreeOf(dir: string): string {
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(join(current, '.git'))) return current;
    if (dirname(current) === current) return dir;
  }
}

function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
