// Permission-rule parsing and the merged view of settings layers that the settings rules share.

import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit/engine.js';
import { commandPattern, isAnyCommand, parsePermissionRule, shellAccess, type SettingsLayer } from '../../src/audit/settings-facts.js';
import { CordonConfigSchema } from '../../src/config/schema.js';
import { execFileSync } from 'node:child_process';

describe('parsePermissionRule', () => {
  it('splits tool and specifier', () => {
    expect(parsePermissionRule('Bash(npm run *)')).toEqual({ tool: 'Bash', specifier: 'npm run *' });
    expect(parsePermissionRule(' Read ')).toEqual({ tool: 'Read', specifier: undefined });
    expect(parsePermissionRule('WebFetch(domain:example.com)')).toEqual({ tool: 'WebFetch', specifier: 'domain:example.com' });
    expect(parsePermissionRule('Bash()')).toEqual({ tool: 'Bash', specifier: '' });
  });
});

describe('commandPattern', () => {
  const table: [string | undefined, ReturnType<typeof commandPattern>][] = [
    [undefined, { words: [], open: true, partial: '' }],
    ['*', { words: [], open: true, partial: '' }],
    [':*', { words: [], open: true, partial: '' }],
    ['git:*', { words: ['git'], open: true, partial: '' }],
    ['npm run *', { words: ['npm', 'run'], open: true, partial: '' }],
    ['npm run test*', { words: ['npm', 'run'], open: true, partial: 'test' }],
    ['git * main', { words: ['git'], open: true, partial: '' }],
    ['py*', { words: [], open: true, partial: 'py' }],
    ['npm test', { words: ['npm', 'test'], open: false, partial: '' }],
    // `:*` only counts at the end; elsewhere it is literal text.
    ['a:* b', { words: [], open: true, partial: 'a:' }],
  ];
  for (const [specifier, expected] of table) {
    it(`reads ${JSON.stringify(specifier)}`, () => expect(commandPattern(specifier)).toEqual(expected));
  }

  it('knows which shell rules allow any command', () => {
    for (const rule of ['Bash', 'Bash(*)', 'Bash(:*)', 'Bash(* --help)', 'PowerShell']) expect(isAnyCommand(parsePermissionRule(rule)), rule).toBe(true);
    for (const rule of ['Bash(git:*)', 'Bash(py*)', 'Read', 'WebFetch']) expect(isAnyCommand(parsePermissionRule(rule)), rule).toBe(false);
  });
});

describe('shellAccess', () => {
  const layer = (allow: string[]): SettingsLayer => ({ input: undefined as never, settings: { permissions: { allow } } });
  it('grades the union of the layers', () => {
    expect(shellAccess([layer(['Read'])])).toBeUndefined();
    expect(shellAccess([layer(['Read']), layer(['Bash(npm test)'])])).toBe('scoped');
    expect(shellAccess([layer(['Bash(npm test)']), layer(['Bash(*)'])])).toBe('any');
    expect(shellAccess([layer(['*'])])).toBe('any');
  });
});

describe('merged settings layers', () => {
  function repo(files: Record<string, unknown>): string {
    const root = mkdtempSync(join(tmpdir(), 'cordon-settings-'));
    for (const [path, value] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), JSON.stringify(value, null, 2));
    }
    return root;
  }
  const audit = async (root: string, only: string[]) => (await runAudit({ root, config: CordonConfigSchema.parse({}).audit, only })).findings;

  it('reports a group finding once, on the committed file', async () => {
    const root = repo({ '.claude/settings.json': { permissions: {} }, '.claude/settings.local.json': { permissions: { allow: ['Bash'] } } });
    const findings = await audit(root, ['no-network-deny', 'no-secret-read-deny']);
    expect(findings.map((f) => [f.ruleId, f.location.path, f.severity])).toEqual([
      ['no-network-deny', '.claude/settings.json', 'medium'],
      ['no-secret-read-deny', '.claude/settings.json', 'medium'],
    ]);
  });

  it('keeps directories apart', async () => {
    const root = repo({ '.claude/settings.json': { permissions: { deny: ['Read(./.env)'] } }, 'pkg/.claude/settings.local.json': { permissions: {} } });
    const findings = await audit(root, ['no-secret-read-deny']);
    expect(findings.map((f) => f.location.path)).toEqual(['pkg/.claude/settings.local.json']);
  });

  it('adds a file passed with --settings to the root pair', async () => {
    const root = repo({
      '.claude/settings.json': { permissions: { deny: ['Read(./.env)'] } },
      'ci/claude.json': { permissions: { defaultMode: 'acceptEdits' } },
      '.claude/settings.local.json': { permissions: { allow: ['Bash'] } },
    });
    mkdirSync(join(root, '.github/workflows'), { recursive: true });
    writeFileSync(join(root, '.github/workflows/c.yml'), 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: claude -p "hi" --settings ci/claude.json\n');
    const findings = await audit(root, ['no-secret-read-deny', 'bypass-default-mode']);
    expect(findings.map((f) => [f.ruleId, f.messageId, f.location.path])).toEqual([['bypass-default-mode', 'acceptEditsWithShell', 'ci/claude.json']]);
  });
});

describe('local-settings-committed in a git work tree', () => {
  function gitRepo(track: boolean): string {
    const root = mkdtempSync(join(tmpdir(), 'cordon-git-'));
    mkdirSync(join(root, '.claude'));
    writeFileSync(join(root, '.claude/settings.local.json'), '{"permissions": {"allow": ["Bash"]}}\n');
    const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { stdio: 'ignore' });
    git('init', '-q');
    if (track) git('add', '.claude/settings.local.json');
    else writeFileSync(join(root, '.gitignore'), '.claude/settings.local.json\n');
    return root;
  }

  it('flags a tracked local file at full confidence', async () => {
    const findings = (await runAudit({ root: gitRepo(true), config: CordonConfigSchema.parse({}).audit, only: ['local-settings-committed'] })).findings;
    expect(findings.map((f) => [f.messageId, f.confidence, f.location.start.line])).toEqual([['committed', 'high', 1]]);
    expect(findings[0]?.message).toContain('tracked by git');
  });

  it('leaves an ignored local file alone', async () => {
    const findings = (await runAudit({ root: gitRepo(false), config: CordonConfigSchema.parse({}).audit, only: ['local-settings-committed'] })).findings;
    expect(findings).toEqual([]);
  });
});
