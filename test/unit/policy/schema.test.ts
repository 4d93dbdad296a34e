import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/core/errors.js';
import { POLICY_CATEGORIES, PolicySchema } from '../../../src/config/policy-schema.js';

function issues(input: unknown): { path: PropertyKey[]; code: string; message: string }[] {
  const result = PolicySchema.safeParse(input);
  if (result.success) throw new Error('expected the policy to be rejected');
  return result.error.issues;
}

describe('policy schema', () => {
  it('fills the implement preset and deny for every category', () => {
    const policy = PolicySchema.parse({});
    expect(policy.role).toBe('implement');
    expect(policy['write-scope']).toEqual([]);
    expect(policy['allowed-domains']).toEqual([]);
    expect(Object.keys(policy.decisions).sort()).toEqual([...POLICY_CATEGORIES].sort());
    expect(new Set(Object.values(policy.decisions))).toEqual(new Set(['deny']));
  });

  it('cordon.yml without a policy section gets the defaults, and each parse its own copy', () => {
    const first = parseConfig('', 'cordon.yml');
    expect(first.policy).toEqual(PolicySchema.parse({}));
    first.policy['secret-paths'].push('x');
    first.policy.decisions.network = 'ask';
    const second = parseConfig('', 'cordon.yml');
    expect(second.policy['secret-paths']).toEqual([]);
    expect(second.policy.decisions.network).toBe('deny');
  });

  it('a partial decisions object keeps deny for the categories it leaves out', () => {
    const policy = PolicySchema.parse({ role: 'fix-tests', decisions: { network: 'ask' }, 'test-commands': ['npm test'] });
    expect(policy.decisions.network).toBe('ask');
    expect(policy.decisions['secret-access']).toBe('deny');
  });

  it.each(['api.github.com', 'registry.npmjs.org', '*.example.com', 'localhost', 'Docs.Example.com'])('accepts the domain %s', (domain) => {
    expect(PolicySchema.parse({ 'allowed-domains': [domain] })['allowed-domains']).toEqual([domain]);
  });

  it('rejects a bare * domain with a message that says why', () => {
    const [issue, ...rest] = issues({ 'allowed-domains': ['*'] });
    expect(rest).toEqual([]);
    expect(issue?.path).toEqual(['allowed-domains', 0]);
    expect(issue?.message).toMatch(/bare \*/);
  });

  it.each(['*.com', 'https://example.com', 'example.com/path', '*example.com', 'a..b', '**.example.com'])('rejects the domain %s', (domain) => {
    expect(issues({ 'allowed-domains': [domain] })[0]?.path).toEqual(['allowed-domains', 0]);
  });

  it.each([
    [{ bogus: 1 }, [], 'unrecognized_keys'],
    [{ decisions: { network: 'deny', telepathy: 'ask' } }, ['decisions'], 'unrecognized_keys'],
    [{ decisions: { network: 'allow' } }, ['decisions', 'network'], 'invalid_value'],
    [{ role: 'admin' }, ['role'], 'invalid_value'],
    [{ 'write-scope': ['../outside/**'] }, ['write-scope', 0], 'custom'],
    [{ 'write-scope': ['/etc/**'] }, ['write-scope', 0], 'custom'],
    [{ 'allowed-mcp': ['mcp__github'] }, ['allowed-mcp', 0], 'invalid_format'],
    [{ 'secret-paths': [''] }, ['secret-paths', 0], 'too_small'],
  ])('rejects %j at %j (%s)', (input, path, code) => {
    const [issue] = issues(input);
    expect(issue?.path).toEqual(path);
    expect(issue?.code).toBe(code);
  });

  it('accepts MCP servers and server__tool names', () => {
    expect(PolicySchema.parse({ 'allowed-mcp': ['github', 'github__get_issue'] })['allowed-mcp']).toHaveLength(2);
  });

  it('an unknown policy key in cordon.yml is reported at the key', () => {
    let error: unknown;
    try {
      parseConfig('policy:\n  role: review\n  roles: docs\n', 'cordon.yml');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect([(error as ConfigError).line, (error as ConfigError).column]).toEqual([3, 3]);
  });
});
