import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CordonConfigSchema } from '../../../src/config/schema.js';
import { judgePath, type PathTool } from '../../../src/policy/paths.js';
import { DEFAULT_PROTECTED_PATHS, resolvePolicy, type ResolvedPolicy } from '../../../src/policy/roles.js';
import type { Role } from '../../../src/config/policy-schema.js';

// A throw-away world: a repository, a fake home with credentials, and a directory outside both.
let base: string;
let repo: string;
let home: string;
let outside: string;

const CLAUDEIGNORE = 'config/*.secret\nprivate/\n!keep.txt\n';

function file(path: string, text = 'x'): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'cordon-paths-')));
  repo = join(base, 'repo');
  home = join(base, 'home');
  outside = join(base, 'outside');
  for (const name of ['src/a.ts', 'docs/guide.md', 'README.md', '.env', '.env.local', '.env.example', 'config/prod.secret', 'private/notes.txt', 'keep.txt', '.github/workflows/ci.yml']) {
    file(join(repo, name));
  }
  for (const name of ['.ssh/id_rsa', '.aws/credentials', '.aws/config', '.aws/profiles/dev', '.kube/config', 'notes.txt']) file(join(home, name));
  file(join(outside, 'file.txt'));
  symlinkSync(join(home, '.ssh/id_rsa'), join(repo, 'docs/link'));
  symlinkSync(join(home, '.ssh'), join(repo, 'docs/sshdir'));
  symlinkSync(join(home, '.aws/profiles'), join(repo, 'docs/awsdir'));
  symlinkSync('../.github', join(repo, 'src/gh'));
  symlinkSync(outside, join(repo, 'link-out'));
  // Dangling: writing through them would create the target, so the target is what is judged.
  symlinkSync(join(home, '.ssh/new_key'), join(repo, 'dangling-secret'));
  symlinkSync(join(outside, 'new.txt'), join(repo, 'dangling-out'));
  symlinkSync('loop', join(repo, 'loop'));
});

afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

function policyFor(role: Role, extra: Record<string, unknown> = {}, audit: Record<string, unknown> = {}): ResolvedPolicy {
  const config = CordonConfigSchema.parse({ policy: { role, ...extra }, audit });
  return resolvePolicy(config, repo, CLAUDEIGNORE);
}

function judge(role: Role | ResolvedPolicy, tool: PathTool, path: string) {
  const policy = typeof role === 'string' ? policyFor(role) : role;
  return judgePath(policy, { tool, path: path.replaceAll('$HOME', home).replaceAll('$OUT', outside).replaceAll('$REPO', repo), cwd: repo, home });
}

type Row = [role: Role, tool: PathTool, path: string, decision: 'allow' | 'deny', rule: string];

const READS: Row[] = [
  ['implement', 'Read', 'src/a.ts', 'allow', 'path-allowed'],
  ['implement', 'Read', './src/../README.md', 'allow', 'path-allowed'],
  ['implement', 'Read', '/etc/hostname', 'allow', 'path-allowed'],
  ['implement', 'Read', '~/notes.txt', 'allow', 'path-allowed'],
  ['implement', 'Read', '.env', 'deny', 'secret-path'],
  ['implement', 'Read', '.env.local', 'deny', 'secret-path'],
  ['implement', 'Read', '.env.example', 'allow', 'path-allowed'],
  ['implement', 'Read', 'services/api/.env.production', 'deny', 'secret-path'],
  ['implement', 'Read', 'certs/server.pem', 'deny', 'secret-path'],
  ['implement', 'Read', '$OUT/tls.key', 'deny', 'secret-path'],
  ['implement', 'Read', 'infra/terraform.tfstate', 'deny', 'secret-path'],
  ['implement', 'Read', 'kubeconfig-prod', 'deny', 'secret-path'],
  ['implement', 'Read', '.netrc', 'deny', 'secret-path'],
  ['implement', 'Read', '.git-credentials', 'deny', 'secret-path'],
  ['implement', 'Read', '~/.ssh/id_rsa', 'deny', 'secret-path'],
  ['implement', 'Read', '~/.ssh/id_ed25519.pub', 'deny', 'secret-path'],
  ['implement', 'Read', '$HOME/.aws/credentials', 'deny', 'secret-path'],
  ['implement', 'Read', '~/.kube/config', 'deny', 'secret-path'],
  ['implement', 'Read', '../home/.ssh/id_rsa', 'deny', 'secret-path'],
  ['implement', 'Read', 'docs/link', 'deny', 'secret-path'],
  ['implement', 'Read', 'docs/sshdir/known_hosts', 'deny', 'secret-path'],
  // The kernel follows docs/awsdir before the `..`: ~/.aws/config, not docs/config.
  ['implement', 'Read', 'docs/awsdir/../config', 'deny', 'secret-path'],
  // A missing directory and a `..` out of it must not stop the links after it from being followed.
  ['implement', 'Read', 'newdir/../docs/awsdir/../config', 'deny', 'secret-path'],
  ['implement', 'Read', '/proc/self/environ', 'deny', 'secret-path'],
  ['implement', 'Read', '/proc/1/environ', 'deny', 'secret-path'],
  ['implement', 'Read', '/proc/self/root$HOME/.ssh/id_rsa', 'deny', 'secret-path'],
  ['implement', 'Read', 'config/prod.secret', 'deny', 'secret-path'],
  ['implement', 'Read', 'private/notes.txt', 'deny', 'secret-path'],
  ['implement', 'Read', 'keep.txt', 'allow', 'path-allowed'],
  ['implement', 'Read', '~root/.ssh/id_rsa', 'deny', 'unresolvable-path'],
  ['implement', 'Read', 'loop', 'deny', 'unresolvable-path'],
  ['implement', 'Read', 'src/a.ts\0.png', 'deny', 'unresolvable-path'],
  ['review', 'Read', 'src/a.ts', 'allow', 'path-allowed'],
  ['review', 'Read', '.env.local', 'deny', 'secret-path'],
  ['security-analysis', 'Read', 'docs/link', 'deny', 'secret-path'],
  ['docs', 'Read', 'src/a.ts', 'allow', 'path-allowed'],
  ['fix-tests', 'Read', '~/.aws/config', 'deny', 'secret-path'],
];

const WRITES: Row[] = [
  ['implement', 'Write', 'src/new.ts', 'allow', 'path-allowed'],
  ['implement', 'Edit', 'src/a.ts', 'allow', 'path-allowed'],
  ['implement', 'Edit', '$REPO/src/a.ts', 'allow', 'path-allowed'],
  ['implement', 'NotebookEdit', 'notebooks/eda.ipynb', 'allow', 'path-allowed'],
  ['implement', 'NotebookEdit', '.claude/x.ipynb', 'deny', 'protected-path'],
  ['implement', 'Write', 'src/../.github/workflows/x.yml', 'deny', 'protected-path'],
  ['implement', 'Write', 'src/gh/workflows/x.yml', 'deny', 'protected-path'],
  ['implement', 'Edit', 'packages/web/CLAUDE.md', 'deny', 'protected-path'],
  ['implement', 'Write', '.env.local', 'deny', 'secret-path'],
  ['implement', 'Write', 'dangling-secret', 'deny', 'secret-path'],
  ['implement', 'Write', 'dangling-out', 'deny', 'outside-repository'],
  ['implement', 'Write', '$OUT/file.txt', 'deny', 'outside-repository'],
  ['implement', 'Write', '../outside/new.txt', 'deny', 'outside-repository'],
  ['implement', 'Write', 'link-out/new.txt', 'deny', 'outside-repository'],
  ['implement', 'Write', '~/.bashrc', 'deny', 'outside-repository'],
  ['implement', 'Write', '/tmp/x.sh', 'deny', 'outside-repository'],
  ['implement', 'Write', '.', 'deny', 'outside-write-scope'],
  ['review', 'Write', 'src/a.ts', 'deny', 'read-only-role'],
  ['review', 'Edit', 'docs/guide.md', 'deny', 'read-only-role'],
  ['security-analysis', 'Edit', 'src/a.ts', 'deny', 'read-only-role'],
  ['security-analysis', 'NotebookEdit', 'nb.ipynb', 'deny', 'read-only-role'],
  ['review', 'Write', '.github/workflows/ci.yml', 'deny', 'protected-path'],
  ['fix-tests', 'Edit', 'src/a.ts', 'allow', 'path-allowed'],
  ['fix-tests', 'NotebookEdit', 'test/x.ipynb', 'allow', 'path-allowed'],
  ['fix-tests', 'Write', 'src/new.ts', 'deny', 'tool-not-in-role'],
  ['fix-tests', 'Edit', '.github/workflows/ci.yml', 'deny', 'protected-path'],
  ['docs', 'Write', 'docs/new.md', 'allow', 'path-allowed'],
  ['docs', 'Edit', 'README.md', 'allow', 'path-allowed'],
  ['docs', 'Edit', 'packages/x/notes.rst', 'allow', 'path-allowed'],
  ['docs', 'Write', 'src/a.ts', 'deny', 'outside-write-scope'],
  ['docs', 'Edit', 'CLAUDE.md', 'deny', 'protected-path'],
  ['docs', 'NotebookEdit', 'docs/nb.ipynb', 'deny', 'tool-not-in-role'],
];

describe('judgePath', () => {
  it.each(READS)('%s %s %j → %s (%s)', (role, tool, path, decision, rule) => {
    const judgement = judge(role, tool, path);
    expect([judgement.decision, judgement.rule]).toEqual([decision, rule]);
    expect(judgement.category).toBe(rule === 'secret-path' ? 'secret-access' : null);
  });

  it.each(WRITES)('%s %s %j → %s (%s)', (role, tool, path, decision, rule) => {
    const judgement = judge(role, tool, path);
    expect([judgement.decision, judgement.rule]).toEqual([decision, rule]);
  });

  // .npmrc and .git/config are secrets as well as protected; the secret hit comes first.
  it.each(DEFAULT_PROTECTED_PATHS.map((path) => [path]))('no role writes the protected path %s', (protectedPath) => {
    const target = protectedPath.endsWith('/') ? `${protectedPath}file` : protectedPath;
    for (const role of ['implement', 'fix-tests', 'docs'] as const) {
      const judgement = judge(role, 'Edit', target);
      expect(judgement.decision).toBe('deny');
      expect(judgement.rule).toBe(protectedPath === '.npmrc' || protectedPath === '.git/config' ? 'secret-path' : 'protected-path');
    }
  });

  it('reports where a link really leads', () => {
    expect(judge('implement', 'Read', 'docs/link').resolved).toBe(join(home, '.ssh/id_rsa'));
    expect(judge('implement', 'Write', 'dangling-out').resolved).toBe(join(outside, 'new.txt'));
    expect(judge('implement', 'Read', '~/notes.txt').resolved).toBe(join(home, 'notes.txt'));
    expect(judge('implement', 'Read', '/proc/self/environ').resolved).toBe(`/proc/${process.pid}/environ`);
  });

  it('ask applies per category, and a deny from another category still wins', () => {
    const policy = policyFor('implement', { decisions: { 'secret-access': 'ask' } });
    expect(judge(policy, 'Read', '.env')).toMatchObject({ decision: 'ask', category: 'secret-access', rule: 'secret-path' });
    expect(judge(policy, 'Write', '.npmrc')).toMatchObject({ decision: 'deny', category: 'protected-path' });
  });

  it('user protected paths, secret paths and write scope extend the presets', () => {
    const docs = policyFor('docs', { 'write-scope': ['site/**'], 'protected-paths': ['infra/'], 'secret-paths': ['**/vault/*.json'] }, { 'protected-paths': ['deploy/'] });
    expect(judge(docs, 'Write', 'site/index.html').decision).toBe('allow');
    expect(judge(docs, 'Write', 'infra/README.md').rule).toBe('protected-path');
    expect(judge(docs, 'Write', 'deploy/notes.md').rule).toBe('protected-path');
    expect(judge(docs, 'Read', 'ops/vault/prod.json').rule).toBe('secret-path');
    expect(judge(docs, 'Read', 'ops/vault/README.md').decision).toBe('allow');
  });

  it('write-scope entries do not make a read-only role write', () => {
    const review = policyFor('review', { 'write-scope': ['**'] });
    expect(review.writeScope).toEqual([]);
    expect(judge(review, 'Write', 'src/a.ts').rule).toBe('read-only-role');
  });

  it('a relative cwd is an error, and an error denies', () => {
    const judgement = judgePath(policyFor('implement'), { tool: 'Read', path: 'src/a.ts', cwd: 'repo', home });
    expect([judgement.decision, judgement.rule, judgement.category]).toEqual(['deny', 'unresolvable-path', null]);
  });
});
