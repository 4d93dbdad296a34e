// The built `cordon audit` CLI: exit codes, suppression, baselines, config errors and bad input.

import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cordon, ROOT } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The bundled CLI and the two packages it loads at run time, copied where any user can read them. */
function worldReadableCli(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cordon-cli-'));
  dirs.push(dir);
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  cpSync(join(ROOT, 'dist', 'cordon.js'), join(dir, 'dist', 'cordon.js'));
  cpSync(join(ROOT, 'dist', 'chunks'), join(dir, 'dist', 'chunks'), { recursive: true });
  for (const pkg of ['web-tree-sitter', 'tree-sitter-bash']) cpSync(join(ROOT, 'node_modules', pkg), join(dir, 'node_modules', pkg), { recursive: true });
  execFileSync('chmod', ['-R', 'a+rX', dir]);
  return join(dir, 'dist', 'cordon.js');
}

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cordon-e2e-'));
  chmodSync(dir, 0o755);
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const INJECTED = `on: issues
permissions: {}
jobs:
  triage:
    runs-on: ubuntu-latest
    steps:
      - uses: anthropics/claude-code-action@0123456789abcdef0123456789abcdef01234567
        with:
          prompt: "Triage \${{ github.event.issue.body }}"
`;

interface JsonOut {
  version: number;
  summary: { total: number; suppressed: number };
  findings: { rule: string; start: { line: number; column: number }; path: string; suppressed: { kind: string; reason: string | null } | null; fingerprint: string }[];
  stats: { filesRead: number; skipped: { large: number; binary: number; symlinkOutside: number } };
}

function json(args: string[]): { status: number | null; out: JsonOut; stderr: string } {
  const result = cordon([...args, '--format', 'json']);
  return { status: result.status, out: JSON.parse(result.stdout) as JsonOut, stderr: result.stderr };
}

describe('exit codes', () => {
  it('0 for a clean tree', () => {
    const dir = repo({ 'src/index.ts': 'export {};\n' });
    const result = cordon(['audit', dir]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^0 findings \(0 suppressed\)/m);
  });

  it('1 for a finding at or above --fail-on, 0 below it or with --exit-zero', () => {
    const dir = repo({ '.github/workflows/t.yml': INJECTED });
    expect(cordon(['audit', dir, '--rule', 'untrusted-prompt-input']).status).toBe(1);
    expect(cordon(['audit', dir, '--rule', 'unpinned-action', '--fail-on', 'high']).status).toBe(0);
    expect(cordon(['audit', dir, '--rule', 'untrusted-prompt-input', '--exit-zero']).status).toBe(0);
  });

  it('2 for bad usage and for a broken cordon.yml, with file and position', () => {
    const dir = repo({ 'cordon.yml': 'audit:\n  rules:\n    unpinned-action: sometimes\n' });
    const bad = cordon(['audit', dir]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/cordon\.yml:3:22: invalid configuration at audit\.rules\.unpinned-action/);
    expect(cordon(['audit', dir, '--format', 'xml']).status).toBe(2);
    expect(cordon(['audit', join(dir, 'missing')]).status).toBe(2);
    expect(cordon(['audit', repo({}), '--rule', 'no-such-rule']).status).toBe(2);
  });

  it('the same exit code in every format', () => {
    const dir = repo({ '.github/workflows/t.yml': INJECTED });
    for (const format of ['text', 'json', 'sarif', 'github', 'markdown']) {
      expect(cordon(['audit', dir, '--rule', 'untrusted-prompt-input', '--format', format]).status, format).toBe(1);
    }
  });
});

describe('suppression', () => {
  it('inline comments on the line or the line above, counted in the summary', () => {
    const text = INJECTED.replace('        with:\n', '        with:\n          # cordon-ignore[untrusted-prompt-input]: the issue form is maintainers-only\n');
    const dir = repo({ '.github/workflows/t.yml': text });
    const { status, out } = json(['audit', dir, '--rule', 'untrusted-prompt-input']);
    expect(status).toBe(0);
    expect(out.summary).toMatchObject({ total: 0, suppressed: 1 });
    expect(out.findings[0]?.suppressed).toEqual({ kind: 'inline', reason: 'the issue form is maintainers-only' });
  });

  it('cordon.yml ignore entries by rule, path glob and line', () => {
    const dir = repo({
      '.github/workflows/t.yml': INJECTED,
      'cordon.yml': 'audit:\n  ignore:\n    - rule: untrusted-prompt-input\n      path: ".github/workflows/*.yml"\n      line: 9\n      reason: reviewed\n',
    });
    const { status, out } = json(['audit', dir, '--rule', 'untrusted-prompt-input']);
    expect(status).toBe(0);
    expect(out.findings[0]?.suppressed).toEqual({ kind: 'config', reason: 'reviewed' });
  });

  it('rules switched off or re-graded in cordon.yml', () => {
    const dir = repo({ '.github/workflows/t.yml': INJECTED, 'cordon.yml': 'audit:\n  rules:\n    untrusted-prompt-input: { severity: low }\n' });
    const { status, out } = json(['audit', dir, '--rule', 'untrusted-prompt-input']);
    expect(status).toBe(0);
    expect(out.findings).toHaveLength(1);
    const off = repo({ '.github/workflows/t.yml': INJECTED, 'cordon.yml': 'audit:\n  rules:\n    untrusted-prompt-input: off\n' });
    expect(json(['audit', off]).out.findings.filter((f) => f.rule === 'untrusted-prompt-input')).toEqual([]);
  });

  it('a baseline accepts today\'s findings and still fails on new ones, surviving line moves', () => {
    const dir = repo({ '.github/workflows/t.yml': INJECTED });
    const baseline = join(dir, 'baseline.json');
    expect(cordon(['audit', dir, '--rule', 'untrusted-prompt-input', '--write-baseline', baseline]).status).toBe(1);
    expect(cordon(['audit', dir, '--rule', 'untrusted-prompt-input', '--baseline', baseline]).status).toBe(0);
    // Moving the finding down two lines keeps its fingerprint.
    writeFileSync(join(dir, '.github/workflows/t.yml'), `# a comment\n# another\n${INJECTED}`);
    expect(cordon(['audit', dir, '--rule', 'untrusted-prompt-input', '--baseline', baseline]).status).toBe(0);
    // A new injection is not in the baseline.
    writeFileSync(join(dir, '.github/workflows/t2.yml'), INJECTED.replace('issue.body', 'issue.title'));
    expect(cordon(['audit', dir, '--rule', 'untrusted-prompt-input', '--baseline', baseline]).status).toBe(1);
  });

  it('a corrupt baseline is a usage error', () => {
    const dir = repo({ 'baseline.json': '{"version": 1}' });
    const result = cordon(['audit', dir, '--baseline', join(dir, 'baseline.json')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/baseline\.json/);
  });
});

describe('bad input never stops the scan', () => {
  it('invalid YAML and JSON become parse-error findings at their position; other files are still audited', () => {
    const dir = repo({
      '.github/workflows/broken.yml': 'on: push\njobs:\n  a:\n    steps: [\n',
      '.claude/settings.json': '{\n  "permissions": {\n    "allow": ["Read",]\n  }\n}\n',
      '.github/workflows/t.yml': INJECTED,
    });
    const { out } = json(['audit', dir, '--rule', 'parse-error', '--rule', 'untrusted-prompt-input']);
    const rows = out.findings.map((f) => `${f.rule} ${f.path}:${f.start.line}`);
    expect(rows).toContain('parse-error .claude/settings.json:3');
    expect(rows.some((row) => row.startsWith('parse-error .github/workflows/broken.yml:'))).toBe(true);
    expect(rows).toContain('untrusted-prompt-input .github/workflows/t.yml:9');
  });

  it('skips files over 5 MB, binary files and links out of the tree, and counts them', () => {
    const outside = repo({ 'secret.yml': 'on: push\n' });
    const dir = repo({
      '.github/workflows/big.yml': `on: push\n${'# padding\n'.repeat(600_000)}`,
      '.github/workflows/bin.yml': 'on: push\n\0\0\0',
      '.github/workflows/t.yml': INJECTED,
    });
    symlinkSync(join(outside, 'secret.yml'), join(dir, '.github/workflows/link.yml'));
    const { out } = json(['audit', dir]);
    expect(out.stats.skipped).toMatchObject({ large: 1, binary: 1, symlinkOutside: 1 });
    expect(out.stats.filesRead).toBe(1);
    const text = cordon(['audit', dir, '--exit-zero']);
    expect(text.stdout).toMatch(/skipped: 1 over 5 MB, 1 binary, 1 links out of the scanned tree/);
  });

  it('an unreadable file is a finding, not a crash', () => {
    const dir = repo({ '.github/workflows/locked.yml': INJECTED, '.github/workflows/t.yml': INJECTED });
    chmodSync(join(dir, '.github/workflows/locked.yml'), 0o000);
    // Root reads anything, so the check runs the CLI as an unprivileged user when the suite is root,
    // from a world-readable copy (the checkout itself may sit in a private directory).
    const asRoot = process.getuid?.() === 0;
    const prefix = asRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    const cli = asRoot ? worldReadableCli() : undefined;
    const result = cordon(['audit', dir, '--format', 'json', '--rule', 'unreadable-file', '--rule', 'untrusted-prompt-input'], { prefix, cwd: dir, cli });
    const out = JSON.parse(result.stdout) as JsonOut;
    expect(out.findings.map((f) => `${f.rule} ${f.path}`)).toEqual([
      'unreadable-file .github/workflows/locked.yml',
      'untrusted-prompt-input .github/workflows/t.yml',
    ]);
  });
});
