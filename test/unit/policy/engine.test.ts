import { beforeAll, describe, expect, it } from 'vitest';
import { CordonConfigSchema } from '../../../src/config/schema.js';
import { loadShellParser } from '../../../src/parse/shell.js';
import { judgeToolCall } from '../../../src/policy/engine.js';
import { virtualFs } from '../../../src/policy/fs.js';
import { resolvePolicy } from '../../../src/policy/roles.js';
import { hostAllowed } from '../../../src/policy/web.js';

beforeAll(loadShellParser);

const fs = virtualFs({ '/repo/src/a.ts': 'x', '/repo/link': { symlink: '/home/agent/.aws/credentials' } });
function judge(tool: string, input: unknown, policy: Record<string, unknown> = {}) {
  const resolved = resolvePolicy(CordonConfigSchema.parse({ policy }), '/repo');
  return judgeToolCall(resolved, { tool, input, cwd: '/repo', home: '/home/agent' }, fs);
}

describe('hostAllowed', () => {
  it.each([
    ['nodejs.org', ['nodejs.org'], true],
    ['NODEJS.ORG.', ['nodejs.org'], true],
    ['api.github.com', ['*.github.com'], true],
    ['github.com', ['*.github.com'], false],
    ['evilgithub.com', ['*.github.com'], false],
    ['nodejs.org.evil.example', ['nodejs.org'], false],
    ['nоdejs.org', ['nodejs.org'], false],
  ])('%s against %j is %s', (host, list, expected) => {
    expect(hostAllowed(host, list)).toBe(expected);
  });
});

describe('judgeToolCall', () => {
  it.each([
    ['WebFetch', { url: 'https://nodejs.org/api/fs.html' }, { 'allowed-domains': ['nodejs.org'] }, 'allow', 'allowed'],
    ['WebFetch', { url: 'https://nodejs.org@evil.example/' }, { 'allowed-domains': ['nodejs.org'] }, 'deny', 'url-userinfo'],
    ['WebFetch', { url: 'http://2130706433/' }, { 'allowed-domains': ['nodejs.org'] }, 'deny', 'domain-not-allowed'],
    ['WebFetch', { url: 'file:///etc/passwd' }, {}, 'deny', 'url-scheme'],
    ['WebFetch', { url: 'not a url' }, {}, 'deny', 'bad-input'],
    ['WebSearch', { query: 'x' }, { 'allowed-domains': ['nodejs.org'] }, 'deny', 'search-unrestricted'],
    ['WebSearch', { query: 'x', allowed_domains: ['nodejs.org'] }, { 'allowed-domains': ['nodejs.org'] }, 'allow', 'allowed'],
    ['mcp__github__get_issue', { issue_number: 1 }, { 'allowed-mcp': ['github__get_issue'] }, 'allow', 'allowed'],
    ['mcp__github__create_issue', { title: 'x' }, { 'allowed-mcp': ['github__get_issue'] }, 'deny', 'mcp-not-allowed'],
    ['mcp__github__merge_pull_request', { pull_number: 1 }, { 'allowed-mcp': ['github'] }, 'deny', 'mcp-merge-approval'],
    ['mcp__fs__read_file', { path: '/home/agent/.ssh/id_rsa' }, { 'allowed-mcp': ['fs'] }, 'deny', 'secret-path'],
    ['Read', { file_path: '/repo/link' }, {}, 'deny', 'secret-path'],
    ['Read', { file_path: 'src/a.ts' }, {}, 'allow', 'path-allowed'],
    ['Write', { file_path: '/repo/.github/workflows/x.yml', content: '' }, {}, 'deny', 'protected-path'],
    ['Grep', { pattern: 'x', path: '/home/agent/.ssh' }, {}, 'deny', 'secret-path'],
    ['TodoWrite', { todos: [] }, {}, 'allow', 'session-tool'],
    ['Teleport', {}, {}, 'deny', 'unknown-tool'],
    ['Bash', { command: 42 }, {}, 'deny', 'bad-input'],
    ['Bash', { command: 'echo "unterminated' }, {}, 'deny', 'parse-error'],
    ['Bash', { command: 'x'.repeat(100_001) }, {}, 'deny', 'too-long'],
  ])('%s %j under %j: %s (%s)', (tool, input, policy, decision, rule) => {
    const verdict = judge(tool, input, policy);
    expect([verdict.decision, verdict.rule]).toEqual([decision, rule]);
  });

  it('keeps read-only roles to their commands and tools', () => {
    expect(judge('Bash', { command: 'git diff HEAD~1' }, { role: 'review' }).decision).toBe('allow');
    expect(judge('Bash', { command: 'git diff && make' }, { role: 'review' }).rule).toBe('command-not-in-role');
    expect(judge('Edit', { file_path: '/repo/src/a.ts', old_string: 'x', new_string: 'y' }, { role: 'review' }).rule).toBe('tool-not-in-role');
    expect(judge('Bash', { command: 'ls' }, { role: 'docs' }).rule).toBe('tool-not-in-role');
    expect(judge('Bash', { command: 'npm test' }, { role: 'fix-tests', 'test-commands': ['npm test'] }).decision).toBe('allow');
  });

  it('asks instead of denying when the category says so', () => {
    const verdict = judge('WebFetch', { url: 'https://evil.example/' }, { decisions: { network: 'ask' } });
    expect(verdict).toMatchObject({ decision: 'ask', category: 'network' });
  });
});
