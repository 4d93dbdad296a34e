// The role presets and built-in path lists, and resolvePolicy(), which folds cordon.yml and .claudeignore into one plain ResolvedPolicy.

import { resolve } from 'node:path';
import type { CordonConfig } from '../config/schema.js';
import { parseIgnorePattern } from '../secrets/claudeignore.js';
import type { CategoryDecision, PolicyCategory, Role } from '../config/policy-schema.js';

export type ToolName = 'Read' | 'Glob' | 'Grep' | 'Edit' | 'Write' | 'NotebookEdit' | 'Bash' | 'WebFetch' | 'WebSearch';

export interface RolePreset {
  /** Claude Code tools the role may call at all; the other checks still apply to each call. */
  tools: readonly ToolName[];
  repo: 'read-only' | 'read-write';
  /** Repository-relative globs the role may write; empty for read-only roles. */
  writeScope: readonly string[];
  /** Bash: not at all, only the listed command prefixes, or anything the Bash judgement allows. */
  bash: 'none' | 'allowlist' | 'any';
  /** Command prefixes the role may run when `bash` is `allowlist` (fix-tests adds its test commands). */
  bashCommands: readonly string[];
  network: 'model-api' | 'model-api+registries';
}

const GIT_READ_COMMANDS = ['git diff', 'git log', 'git show', 'git status', 'git blame'] as const;

/** Globs the docs role may write. Instruction files (CLAUDE.md, AGENTS.md) stay protected even so. */
export const DOCS_GLOBS = ['docs/**', 'doc/**', '**/*.md', '**/*.mdx', '**/*.rst', '**/*.adoc', '**/*.txt'] as const;

const READ_ONLY: RolePreset = {
  tools: ['Read', 'Glob', 'Grep', 'Bash'],
  repo: 'read-only',
  writeScope: [],
  bash: 'allowlist',
  bashCommands: ['git diff', 'git log', 'git show'],
  network: 'model-api',
};

/** product.md's role table as data. NotebookEdit goes wherever Edit goes: it is an edit of a notebook file. */
export const ROLE_PRESETS: Readonly<Record<Role, RolePreset>> = {
  review: READ_ONLY,
  'security-analysis': READ_ONLY,
  'fix-tests': {
    tools: ['Read', 'Glob', 'Grep', 'Edit', 'NotebookEdit', 'Bash'],
    repo: 'read-write',
    writeScope: ['**'],
    bash: 'allowlist',
    bashCommands: [...GIT_READ_COMMANDS],
    network: 'model-api',
  },
  implement: {
    tools: ['Read', 'Glob', 'Grep', 'Edit', 'Write', 'NotebookEdit', 'Bash', 'WebFetch', 'WebSearch'],
    repo: 'read-write',
    writeScope: ['**'],
    bash: 'any',
    bashCommands: [],
    network: 'model-api+registries',
  },
  docs: {
    tools: ['Read', 'Glob', 'Grep', 'Edit', 'Write'],
    repo: 'read-write',
    writeScope: DOCS_GLOBS,
    bash: 'none',
    bashCommands: [],
    network: 'model-api',
  },
};

/**
 * Never writable by the agent, whatever the role (product.md). A trailing `/` marks a directory;
 * every path below a matched directory matches too. Names without a slash match at any depth,
 * because Claude Code also loads nested CLAUDE.md and similar files.
 */
export const DEFAULT_PROTECTED_PATHS: readonly string[] = [
  '.git/hooks',
  '.git/config',
  // A nested repository's too (vendored checkouts, submodules): git runs its hooks when asked to work in it.
  '**/.git/hooks',
  '**/.git/config',
  '.github/',
  '.gitlab-ci.yml',
  '.claude/',
  'CLAUDE.md',
  'AGENTS.md',
  '.mcp.json',
  '.claudeignore',
  'cordon.yml',
  '.husky/',
  '.npmrc',
  '.devcontainer/',
  '.vscode/',
];

/**
 * Never readable or writable. Patterns without a slash match a path component at any depth, inside
 * the repository or out of it; `~/` and `/` patterns match absolute paths; `**\/` patterns match both.
 */
export const DEFAULT_SECRET_PATHS: readonly string[] = [
  '.env',
  '.env.*',
  '*.pem',
  '*.key',
  'id_rsa*',
  'id_ed25519*',
  'id_ecdsa*',
  '*.p12',
  '*.pfx',
  '.npmrc',
  '.pypirc',
  '.netrc',
  '.git-credentials',
  '*.tfstate',
  '*.tfstate.*',
  'kubeconfig*',
  '**/.kube/config',
  '**/.aws/credentials',
  '**/.docker/config.json',
  '~/.ssh/**',
  '~/.aws/**',
  '~/.kube/**',
  '~/.gnupg/**',
  '~/.config/gh/hosts.yml',
  '~/.config/gcloud/**',
  '~/.claude/.credentials.json',
  '~/.docker/config.json',
  '/etc/shadow',
  '/etc/gshadow',
  '/etc/sudoers',
  '/run/secrets/**',
  '/var/run/secrets/**',
  // actions/checkout leaves the job token in it as http.*.extraheader.
  '.git/config',
  '/proc/*/environ',
  // Threads expose the same environment under task/; /proc/self is resolved to the pid before matching.
  '/proc/*/task/*/environ',
];

/** Names a secret pattern would otherwise catch but that are meant to be read: templates without values. */
export const DEFAULT_SECRET_EXCEPTIONS: readonly string[] = ['.env.example', '.env.sample', '.env.template', '.env.dist'];

/** Everything a judgement needs, as plain data: serialisable, comparable in tests, no closures. */
export interface ResolvedPolicy {
  role: Role;
  /** Absolute, lexically normalised; symlinks in it are resolved when paths are judged. */
  repoRoot: string;
  tools: readonly ToolName[];
  repo: 'read-only' | 'read-write';
  writeScope: readonly string[];
  protectedPaths: readonly string[];
  secretPaths: readonly string[];
  /** Path components excepted from a secret-pattern hit (`.env.example` against `.env.*`). */
  secretExceptions: readonly string[];
  bash: RolePreset['bash'];
  bashCommands: readonly string[];
  network: RolePreset['network'];
  allowedDomains: readonly string[];
  /** Hosts Bash network clients may reach. */
  allowedHosts: readonly string[];
  allowedMcp: readonly string[];
  decisions: Readonly<Record<PolicyCategory, CategoryDecision>>;
}

/** The role preset plus the user's overrides; `claudeignoreText` is the repository's root `.claudeignore`. */
export function resolvePolicy(config: CordonConfig, repoRoot: string, claudeignoreText?: string): ResolvedPolicy {
  const policy = config.policy;
  const preset = ROLE_PRESETS[policy.role];
  // Read-only roles stay read-only: a write-scope entry cannot turn review into a writer.
  const writeScope = preset.repo === 'read-only' ? [] : unique([...preset.writeScope, ...policy['write-scope']]);
  const bashCommands = policy.role === 'fix-tests' ? unique([...preset.bashCommands, ...policy['test-commands']]) : [...preset.bashCommands];
  return {
    role: policy.role,
    repoRoot: resolve(repoRoot),
    tools: [...preset.tools],
    repo: preset.repo,
    writeScope,
    // audit.protected-paths names the same concept for the static audit; a user listing a path there means it.
    protectedPaths: unique([...DEFAULT_PROTECTED_PATHS, ...config.audit['protected-paths'], ...policy['protected-paths']]),
    secretPaths: unique([...DEFAULT_SECRET_PATHS, ...policy['secret-paths'], ...claudeignoreGlobs(claudeignoreText ?? '')]),
    secretExceptions: [...DEFAULT_SECRET_EXCEPTIONS],
    bash: preset.bash,
    bashCommands,
    network: preset.network,
    allowedDomains: [...policy['allowed-domains']],
    allowedHosts: [...policy['allowed-hosts']],
    allowedMcp: [...policy['allowed-mcp']],
    decisions: { ...policy.decisions },
  };
}

/**
 * `.claudeignore` lines as secret globs in this module's pattern language. Negations are left out:
 * they would only shrink the deny list, and a hook that fails closed keeps a path denied rather than guess.
 */
export function claudeignoreGlobs(text: string): string[] {
  const globs: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const pattern = parseIgnorePattern(line);
    if (!pattern || pattern.negated) continue;
    const body = pattern.tokens.map((token) => ('glob' in token ? token.glob : escapeGlob(token.literal))).join('');
    // An unanchored pattern has no slash, so the component rule gives it git's "any depth". An anchored
    // one-segment pattern (`/notes.txt`) loses its anchor the same way: broader, never narrower.
    globs.push(body);
  }
  return globs;
}

/** Escapes the characters picomatch gives meaning to, so a literal name matches only itself. */
export function escapeGlob(literal: string): string {
  return literal.replace(/[*?[\]\\{}()!+@|^$]/g, '\\$&');
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
