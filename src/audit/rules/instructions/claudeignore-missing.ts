// Secret-looking files in the repository that neither `.claudeignore` nor a `Read(…)` deny rule keeps away from the agent.

import ignore, { type Ignore } from 'ignore';
import { YamlFile } from '../../../parse/yaml-doc.js';
import { classify, type InputKind } from '../../inputs.js';
import { defineRule, type ParsedInput, type RepoView } from '../../rule.js';

/** Input kinds the rule is attached to; it reports about the repository, not about any one of them. */
const ATTACHED: readonly InputKind[] = ['instructions', 'claudeignore', 'claude-settings', 'workflow', 'mcp-config'];
const SHOWN_PATHS = 5;

export const claudeignoreMissing = defineRule({
  meta: {
    id: 'claudeignore-missing',
    area: 'instructions',
    description: 'secret-looking files are readable by the agent',
    severity: 'medium',
    confidence: 'medium',
    messages: {
      missing: 'no .claudeignore and no `Read(…)` deny rule keeps the agent out of {{count}} secret-looking file(s): {{paths}}',
      uncovered: '.claudeignore leaves {{count}} secret-looking file(s) readable, and no `Read(…)` deny rule covers them: {{paths}}',
    },
    help: 'Keep secrets out of the working tree the agent runs in. Otherwise deny them in the committed `.claude/settings.json` (`"permissions": {"deny": ["Read(./.env)", "Read(./.env.*)", "Read(./**/*.pem)"]}`), which Claude Code enforces, and list them in `.claudeignore` for tools that read it.',
  },
  inputs: ATTACHED,
  check({ input, repo, report }) {
    // Rules run once per input, but this finding is about the whole repository: only the anchor
    // input reports, so the result is one finding at most, on a file a reader would look at.
    if (input !== repo.memo('claudeignore-missing:anchor', () => anchorOf(repo))) return;
    const covered = coverage(repo);
    const exposed = repo.paths.filter((path) => isSecretLooking(path) && !covered(path));
    if (exposed.length === 0) return;
    const shown = exposed.slice(0, SHOWN_PATHS).join(', ');
    const paths = exposed.length > SHOWN_PATHS ? `${shown} and ${exposed.length - SHOWN_PATHS} more` : shown;
    const hasIgnoreFile = repo.ofKind('claudeignore').length > 0;
    report({ messageId: hasIgnoreFile ? 'uncovered' : 'missing', data: { count: exposed.length, paths }, at: { start: 0, end: 0 } });
  },
});

/**
 * The input the repository-level finding is attached to: the root `.claudeignore` when there is
 * one, else the root `CLAUDE.md`, else the root `AGENTS.md`, else the first other attached input,
 * workflows last. It is chosen from the paths of the whole repository, not from the inputs one
 * audit shard happens to hold, so a parallel audit still reports it exactly once. Inputs that failed
 * to parse are skipped because the engine never runs rules on them.
 */
export function anchorOf(repo: RepoView): ParsedInput | undefined {
  const parsable = (input: ParsedInput | undefined): input is ParsedInput => input !== undefined && ATTACHED.includes(input.kind) && !(input.file instanceof YamlFile && !input.file.ok);
  const preferred = ['.claudeignore', ...repo.paths.filter((path) => /^claude\.md$/i.test(path)), ...repo.paths.filter((path) => /^agents\.md$/i.test(path))];
  for (const path of preferred) {
    const input = repo.byPath.get(path);
    if (parsable(input)) return input;
  }
  // Workflows and the settings files they reference are split between shards, so they come last.
  const others = repo.inputs.filter((input) => input.kind !== 'workflow' && !('origin' in input && input.origin === 'workflow-reference') && parsable(input));
  if (others[0]) return others[0];
  const firstWorkflow = repo.paths.find((path) => classify(path) === 'workflow');
  const input = firstWorkflow === undefined ? undefined : repo.byPath.get(firstWorkflow);
  return parsable(input) ? input : undefined;
}

/** Suffixes that mark a committed template rather than real values (`.env.example`, `secrets.sample.yml`). */
const TEMPLATE = /(?:^|[.\-_])(?:example|sample|template|dist|defaults)(?:[.\-_]|$)/i;

/** Whether a path names a file that usually holds credentials. */
export function isSecretLooking(path: string): boolean {
  const base = (path.split('/').at(-1) ?? path).toLowerCase();
  const lower = path.toLowerCase();
  if (base === '.env') return true;
  if (base.startsWith('.env.')) return !TEMPLATE.test(base.slice(5));
  if (/\.(pem|key|p12|pfx)$/.test(base)) return true;
  if (/^id_(rsa|ed25519|ecdsa|dsa)/.test(base)) return !base.endsWith('.pub');
  if (['.npmrc', '.pypirc', '.netrc', '_netrc', '.git-credentials'].includes(base)) return true;
  if (/\.tfstate(\.backup)?$/.test(base)) return true;
  if (/^credentials.*\.json$/.test(base)) return !TEMPLATE.test(base.slice('credentials'.length));
  if (base.startsWith('kubeconfig')) return !TEMPLATE.test(base.slice('kubeconfig'.length));
  if (lower === '.kube/config' || lower.endsWith('/.kube/config')) return true;
  if (lower === '.docker/config.json' || lower.endsWith('/.docker/config.json')) return true;
  if (lower === '.aws/credentials' || lower.endsWith('/.aws/credentials')) return true;
  // `secrets.yml` holds values; `secrets.ts` or `secrets.md` is code or prose about them.
  if (/^secrets\.(ya?ml|json|toml|ini|env|properties|txt)(\..+)?$/.test(base)) return !TEMPLATE.test(base.slice('secrets'.length));
  return false;
}

/**
 * Whether a path is kept from the agent: by any `.claudeignore` (gitignore semantics; deeper files
 * override shallower ones, as in git) or by a `Read(…)` deny rule in a repository settings file.
 */
function coverage(repo: RepoView): (path: string) => boolean {
  const ignoreFiles = repo
    .ofKind('claudeignore')
    .map((input) => ({ dir: dirOf(input.file.path), rules: ignore().add(input.file.text) }))
    .sort((a, b) => a.dir.split('/').length - b.dir.split('/').length || a.dir.length - b.dir.length);
  const denies = denyReadRules(repo);
  return (path) => {
    if (denies.some(({ dir, rules }) => under(path, dir) && rules.ignores(relativeTo(path, dir)))) return true;
    let covered = false;
    for (const { dir, rules } of ignoreFiles) {
      if (!under(path, dir)) continue;
      const result = rules.test(relativeTo(path, dir));
      if (result.ignored) covered = true;
      else if (result.unignored) covered = false;
    }
    return covered;
  };
}

/**
 * `Read(path)` entries of `permissions.deny`. Claude Code reads them with gitignore semantics:
 * `./p` and `/p` are anchored at the project root, a bare pattern matches at any depth, and
 * `~/…` and `//…` point outside the repository. A bare `Read` denies every file.
 */
function denyReadRules(repo: RepoView): { dir: string; rules: Ignore }[] {
  const result: { dir: string; rules: Ignore }[] = [];
  for (const input of repo.ofKind('claude-settings')) {
    if (!input.file.ok) continue;
    const deny = (input.file.value as { permissions?: { deny?: unknown } } | undefined)?.permissions?.deny;
    if (!Array.isArray(deny)) continue;
    // `sub/.claude/settings.json` belongs to the project rooted at `sub`; a settings file passed with `--settings` to the repository root.
    const at = input.file.path.lastIndexOf('.claude/');
    const dir = at === -1 ? '' : input.file.path.slice(0, Math.max(0, at - 1));
    const rules = ignore();
    for (const entry of deny) {
      if (typeof entry !== 'string') continue;
      const trimmed = entry.trim();
      if (trimmed === 'Read') rules.add('*');
      const match = /^Read\((.+)\)$/.exec(trimmed);
      if (!match) continue;
      const pattern = (match[1] as string).trim();
      if (pattern.startsWith('//') || pattern.startsWith('~')) continue;
      rules.add(pattern.startsWith('./') ? pattern.slice(1) : pattern);
    }
    result.push({ dir, rules });
  }
  return result;
}

function dirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

function under(path: string, dir: string): boolean {
  return dir === '' || path.startsWith(`${dir}/`);
}

function relativeTo(path: string, dir: string): string {
  return dir === '' ? path : path.slice(dir.length + 1);
}
