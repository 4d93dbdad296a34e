// Finds the policy a hook enforces: --policy FILE, else cordon.yml from the hook's cwd upward, else the implement preset.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CONFIG_NAMES, parseConfig } from '../config/load.js';
import { CordonConfigSchema, type CordonConfig } from '../config/schema.js';
import type { Role } from '../config/policy-schema.js';
import { resolvePolicy, type ResolvedPolicy } from '../policy/roles.js';

export interface LoadedPolicy {
  policy: ResolvedPolicy;
  /** The whole configuration the policy came from (its sandbox section included). */
  config: CordonConfig;
  /** The file it came from, or undefined for the built-in implement preset. */
  source: string | undefined;
}

/**
 * The repository root is `$CLAUDE_PROJECT_DIR` when Claude Code sets it, else the directory of the
 * cordon.yml found, else the nearest git work tree above cwd, else cwd. A broken policy file throws a
 * ConfigError (file:line:column), which the hook turns into a deny.
 */
export function loadHookPolicy(cwd: string, explicit: string | undefined, env: Readonly<Record<string, string | undefined>>, role?: Role): LoadedPolicy {
  const projectDir = env.CLAUDE_PROJECT_DIR && env.CLAUDE_PROJECT_DIR.startsWith('/') ? env.CLAUDE_PROJECT_DIR : undefined;
  let source: string | undefined;
  if (explicit !== undefined) source = resolve(cwd, explicit);
  else source = findUpward(cwd, (dir) => CONFIG_NAMES.map((name) => join(dir, name)).find((path) => existsSync(path)));
  const loaded = source === undefined ? CordonConfigSchema.parse({}) : parseConfig(readText(source), source);
  // `--role` picks the preset; the file's overrides still apply on top of it.
  const config = role ? { ...loaded, policy: { ...loaded.policy, role } } : loaded;
  const configRoot = source !== undefined && explicit === undefined ? configDir(source) : undefined;
  const repoRoot = projectDir ?? configRoot ?? findUpward(cwd, (dir) => (existsSync(join(dir, '.git')) ? dir : undefined)) ?? cwd;
  const claudeignore = join(repoRoot, '.claudeignore');
  const policy = resolvePolicy(config, repoRoot, existsSync(claudeignore) ? readText(claudeignore) : undefined);
  return { policy, config, source };
}

function configDir(source: string): string {
  const dir = dirname(source);
  return dir.endsWith('/.github') ? dirname(dir) : dir;
}

function findUpward<T>(start: string, probe: (dir: string) => T | undefined): T | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const found = probe(dir);
    if (found !== undefined) return found;
    if (dirname(dir) === dir) return undefined;
  }
}

function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
