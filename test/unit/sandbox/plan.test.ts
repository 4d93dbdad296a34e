import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { domainPatternProblem, parseSize, SandboxSchema } from '../../../src/config/sandbox-schema.js';
import { planBwrap, type SandboxLayout } from '../../../src/sandbox/bwrap.js';
import { looksSecret, proxyVariables, sandboxEnv } from '../../../src/sandbox/env.js';
import { diffSnapshots, escapingSymlinks, protectedChanges, snapshot } from '../../../src/sandbox/snapshot.js';

const base = mkdtempSync(join(tmpdir(), 'cordon-plan-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('sandbox config', () => {
  it.each([
    ['registry.npmjs.org', undefined],
    ['*.github.com', undefined],
    ['*', 'bare'],
    ['*.com', 'top-level'],
    ['https://x.example', 'host name only'],
    ['x.example:443', 'host name only'],
    ['a.*.example', 'first label'],
    ['a..example', 'empty label'],
  ])('domain pattern %s', (pattern, problem) => {
    const found = domainPatternProblem(pattern);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem === 'bare' ? 'bare *' : problem === 'top-level' ? 'top-level' : problem);
  });

  it('rejects a bare * in the schema, with the entry named', () => {
    const result = SandboxSchema.safeParse({ 'allowed-domains': ['ok.example', '*'] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['allowed-domains', 1]);
  });

  it.each([
    ['512M', 512 * 1024 ** 2],
    ['4G', 4 * 1024 ** 3],
    ['1.5G', Math.floor(1.5 * 1024 ** 3)],
    ['1024', 1024],
    ['lots', undefined],
    ['0', undefined],
  ])('size %s', (text, bytes) => expect(parseSize(text)).toBe(bytes));
});

describe('sandbox environment', () => {
  it('passes the allowlist and the named variables, drops the rest, and fixed values win', () => {
    const host = { PATH: '/usr/bin', LANG: 'C.UTF-8', HOME: '/root', GITHUB_TOKEN: 'ghs_x', AWS_SECRET_ACCESS_KEY: 'y', MY_FLAG: '1', NPM_TOKEN: 'z' };
    const { env, dropped } = sandboxEnv(host, ['MY_FLAG', 'NPM_TOKEN'], { HOME: '/home/cordon' });
    expect(env).toEqual({ PATH: '/usr/bin', LANG: 'C.UTF-8', MY_FLAG: '1', NPM_TOKEN: 'z', HOME: '/home/cordon' });
    expect(dropped).toEqual(['AWS_SECRET_ACCESS_KEY', 'GITHUB_TOKEN']);
  });

  it.each(['GITHUB_TOKEN', 'ANTHROPIC_API_KEY', 'DB_PASSWORD', 'AWS_SECRET_ACCESS_KEY', 'ACTIONS_ID_TOKEN_REQUEST_URL'])('%s looks secret', (name) => expect(looksSecret(name)).toBe(true));

  it('points every client at the proxy and keeps loopback direct', () => {
    const vars = proxyVariables('http://127.0.0.1:3128');
    expect(vars.HTTPS_PROXY).toBe('http://127.0.0.1:3128');
    expect(vars.https_proxy).toBe('http://127.0.0.1:3128');
    expect(vars.NO_PROXY).toContain('127.0.0.1');
    expect([vars.GIT_CONFIG_KEY_0, vars.GIT_CONFIG_VALUE_0]).toEqual(['http.proxy', 'http://127.0.0.1:3128']);
  });
});

describe('bwrap plan', () => {
  const repo = join(base, 'repo');
  mkdirSync(join(repo, '.git', 'hooks'), { recursive: true });
  writeFileSync(join(repo, '.git', 'config'), '');
  mkdirSync(join(repo, '.github'));
  const layout = (over: Partial<SandboxLayout> = {}): SandboxLayout => ({
    repo,
    repoWritable: true,
    protectedPaths: ['.github/', '.git/hooks', '.git/config', '.npmrc', '.claude/', '**/.git/hooks'],
    home: join(base, 'home'),
    tmp: join(base, 'tmp'),
    runDir: join(base, 'run'),
    readOnly: [],
    cwd: repo,
    uid: 1000,
    env: { PATH: '/usr/bin' },
    empty: join(base, 'empty'),
    ...over,
  });
  const pairs = (args: string[], flag: string): [string, string][] => args.flatMap((a, i) => (a === flag ? [[args[i + 1]!, args[i + 2]!] as [string, string]] : []));

  it('isolates everything, as a non-root uid, with a clean environment', () => {
    const { args } = planBwrap(layout());
    for (const flag of ['--unshare-all', '--die-with-parent', '--new-session', '--clearenv']) expect(args).toContain(flag);
    expect(args[args.indexOf('--uid') + 1]).toBe('1000');
    expect(args).not.toContain('--share-net');
    expect(pairs(args, '--setenv')).toEqual([['PATH', '/usr/bin']]);
  });

  it('binds the repository read-write and its protected paths read-only after it; missing ones get stand-ins', () => {
    const { args, placeholders } = planBwrap(layout());
    const repoAt = args.findIndex((a, i) => a === '--bind' && args[i + 1] === repo);
    expect(repoAt).toBeGreaterThan(-1);
    const ro = pairs(args, '--ro-bind');
    expect(ro).toContainEqual([join(repo, '.github'), join(repo, '.github')]);
    expect(ro).toContainEqual([join(repo, '.git', 'hooks'), join(repo, '.git', 'hooks')]);
    expect(ro).toContainEqual([join(base, 'empty', 'file'), join(repo, '.npmrc')]);
    expect(ro).toContainEqual([join(base, 'empty', 'dir'), join(repo, '.claude')]);
    expect(placeholders.sort()).toEqual([join(repo, '.claude'), join(repo, '.npmrc')]);
    const protectedAt = args.findIndex((a, i) => a === '--ro-bind' && args[i + 2] === join(repo, '.github'));
    expect(protectedAt).toBeGreaterThan(repoAt);
  });

  it('mounts a read-only role repository read-only, with nothing to protect on top', () => {
    const { args, placeholders } = planBwrap(layout({ repoWritable: false }));
    expect(pairs(args, '--ro-bind')).toContainEqual([repo, repo]);
    expect(pairs(args, '--bind').map(([from]) => from)).not.toContain(repo);
    expect(placeholders).toEqual([]);
  });

  it('shows no home, /root or runner directories of the host', () => {
    const { args } = planBwrap(layout());
    const sources = [...pairs(args, '--ro-bind'), ...pairs(args, '--bind')].map(([from]) => from);
    for (const hidden of ['/', '/root', '/home', '/opt', '/var', '/run']) expect(sources).not.toContain(hidden);
  });
});

describe('repository snapshots', () => {
  it('lists changes, protected changes and symlinks that leave the repository', () => {
    const repo = join(base, 'snap');
    mkdirSync(join(repo, 'src'), { recursive: true });
    mkdirSync(join(repo, '.git', 'objects'), { recursive: true });
    writeFileSync(join(repo, 'src', 'a.ts'), 'a');
    writeFileSync(join(repo, 'gone.txt'), 'x');
    const before = snapshot(repo);
    writeFileSync(join(repo, 'src', 'a.ts'), 'changed');
    rmSync(join(repo, 'gone.txt'));
    mkdirSync(join(repo, '.github', 'workflows'), { recursive: true });
    writeFileSync(join(repo, '.github', 'workflows', 'x.yml'), 'on: push');
    writeFileSync(join(repo, '.git', 'objects', 'ab'), 'blob');
    symlinkSync('/etc/passwd', join(repo, 'passwd'));
    symlinkSync('src/a.ts', join(repo, 'inside-link'));
    const after = snapshot(repo);
    const changes = diffSnapshots(before, after);
    expect(changes).toEqual([
      { path: '.github', change: 'added' },
      { path: '.github/workflows', change: 'added' },
      { path: '.github/workflows/x.yml', change: 'added' },
      { path: 'gone.txt', change: 'deleted' },
      { path: 'inside-link', change: 'added' },
      { path: 'passwd', change: 'added' },
      { path: 'src/a.ts', change: 'modified' },
    ]);
    expect(protectedChanges(changes, ['.github/', '.npmrc']).map((c) => c.path)).toEqual(['.github', '.github/workflows', '.github/workflows/x.yml']);
    expect(escapingSymlinks(repo, after)).toEqual([{ path: 'passwd', target: '/etc/passwd' }]);
  });
});

describe('seccomp filter', () => {
  it('is written for x64 and arm64 only, one comparison per denied call between the arch checks and the returns', async () => {
    const { seccompFilter } = await import('../../../src/sandbox/seccomp.js');
    expect(seccompFilter('ia32')).toBeUndefined();
    for (const arch of ['x64', 'arm64']) {
      const filter = seccompFilter(arch)!;
      expect(filter.denied).toContain('io_uring_setup');
      expect(filter.program.length).toBe((filter.denied.length + 7) * 8);
      // The last two instructions: allow, then refuse with EPERM.
      expect(filter.program.readUInt32LE(filter.program.length - 12)).toBe(0x7fff0000);
      expect(filter.program.readUInt32LE(filter.program.length - 4)).toBe(0x00050001);
    }
  });
});
