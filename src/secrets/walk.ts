// Lists the files a secret scan reads: the tree below a root, minus default and configured skips.

import { lstatSync, readdirSync, realpathSync, type Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';
import picomatch from 'picomatch';

export interface ScanFile {
  /** Relative to the root, forward slashes. */
  path: string;
  absolute: string;
  size: number;
}

export interface WalkResult {
  files: ScanFile[];
  skipped: { excluded: number; large: number; symlinks: number };
  /** Directories that could not be listed, with the error code. */
  unreadable: { path: string; reason: string }[];
}

/** Directories never entered: dependencies and tool state, not the project's own text. */
export const DEFAULT_SKIP_DIRS = ['.git', 'node_modules', 'bower_components', '.venv', 'venv', 'site-packages', '__pycache__', '.yarn', '.pnpm-store', '.tox', '.mypy_cache', 'dist-info'];

/** Files skipped by default: lockfiles, minified bundles and source maps, images, fonts, archives. */
export const DEFAULT_SKIP_FILES = [
  '**/package-lock.json',
  '**/npm-shrinkwrap.json',
  '**/yarn.lock',
  '**/pnpm-lock.yaml',
  '**/bun.lock',
  '**/bun.lockb',
  '**/deno.lock',
  '**/Pipfile.lock',
  '**/poetry.lock',
  '**/go.sum',
  '**/Cargo.lock',
  '**/composer.lock',
  '**/Gemfile.lock',
  '**/gradle.lockfile',
  '**/*.min.js',
  '**/*.min.css',
  '**/*.map',
  '**/*.{png,jpg,jpeg,gif,ico,webp,bmp,svgz,woff,woff2,ttf,otf,eot,pdf,zip,gz,tgz,bz2,xz,7z,jar,war,class,so,dll,dylib,exe,o,a,wasm,mp3,mp4,mov,avi}',
];

export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

export interface WalkOptions {
  exclude: readonly string[];
  /** Globs re-admitted even though a default skip matches them. */
  include: readonly string[];
  maxBytes: number;
}

export function walkTree(root: string, options: WalkOptions): WalkResult {
  const rootReal = realpathSync(root);
  const excluded = picomatch([...DEFAULT_SKIP_FILES, ...options.exclude], { dot: true });
  const userExcluded = options.exclude.length > 0 ? picomatch([...options.exclude], { dot: true }) : () => false;
  const included = options.include.length > 0 ? picomatch([...options.include], { dot: true }) : () => false;
  const skipDirs = new Set(DEFAULT_SKIP_DIRS);
  const result: WalkResult = { files: [], skipped: { excluded: 0, large: 0, symlinks: 0 }, unreadable: [] };
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (error) {
      result.unreadable.push({ path: toRelative(rootReal, dir) || '.', reason: (error as NodeJS.ErrnoException).code ?? String(error) });
      return;
    }
    names.sort();
    for (const name of names) {
      const absolute = join(dir, name);
      const path = toRelative(rootReal, absolute);
      let stats: Stats;
      try {
        stats = lstatSync(absolute);
      } catch {
        continue;
      }
      // Links are not followed: a link can point anywhere, and its target is scanned where it lives.
      if (stats.isSymbolicLink()) {
        result.skipped.symlinks++;
        continue;
      }
      if (stats.isDirectory()) {
        const skipped = (skipDirs.has(name) || name.endsWith('.dist-info') || userExcluded(`${path}/`) || userExcluded(path)) && !included(`${path}/x`);
        if (skipped) result.skipped.excluded++;
        else walk(absolute);
        continue;
      }
      if (!stats.isFile()) continue;
      if (excluded(path) && !included(path)) {
        result.skipped.excluded++;
        continue;
      }
      if (stats.size > options.maxBytes) {
        result.skipped.large++;
        continue;
      }
      result.files.push({ path, absolute, size: stats.size });
    }
  };
  walk(rootReal);
  return result;
}

function toRelative(root: string, absolute: string): string {
  return relative(root, absolute).split(sep).join('/');
}
