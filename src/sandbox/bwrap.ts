// The bubblewrap command line of a run: which host paths the sandbox sees, how, and as whom.

import { existsSync, lstatSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** Read-only system directories; symlinked ones (/bin → usr/bin) are recreated as the same symlinks. */
export const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc'] as const;

/** Where cordon's own files appear inside: the init script and the sockets of the proxy, the broker and the hook server. */
export const RUN_DIR_INSIDE = '/run/cordon';
export const HOME_INSIDE = '/home/cordon';

export interface SandboxLayout {
  /** Absolute, symlinks resolved. */
  repo: string;
  repoWritable: boolean;
  /** Paths relative to the repository that stay read-only whatever the role. */
  protectedPaths: readonly string[];
  /** Host directories behind the sandbox's $HOME and /tmp (fresh, empty, removed afterwards). */
  home: string;
  tmp: string;
  /** Host directory mounted read-only at RUN_DIR_INSIDE. */
  runDir: string;
  /** Host directories the command needs to run (its installation, Node's), mounted read-only at the same path. */
  readOnly: readonly string[];
  /** Where inside the repository the command starts. */
  cwd: string;
  uid: number;
  env: Readonly<Record<string, string>>;
  /** Host directory holding an empty file `file` and an empty directory `dir`, the sources of placeholder mounts. */
  empty: string;
  /** System entries to cover with empty stand-ins (see privateSystemEntries). */
  hidden?: readonly { path: string; directory: boolean }[];
}

/**
 * Entries under `root` (default /etc) that other users may not read: what a sandbox uid mapped to root
 * must not read either. Directories that are closed are covered whole and not descended into.
 */
export function privateSystemEntries(root = '/etc'): { path: string; directory: boolean }[] {
  const found: { path: string; directory: boolean }[] = [];
  const walk = (dir: string, depth: number): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isSymbolicLink()) continue;
      const path = join(dir, entry.name);
      let mode: number;
      try {
        mode = lstatSync(path).mode;
      } catch {
        continue;
      }
      if (entry.isDirectory()) {
        if ((mode & 0o005) !== 0o005) found.push({ path, directory: true });
        else if (depth < 8) walk(path, depth + 1);
      } else if (entry.isFile() && (mode & 0o004) === 0) {
        found.push({ path, directory: false });
      }
    }
  };
  walk(root, 0);
  return found;
}

export interface BwrapPlan {
  args: string[];
  /** Mount points bwrap will create in the repository for protected paths that do not exist yet; removed at teardown. */
  placeholders: string[];
}

/** Protected entries that are directories when they exist (a placeholder for a missing one is an empty directory). */
const DIRECTORY_NAMES = /(^|\/)(\.github|\.claude|\.husky|\.devcontainer|\.vscode|hooks)\/?$/;

/** Everything before the command: run.ts adds its sync descriptors, `--` and the command. */
export function planBwrap(layout: SandboxLayout): BwrapPlan {
  const args: string[] = [
    '--die-with-parent',
    // A new session: the command cannot push keystrokes into the caller's terminal (TIOCSTI).
    '--new-session',
    '--unshare-all',
    '--uid',
    String(layout.uid),
    '--gid',
    String(layout.uid),
    '--hostname',
    'cordon',
    '--cap-drop',
    'ALL',
    '--clearenv',
  ];
  for (const [name, value] of Object.entries(layout.env)) args.push('--setenv', name, value);
  for (const dir of SYSTEM_DIRS) {
    let stat;
    try {
      stat = lstatSync(dir);
    } catch {
      continue;
    }
    if (stat.isSymbolicLink()) args.push('--symlink', readlinkSync(dir), dir);
    else args.push('--ro-bind', dir, dir);
  }
  // Started by root, the sandbox uid maps to root: every root-owned file looks like its own. The
  // read-only mounts stop writes, but a root-only file (/etc/shadow, /etc/ssl/private) would be
  // readable; each is covered by an empty stand-in.
  for (const hidden of layout.hidden ?? []) args.push('--ro-bind', hidden.directory ? join(layout.empty, 'dir') : '/dev/null', hidden.path);
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/dev/shm');
  args.push('--bind', layout.tmp, '/tmp', '--bind', layout.home, HOME_INSIDE);
  const covered = (path: string): boolean => [...SYSTEM_DIRS, layout.repo].some((root) => path === root || path.startsWith(root + sep));
  for (const path of unique(layout.readOnly)) if (!covered(path) && existsSync(path)) args.push('--ro-bind', path, path);
  args.push(layout.repoWritable ? '--bind' : '--ro-bind', layout.repo, layout.repo);

  const placeholders: string[] = [];
  if (layout.repoWritable) {
    // Glob patterns (`**/.git/hooks`) cannot be mounted; the literal ones can.
    for (const rel of unique(layout.protectedPaths.map((p) => p.replace(/\/+$/, '')).filter((p) => !/[*?[\]{}]/.test(p)))) {
      const path = join(layout.repo, rel);
      if (!isInside(layout.repo, path)) continue;
      let stat;
      try {
        stat = lstatSync(path);
      } catch {
        stat = undefined;
      }
      if (stat?.isSymbolicLink()) {
        // A link there already points somewhere; keep whatever it resolves to inside the repository read-only.
        const target = safeRealpath(path);
        if (target && isInside(layout.repo, target)) args.push('--ro-bind', target, target);
        continue;
      }
      if (stat) {
        args.push('--ro-bind', path, path);
        continue;
      }
      // Missing: mount an empty read-only stand-in so it cannot be created. Only where its parent exists
      // in the repository; a deeper missing parent is itself a protected directory or gets created empty.
      if (!existsSync(dirname(path)) || !isInside(layout.repo, safeRealpath(dirname(path)) ?? '')) continue;
      const isDir = DIRECTORY_NAMES.test(rel);
      args.push('--ro-bind', join(layout.empty, isDir ? 'dir' : 'file'), path);
      placeholders.push(path);
    }
  }
  for (const path of unique(layout.readOnly)) if (covered(path) && !isInside(layout.repo, path) && existsSync(path)) args.push('--ro-bind', path, path);
  args.push('--ro-bind', layout.runDir, RUN_DIR_INSIDE);
  args.push('--chdir', layout.cwd);
  return { args, placeholders };
}

/** The directories a program needs to run: its resolved file's package root (nearest package.json) or directory. */
export function installationOf(program: string, searchPath: string | undefined): string[] {
  const found = isAbsolute(program) || program.includes('/') ? resolve(program) : findOnPath(program, searchPath);
  if (!found) return [];
  const real = safeRealpath(found);
  if (!real) return [];
  const paths = [dirname(found), dirname(real)];
  let dir = dirname(real);
  for (let i = 0; i < 6 && dir !== dirname(dir); i++, dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      paths.push(dir);
      break;
    }
  }
  return unique(paths);
}

export function findOnPath(program: string, searchPath: string | undefined): string | undefined {
  for (const dir of (searchPath ?? '').split(':')) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, program);
    try {
      const stat = lstatSync(candidate);
      if (stat.isFile() || stat.isSymbolicLink()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function safeRealpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
