// Allow rules that hand the agent any shell command, or scoped ones that still reach code execution or the network.

import { commandPattern, isAnyCommand, permissionRules, settingsOf, SHELL_TOOLS, type CommandPattern, type PermissionRule } from '../../settings-facts.js';
import { defineRule } from '../../rule.js';

type Effect = 'exec' | 'exfil';

/**
 * How a program's arguments turn into code execution or egress. `always`: any open argument list
 * does. `subcommands`: an open list right after the program or after a flag does, and so does any
 * list after a word in `anyAfter`, or an open word right after one in `openAfter`. `interpreter`:
 * an open list before a script is chosen does, and so does an open value of a `codeFlags` flag.
 */
type Policy =
  | { kind: 'always' }
  | { kind: 'subcommands'; anyAfter?: readonly string[]; openAfter?: readonly string[] | 'all' }
  | { kind: 'interpreter'; codeFlags: readonly string[] }
  | { kind: 'wrapper' };

interface ProgramRisk {
  names: readonly string[];
  effect: Effect;
  policy: Policy;
  reason: string;
  /** Lower when current Claude Code versions already ask before the dangerous form. */
  confidence?: 'medium';
}

const PACKAGE_INSTALL = ['install', 'i', 'add', 'exec', 'x', 'dlx', 'create', 'init', 'update', 'up', 'upgrade', 'explore', 'link', 'global', 'publish'];

// The table is data so that every entry can carry its own reason; order matters only for display.
const PROGRAMS: readonly ProgramRisk[] = [
  {
    names: ['git'],
    effect: 'exec',
    policy: {
      kind: 'subcommands',
      anyAfter: ['config', 'push', 'fetch', 'pull', 'clone', 'submodule', 'filter-branch', 'bisect', 'rebase', 'difftool', 'mergetool', 'grep', 'archive', 'ls-remote', 'remote', 'send-email', 'instaweb', 'daemon'],
    },
    reason: "`git -c alias.x='!cmd'`, `-c core.pager=…`, `--upload-pack`/`--receive-pack`, `rebase --exec` and `grep -O` run any command",
  },
  {
    names: ['gh'],
    effect: 'exfil',
    policy: { kind: 'subcommands', anyAfter: ['api', 'auth', 'alias', 'extension', 'ext', 'gist', 'secret', 'variable', 'codespace', 'ssh-key', 'gpg-key', 'config'], openAfter: 'all' },
    reason: 'gh carries the job token: `gh api`, `gh auth token` and gists post data or the token itself anywhere on GitHub, and `gh alias`/`gh extension` run code',
  },
  { names: ['curl', 'wget', 'http', 'https', 'xh', 'aria2c'], effect: 'exfil', policy: { kind: 'always' }, reason: 'any URL, header or `--data @file` can be added, so data leaves to any host' },
  { names: ['nc', 'ncat', 'netcat', 'socat', 'telnet', 'ftp', 'tftp'], effect: 'exfil', policy: { kind: 'always' }, reason: 'it opens raw connections to any host' },
  { names: ['ssh', 'scp', 'sftp', 'rsync'], effect: 'exfil', policy: { kind: 'always' }, reason: 'it copies files to any host, and `-o ProxyCommand=…`/`rsync -e` run any command' },
  { names: ['python', 'python2', 'python3', 'pypy', 'pypy3'], effect: 'exec', policy: { kind: 'interpreter', codeFlags: ['-c', '-m'] }, reason: '`python -c` and `python -m` run any code or module' },
  { names: ['node', 'nodejs', 'tsx', 'ts-node'], effect: 'exec', policy: { kind: 'interpreter', codeFlags: ['-e', '--eval', '-p', '--print', '-r', '--require', '--import'] }, reason: '`node -e` runs any code' },
  { names: ['perl'], effect: 'exec', policy: { kind: 'interpreter', codeFlags: ['-e', '-E', '-M'] }, reason: '`perl -e` runs any code' },
  { names: ['ruby'], effect: 'exec', policy: { kind: 'interpreter', codeFlags: ['-e', '-r'] }, reason: '`ruby -e` runs any code' },
  { names: ['php'], effect: 'exec', policy: { kind: 'interpreter', codeFlags: ['-r'] }, reason: '`php -r` runs any code' },
  { names: ['bash', 'sh', 'zsh', 'dash', 'ksh', 'fish', 'pwsh', 'powershell'], effect: 'exec', policy: { kind: 'interpreter', codeFlags: ['-c', '-Command', '-EncodedCommand'] }, reason: '`sh -c` runs any command, and Claude Code cannot see inside it' },
  { names: ['awk', 'gawk', 'mawk', 'nawk'], effect: 'exec', policy: { kind: 'interpreter', codeFlags: ['-f'] }, reason: "an awk program can call `system()`" },
  { names: ['deno'], effect: 'exec', policy: { kind: 'subcommands', anyAfter: ['eval', 'install', 'x', 'repl', 'serve', 'compile'], openAfter: ['run', 'task'] }, reason: '`deno run`/`deno eval` run any code, local or from a URL' },
  { names: ['bun'], effect: 'exec', policy: { kind: 'subcommands', anyAfter: ['x', 'exec', 'add', 'install', 'i', 'create', 'link', 'update', '-e', '--eval', '-p', '--print'], openAfter: ['run'] }, reason: '`bun run`, `bun x` and `bun -e` run any code, and `bun add` runs install scripts' },
  {
    names: ['npm', 'pnpm', 'yarn'],
    effect: 'exec',
    policy: { kind: 'subcommands', anyAfter: PACKAGE_INSTALL, openAfter: ['run', 'run-script', 'rum', 'urn'] },
    reason: 'installs run package lifecycle scripts, and `run`/`exec` run any script or binary',
  },
  { names: ['npx', 'pnpx', 'bunx', 'uvx', 'pipx'], effect: 'exec', policy: { kind: 'subcommands', anyAfter: ['install'], openAfter: ['run'] }, reason: 'it downloads and runs any package' },
  { names: ['pip', 'pip3', 'uv', 'poetry', 'pdm', 'conda'], effect: 'exec', policy: { kind: 'subcommands', anyAfter: ['install', 'add', 'sync', 'download', 'tool', 'pip', 'x', 'exec', 'update', 'upgrade'], openAfter: ['run'] }, reason: 'package installs run arbitrary build code, and `uv run` runs any command' },
  // Build and test subcommands are left alone: they run repository code the agent can edit anyway,
  // which is a question about its Edit permission, not about this allow rule.
  { names: ['cargo'], effect: 'exec', policy: { kind: 'subcommands', anyAfter: ['install', 'run', 'add', 'script'] }, reason: '`cargo run` and `cargo install` build and run any crate' },
  { names: ['go'], effect: 'exec', policy: { kind: 'subcommands', anyAfter: ['get', 'install', 'generate', 'tool'], openAfter: ['run'] }, reason: '`go run` runs any package, and `go generate` any command' },
  { names: ['gem', 'bundle', 'bundler', 'composer', 'apt', 'apt-get', 'brew', 'dnf', 'yum', 'apk'], effect: 'exec', policy: { kind: 'subcommands', anyAfter: ['install', 'add', 'exec', 'update', 'upgrade', 'require', 'global'], openAfter: ['run'] }, reason: 'package installs run maintainer scripts, and `exec` runs any binary' },
  { names: ['make', 'gmake', 'just', 'rake', 'task'], effect: 'exec', policy: { kind: 'always' }, reason: 'targets run shell recipes, and extra arguments (`--eval`, `-f`, `VAR=…` overrides) change what runs' },
  { names: ['docker', 'podman', 'nerdctl'], effect: 'exec', policy: { kind: 'subcommands', anyAfter: ['run', 'exec', 'build', 'buildx', 'compose', 'create', 'cp', 'push', 'login', 'container', 'plugin', 'context', 'start', 'commit', 'save', 'export'] }, reason: '`docker run` starts any image with any command, mounts and network access' },
  {
    names: ['aws', 'gcloud', 'gsutil', 'az', 'kubectl', 'helm', 'terraform', 'tofu', 'pulumi', 'heroku', 'vercel', 'flyctl', 'doctl', 'firebase', 'wrangler'],
    effect: 'exfil',
    policy: { kind: 'subcommands', openAfter: 'all' },
    reason: 'a cloud CLI with open arguments reads secrets and copies data to any bucket or cluster',
  },
  { names: ['find', 'fd'], effect: 'exec', policy: { kind: 'always' }, reason: '`-exec`/`-x` run any command on what it finds (recent Claude Code versions ask first; older ones do not)', confidence: 'medium' },
  { names: ['env', 'xargs', 'timeout', 'nice', 'nohup', 'stdbuf', 'time', 'command', 'builtin', 'exec', 'eval', 'watch', 'setsid', 'ionice', 'flock', 'chroot', 'unbuffer', 'parallel', 'script', 'direnv', 'devbox', 'mise', 'nix'], effect: 'exec', policy: { kind: 'wrapper' }, reason: 'it runs whatever command follows it' },
  { names: ['sudo', 'doas', 'su', 'pkexec'], effect: 'exec', policy: { kind: 'wrapper' }, reason: 'it runs whatever command follows it as root' },
];

const BY_NAME = new Map<string, ProgramRisk>(PROGRAMS.flatMap((risk) => risk.names.map((name) => [name, risk] as const)));
const ROOT_WRAPPERS = new Set(['sudo', 'doas', 'su', 'pkexec']);

export const broadToolAllowlist = defineRule({
  meta: {
    id: 'broad-tool-allowlist',
    area: 'settings',
    description: 'allow rules let the agent run any command, arbitrary code or network transfers without asking',
    severity: 'medium',
    confidence: 'high',
    messages: {
      anyCommand: '`{{rule}}` lets the agent run any shell command without asking',
      anyTool: '`{{rule}}` allows every tool without asking, including any shell command',
      codeExecution: '`{{rule}}` still lets the agent run arbitrary code: {{reason}}',
      exfiltration: '`{{rule}}` lets the agent send data off the runner: {{reason}}',
      anyUrl: '`{{rule}}` lets the agent fetch any URL, and a URL can carry data out in its path or query',
    },
    help: 'Allow the exact commands the task needs (`Bash(npm test)`, `Bash(git diff *)`, `Bash(gh pr view *)`) instead of whole programs; keep interpreters, package managers, network tools and wrappers out of the allow list, and run the agent in a sandbox or container with egress limits.',
  },
  inputs: ['claude-settings'],
  check({ input, report }) {
    const settings = settingsOf(input);
    if (!settings) return;
    for (const rule of permissionRules(settings, 'allow')) {
      const at = { route: rule.route };
      const data = { rule: rule.text.trim() };
      // Recent Claude Code versions refuse a bare `*` in allow rules; older ones honour it.
      if (rule.tool === '*') {
        report({ messageId: 'anyTool', data, at, severity: 'high', confidence: 'medium' });
      } else if (isAnyCommand(rule)) {
        report({ messageId: 'anyCommand', data, at, severity: 'high' });
      } else if (rule.tool === 'Bash') {
        const risk = riskOf(commandPattern(rule.specifier));
        if (!risk) continue;
        const messageId = risk.effect === 'exfil' ? 'exfiltration' : 'codeExecution';
        report({ messageId, data: { ...data, reason: risk.reason }, at, ...(risk.confidence ? { confidence: risk.confidence } : {}) });
      } else if (rule.tool === 'WebFetch' && fetchesAnyUrl(rule)) {
        report({ messageId: 'anyUrl', data, at });
      }
      // MCP wildcards (`mcp__*`, `mcp__server__*`) are mcp-wildcard-allow's, which grades them per server.
    }
  },
});

/** The risky program a Bash pattern reaches, if its open part lets arguments do damage. */
function riskOf(pattern: CommandPattern): ProgramRisk | undefined {
  if (!pattern.open) return undefined;
  const [program, ...rest] = pattern.words;
  if (program === undefined) {
    // `Bash(py*)`: the wildcard is inside the program name, so anything after it is open too.
    if (pattern.partial === '') return undefined;
    const candidates = PROGRAMS.filter((risk) => risk.names.some((name) => name.startsWith(pattern.partial)));
    return candidates[0];
  }
  const name = program.slice(program.lastIndexOf('/') + 1);
  const risk = BY_NAME.get(name);
  if (!risk) return undefined;
  if (risk.policy.kind === 'wrapper') return wrappedRisk(risk, name, rest, pattern.partial);
  return isRisky(risk, rest, pattern.partial) ? risk : undefined;
}

/** A wrapper is as risky as what it may wrap: anything when the command is open, else the wrapped program. */
function wrappedRisk(risk: ProgramRisk, name: string, rest: string[], partial: string): ProgramRisk | undefined {
  // Wrapper flags, durations and VAR=value come before the wrapped command.
  const inner = rest.filter((_, i) => !rest.slice(0, i + 1).every((w) => w.startsWith('-') || /^\d/.test(w) || w.includes('=')));
  if (inner.length === 0) return risk;
  const wrapped = riskOf({ words: inner, open: true, partial });
  // Root turns even harmless arguments into a hazard: `sudo cp x /etc/…`.
  return wrapped ?? (ROOT_WRAPPERS.has(name) ? risk : undefined);
}

function isRisky(risk: ProgramRisk, rest: string[], partial: string): boolean {
  // An open word that may still become a flag (`-c`) or any subcommand.
  const nextOpen = partial === '' || partial.startsWith('-');
  const mayBe = (words: readonly string[]): boolean => words.some((word) => word.startsWith(partial));
  const policy = risk.policy;
  switch (policy.kind) {
    case 'always':
    case 'wrapper':
      return true;
    case 'interpreter': {
      const last = rest.at(-1);
      if (last !== undefined && policy.codeFlags.includes(last)) return true;
      const scriptChosen = rest.some((word) => !word.startsWith('-'));
      if (scriptChosen) return false;
      return nextOpen || mayBe(policy.codeFlags);
    }
    case 'subcommands': {
      const anyAfter = policy.anyAfter ?? [];
      const first = rest[0];
      if (first === undefined) return nextOpen || mayBe(anyAfter) || policy.openAfter === 'all' || mayBe(policy.openAfter ?? []);
      if (first.startsWith('-')) return true;
      if (anyAfter.includes(first)) return true;
      if (rest.length === 1 && partial === '') return policy.openAfter === 'all' || (policy.openAfter ?? []).includes(first);
      return false;
    }
  }
}

/** `WebFetch`, `WebFetch(domain:*)`, `WebFetch(domain:*.com)`: no real limit on where it connects. */
function fetchesAnyUrl(rule: PermissionRule): boolean {
  if (rule.specifier === undefined) return true;
  const spec = rule.specifier.trim();
  if (spec === '' || spec === '*') return true;
  if (!spec.startsWith('domain:')) return false;
  const domain = spec.slice('domain:'.length).trim();
  const rest = domain.startsWith('*.') ? domain.slice(2) : domain;
  return rest === '' || rest.includes('*') || !rest.includes('.');
}
