import { describe, expect, it } from 'vitest';
import { classify } from '../../src/audit/inputs.js';

describe('classify', () => {
  it.each([
    ['.github/workflows/ci.yml', 'workflow'],
    ['.github/workflows/ci.yaml', 'workflow'],
    ['.github/workflows/sub/ci.yml', undefined],
    ['action.yml', 'action'],
    ['actions/setup/action.yaml', 'action'],
    ['.gitlab-ci.yml', 'gitlab-ci'],
    ['.claude/settings.json', 'claude-settings'],
    ['.claude/settings.local.json', 'claude-settings'],
    ['pkg/.claude/settings.json', 'claude-settings'],
    ['.mcp.json', 'mcp-config'],
    ['CLAUDE.md', 'instructions'],
    ['docs/AGENTS.md', 'instructions'],
    ['README.md', 'instructions'],
    ['.claude/rules/style.md', 'instructions'],
    ['.claudeignore', 'claudeignore'],
    ['Dockerfile', 'dockerfile'],
    ['docker/Dockerfile.agent', 'dockerfile'],
    ['agent.Dockerfile', 'dockerfile'],
    ['docker-compose.yml', 'compose'],
    ['compose.yaml', 'compose'],
    ['docker-compose.override.yml', 'compose'],
    ['.devcontainer/devcontainer.json', 'devcontainer'],
    ['.devcontainer/python/devcontainer.json', 'devcontainer'],
    ['src/index.ts', undefined],
    ['docs/guide.md', undefined],
  ])('%s → %s', (path, kind) => {
    expect(classify(path)).toBe(kind);
  });
});
