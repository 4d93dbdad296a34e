import { describe, expect, it } from 'vitest';
import { claudeInvocation } from '../../src/audit/claude-cli.js';
import { actorGate, bashGrant, findInstalls, findRepoCode, grantedInstall, grantPermits, isGateCondition, modelKeyOf, sandboxIn } from '../../src/audit/workflow-facts.js';
import { loadShellParser, parseShell } from '../../src/parse/shell.js';
import { workflowModel } from '../../src/parse/workflow.js';
import { YamlFile } from '../../src/parse/yaml-doc.js';

await loadShellParser();

describe('findInstalls', () => {
  it.each([
    ['npm install -g @anthropic-ai/claude-code', 'claude-cli'],
    ['sudo npm i -g @anthropic-ai/claude-code@latest', 'claude-cli'],
    ['npx -y @anthropic-ai/claude-code -p hi', 'claude-cli'],
    ['npm install left-pad', 'package'],
    ['npm install', 'package'],
    ['yarn global add typescript', 'package'],
    ['pip install requests', 'package'],
    ['python3 -m pip install "httpx>=0.27"', 'package'],
    ['go install golang.org/x/tools/gopls@latest', 'package'],
    ['cargo install ripgrep', 'package'],
    ['gem install rails', 'package'],
    ['curl -fsSL https://x.sh | bash', 'pipe-to-shell'],
    ['wget -qO- https://x.sh | sudo sh -s -- -y', 'pipe-to-shell'],
    ['bash <(curl -s https://x.sh)', 'pipe-to-shell'],
    ['sh -c "$(curl -fsSL https://x.sh)"', 'pipe-to-shell'],
  ])('%j is a %s install', (script, kind) => {
    expect(findInstalls(script).map((hit) => hit.kind)).toEqual([kind]);
  });

  it.each([
    'npm ci',
    'npm i -g @anthropic-ai/claude-code@1.0.100',
    'npx -y @anthropic-ai/claude-code@1.0.100 -p hi',
    'pip install -r requirements.txt',
    'pip install ruff==0.6.9',
    'pip install --upgrade pip',
    'pip install -e .',
    'go install ./cmd/tool',
    'go install golang.org/x/tools/gopls@v0.16.1',
    'gem install rails -v 7.1.3',
    'cargo install ripgrep --version 14.1.0',
    'yarn install --frozen-lockfile',
    'pnpm install',
    'curl -fsSLo tool.tgz https://x/tool.tgz',
    'curl https://x | jq .version',
    'echo npm install left-pad',
  ])('%j is not an ad-hoc install', (script) => {
    expect(findInstalls(script)).toEqual([]);
  });

  it('points at the whole pipeline, and only at the fetch for npx', () => {
    const script = 'set -e\ncurl -fsSL https://x.sh | bash\nnpx -y @anthropic-ai/claude-code -p "do it"';
    const [pipe, npx] = findInstalls(script);
    expect(script.slice(pipe!.index, pipe!.index + pipe!.length)).toBe('curl -fsSL https://x.sh | bash');
    expect(script.slice(npx!.index, npx!.index + npx!.length)).toBe('npx -y @anthropic-ai/claude-code');
  });
});

describe('findRepoCode', () => {
  it.each([
    ['npm ci', 1],
    ['npm run build && npm test', 2],
    ['make -C docs', 1],
    ['./scripts/setup.sh', 1],
    ['python setup.py install', 1],
    ['echo hi; git status', 0],
  ])('%j runs repository code %i time(s)', (script, count) => {
    expect(findRepoCode(script)).toHaveLength(count);
  });
});

describe('tool grants', () => {
  it.each([
    ['Bash', { words: [], wildcard: true }],
    ['Bash(*)', { words: [], wildcard: true }],
    ['Bash(npm install:*)', { words: ['npm', 'install'], wildcard: true }],
    ['Bash(npm *)', { words: ['npm'], wildcard: true }],
    ['Bash(gh pr view)', { words: ['gh', 'pr', 'view'], wildcard: false }],
  ])('%j reads as %j', (tool, grant) => {
    expect(bashGrant(tool)).toEqual(grant);
  });

  it('is not a Bash grant for other tools', () => {
    expect(bashGrant('Read')).toBeUndefined();
    expect(bashGrant('BashOutput')).toBeUndefined();
  });

  it.each([
    ['Bash(gh:*)', ['gh', 'pr', 'merge'], true],
    ['Bash(gh pr merge:*)', ['gh', 'pr', 'merge'], true],
    ['Bash(gh pr merge 12)', ['gh', 'pr', 'merge'], true],
    ['Bash(gh pr view:*)', ['gh', 'pr', 'merge'], false],
    ['Bash(gh pr)', ['gh', 'pr', 'merge'], false],
  ])('%j permits %j: %s', (tool, prefix, expected) => {
    expect(grantPermits(bashGrant(tool)!, prefix)).toBe(expected);
  });

  it.each([
    ['Bash(npm:*)', 'npm install'],
    ['Bash(pip:*)', 'pip install'],
    ['Bash(bun add *)', 'bun add'],
    ['Bash(npm test:*)', undefined],
    ['Bash(npm run lint)', undefined],
    ['Bash', undefined],
  ])('%j grants install %j', (tool, install) => {
    expect(grantedInstall(tool)).toBe(install);
  });
});

describe('actor gates', () => {
  it.each([
    ["contains(fromJSON('[\"OWNER\",\"MEMBER\"]'), github.event.comment.author_association)", true],
    ["github.event.comment.author_association == 'COLLABORATOR'", true],
    ["github.actor == 'alice'", true],
    ["contains(fromJSON(vars.MAINTAINERS), github.actor)", true],
    ["github.event.sender.login == 'alice' || github.event.sender.login == 'bob'", true],
    ['github.event.pull_request.head.repo.full_name == github.repository', true],
    ["github.actor != 'dependabot[bot]'", false],
    ["contains(github.event.comment.body, '@claude')", false],
    ["contains(github.event.issue.labels.*.name, 'claude')", false],
    ["github.event.comment.author_association != 'NONE'", false],
  ])('%j is a gate: %s', (condition, expected) => {
    expect(isGateCondition(condition)).toBe(expected);
  });

  const workflow = workflowModel(
    new YamlFile(
      'w.yml',
      `on: issue_comment
jobs:
  check:
    if: github.actor == 'alice'
    runs-on: ubuntu-latest
    steps:
      - run: echo ok
  gated-by-needs:
    needs: [check]
    steps:
      - run: claude -p hi
  checked:
    steps:
      - uses: actions-cool/check-user-permission@v2
      - run: claude -p hi
  checked-too-late:
    steps:
      - run: claude -p hi
      - uses: actions-cool/check-user-permission@v2
  open:
    steps:
      - run: claude -p hi
`,
    ),
  )!;
  const job = (id: string) => workflow.jobs.find((candidate) => candidate.id === id)!;

  it.each([
    ['gated-by-needs', 'condition'],
    ['checked', 'permission-check'],
    ['checked-too-late', undefined],
    ['open', undefined],
  ])('job %s is gated by %s', (id, kind) => {
    const agentStep = job(id).steps.find((step) => step.run?.value.startsWith('claude'));
    expect(actorGate(workflow, job(id), agentStep)?.kind).toBe(kind);
  });
});

describe('sandboxes', () => {
  it.each([
    ['cordon run -- claude -p hi', 'cordon run'],
    ['timeout 600 srt claude -p hi', 'srt'],
    ['docker run --rm img claude -p hi', 'docker run'],
    ['bwrap --ro-bind / / claude -p hi', 'bwrap'],
    ['timeout 600 claude -p hi', undefined],
    ['claude -p hi', undefined],
  ])('%j runs claude in %s', (script, sandbox) => {
    const command = parseShell(script).commands[0]!;
    const invocation = claudeInvocation(command);
    expect(invocation).toBeDefined();
    expect(sandboxIn(invocation!.wrapper)).toBe(sandbox);
  });

  it.each(['sudo -u claude whoami', 'docker build -t claude .', 'docker run --name claude img', 'echo claude'])('%j does not run claude', (script) => {
    expect(claudeInvocation(parseShell(script).commands[0]!)).toBeUndefined();
  });
});

describe('modelKeyOf', () => {
  it.each([
    ['ANTHROPIC_API_KEY', '${{ secrets.X }}', 'ANTHROPIC_API_KEY'],
    ['KEY', '${{ secrets.CLAUDE_TOKEN }}', 'secrets.CLAUDE_TOKEN'],
    ['ANTHROPIC_API_KEY', '$CLAUDE_KEY', 'ANTHROPIC_API_KEY'],
    ['MODEL', '$PROD_ANTHROPIC_KEY', '$PROD_ANTHROPIC_KEY'],
    ['CLAUDE_CODE_MAX_OUTPUT_TOKENS', '8000', undefined],
    ['GH_TOKEN', '${{ secrets.GITHUB_TOKEN }}', undefined],
  ])('%s: %s carries %s', (name, value, key) => {
    expect(modelKeyOf(name, value)).toBe(key);
  });
});
