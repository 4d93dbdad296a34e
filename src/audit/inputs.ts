// Finds the files an audit reads, classifies them by kind, and counts what it skips and why.

import { lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';
import picomatch from 'picomatch';

export const INPUT_KINDS = [
  'workflow',
  'action',
  'gitlab-ci',
  'claude-settings',
  'mcp-config',
  'instructions',
  'claudeignore',
  'dockerfile',
  'compose',
  'devcontainer',
] as const;
export type InputKind = (typeof INPUT_KINDS)[number];

export const MAX_FILE_BYTES = 5 * 1024 * 1024;

export interface DiscoveredFile {
  /** Relative to the root, forward slashes. */
  path: string;
  absolute: string;
  kind: InputKind | undefined;
  size: number;
}

export interface Discovery {
  /** Every regular file seen (kind undefined when the audit does not parse it). */
  files: DiscoveredFile[];
  skipped: { large: string[]; symlinkOutside: string[]; excluded: number };
  /** Directories that could not be listed, with the reason. */
  unreadable: { path: string; reason: string }[];
}

const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);

/** Classifies a repository-relative path, or undefined when no audit input kind applies. */
export function classify(path: string): InputKind | undefined {
  const parts = path.split('/');
  const base = parts.at(-1) ?? '';
  const lower = base.toLowerCase();
  const parent = parts.at(-2);
  if (parts.length === 3 && parts[0] === '.github' && parts[1] === 'workflows' && /\.ya?ml$/.test(base)) return 'workflow';
  if (base === 'action.yml' || base === 'action.yaml') return 'action';
  if (path === '.gitlab-ci.yml' || path === '.gitlab-ci.yaml') return 'gitlab-ci';
  if (parent === '.claude' && (base === 'settings.json' || base === 'settings.local.json')) return 'claude-settings';
  if (base === '.mcp.json') return 'mcp-config';
  if (base === '.claudeignore') return 'claudeignore';
  if (/^(claude|agents|claude\.local|gemini|readme)(\.[\w-]+)?\.md$/i.test(base)) return 'instructions';
  if (base === '.cursorrules' || base === 'copilot-instructions.md') return 'instructions';
  if (parts.includes('.claude') && /\.md$/.test(base) && /^(rules|commands|agents|skills)$/.test(parent ?? '')) return 'instructions';
  if (/^(dockerfile|containerfile)([.-].*)?$/i.test(base) || lower.endsWith('.dockerfile')) return 'dockerfile';
  if (/^(docker-compose|compose)([.-][\w.-]+)?\.ya?ml$/i.test(base)) return 'compose';
  if ((parent === '.devcontainer' || parts.includes('.devcontainer')) && base === 'devcontainer.json') return 'devcontainer';
  if (base === '.devcontainer.json') return 'devcontainer';
  return undefined;
}

/** Walks the tree below root without following links out of it. */
export function discover(root: string, exclude: readonly string[] = []): Discovery {
  const rootReal = realpathSync(root);
  const isExcluded = exclude.length > 0 ? picomatch(exclude as string[], { dot: true }) : () => false;
  const result: Discovery = { files: [], skipped: { large: [], symlinkOutside: [], excluded: 0 }, unreadable: [] };
  const walk = (dir: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch (error) {
      result.unreadable.push({ path: toRelative(rootReal, dir), reason: (error as NodeJS.ErrnoException).code ?? String(error) });
      return;
    }
    for (const name of entries) {
      const absolute = join(dir, name);
      const path = toRelative(rootReal, absolute);
      if (isExcluded(path)) {
        result.skipped.excluded++;
        continue;
      }
      let stats: Stats;
      try {
        stats = lstatSync(absolute);
      } catch {
        continue;
      }
      if (stats.isSymbolicLink()) {
        // A link is read only when its target stays inside the root, and directories are never entered.
        let target: string;
        try {
          target = realpathSync(absolute);
          stats = statSync(absolute);
        } catch {
          continue;
        }
        if (target !== rootReal && !target.startsWith(rootReal + sep)) {
          result.skipped.symlinkOutside.push(path);
          continue;
        }
        if (!stats.isFile()) continue;
      }
      if (stats.isDirectory()) {
        if (!SKIP_DIRS.has(name)) walk(absolute);
        continue;
      }
      if (!stats.isFile()) continue;
      const kind = classify(path);
      if (kind && stats.size > MAX_FILE_BYTES) {
        result.skipped.large.push(path);
        continue;
      }
      result.files.push({ path, absolute, kind, size: stats.size });
    }
  };
  walk(rootReal);
  return result;
}

function toRelative(root: string, absolute: string): string {
  return relative(root, absolute).split(sep).join('/');
}
