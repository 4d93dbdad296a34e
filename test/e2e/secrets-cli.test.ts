// The built `cordon secrets` CLI on repositories the test creates: tree, history, staged, masking,
// baselines, .claudeignore writing and bad input.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { base62, crc32 } from '../../src/secrets/checksum.js';
import { cordon } from '../helpers/cli.js';

const require = createRequire(import.meta.url);
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
function random(length: number, alphabet = ALPHABET): string {
  return [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

/** A fake GitHub classic token whose checksum is valid. */
function githubToken(): string {
  const body = random(30);
  return `ghp_${body}${base62(crc32(body), 6)}`;
}

function anthropicKey(): string {
  return `sk-ant-api03-${random(93, `${ALPHABET}-_`)}AA`;
}

function repo(files: Record<string, string | Buffer>, git = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'cordon-secrets-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  if (git) {
    run(dir, ['init', '-q', '-b', 'main']);
    run(dir, ['add', '-A']);
    run(dir, ['commit', '-q', '-m', 'first']);
  }
  return dir;
}

function run(dir: string, args: string[]): string {
  return execFileSync('git', ['-C', dir, '-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { encoding: 'utf8' });
}

interface JsonOut {
  findings: { rule: string; path: string; start: { line: number; column: number }; message: string; severity: string; fingerprint: string; suppressed: unknown }[];
  stats: { filesScanned: number; commitsScanned: number; problems: { path: string; problem: string }[] };
}

function scan(dir: string, args: string[] = []): { status: number | null; out: JsonOut; stdout: string; stderr: string } {
  const result = cordon(['secrets', dir, '--format', 'json', ...args]);
  return { status: result.status, out: JSON.parse(result.stdout) as JsonOut, stdout: result.stdout, stderr: result.stderr };
}

describe('cordon secrets on a working tree', () => {
  const gh = githubToken();
  const key = anthropicKey();
  const dir = repo({
    'src/config.ts': `export const config = {\n  github: '${gh}',\n};\n`,
    'app/.env': `ANTHROPIC_API_KEY=${key}\nDEBUG=1\n`,
    'README.md': 'Set ANTHROPIC_API_KEY=sk-ant-api03-your-key-here in your environment.\n',
    'test/fixtures/token.txt': `${githubToken()}\n`,
    'node_modules/pkg/index.js': `const leaked = '${githubToken()}';\n`,
    'package-lock.json': `{"token": "${githubToken()}"}\n`,
    'assets/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]),
    'data/latin1.txt': Buffer.from([0x74, 0x6f, 0x6b, 0xe9, 0x0a]),
    'data/one-line.js': `var a=${'"x",'.repeat(400_000)}"${gh}";\n`,
  });

  it('finds each planted secret at its line and column, and the secret file by name', () => {
    const { status, out } = scan(dir);
    expect(status).toBe(1);
    const rows = out.findings.map((f) => `${f.rule} ${f.path}:${f.start.line}:${f.start.column}`);
    expect(rows.some((row) => row.startsWith('secret/anthropic-api-key app/.env:1:19'))).toBe(true);
    expect(rows).toContain('secret-file/dotenv app/.env:1:1');
    expect(rows.some((row) => /^secret\/github-\S+ src\/config\.ts:2:12$/.test(row))).toBe(true);
    expect(rows.some((row) => /^secret\/github-\S+ data\/one-line\.js:1:1600008$/.test(row))).toBe(true);
  });

  it('skips dependencies, lockfiles and binaries by default, and lowers test paths instead of dropping them', () => {
    const { out } = scan(dir);
    expect(out.findings.some((f) => f.path.startsWith('node_modules/') || f.path === 'package-lock.json' || f.path.endsWith('.png'))).toBe(false);
    const inTests = out.findings.find((f) => f.path === 'test/fixtures/token.txt');
    expect(inTests?.severity).toBe('medium');
  });

  it('does not report the placeholder in the README', () => {
    expect(scan(dir).out.findings.some((f) => f.path === 'README.md')).toBe(false);
  });

  it('notes invalid UTF-8 on stderr and keeps scanning', () => {
    const { stderr, out } = scan(dir);
    expect(stderr).toMatch(/data\/latin1\.txt: invalid-utf8/);
    expect(out.stats.filesScanned).toBeGreaterThanOrEqual(6);
  });

  it('never prints a secret in any format unless --show-secrets is given', () => {
    for (const format of ['text', 'json', 'sarif', 'github', 'markdown']) {
      const result = cordon(['secrets', dir, '--format', format]);
      expect(result.stdout.includes(gh), format).toBe(false);
      expect(result.stdout.includes(key), format).toBe(false);
      expect(result.stdout.includes(gh.slice(0, 12)), format).toBe(false);
    }
    expect(cordon(['secrets', dir, '--show-secrets']).stdout.includes(key)).toBe(true);
  });

  it('SARIF validates against the SARIF 2.1.0 schema, with a rule entry per detector used', () => {
    const result = cordon(['secrets', dir, '--format', 'sarif']);
    const sarif = JSON.parse(result.stdout) as { runs: { tool: { driver: { rules: { id: string; helpUri: string }[] } }; results: { ruleId: string; ruleIndex: number }[] }[] };
    const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
    const Ajv = require('ajv-draft-04') as typeof import('ajv').default;
    const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false }).compile(schema);
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const run = sarif.runs[0];
    for (const res of run?.results ?? []) expect(run?.tool.driver.rules[res.ruleIndex]?.id).toBe(res.ruleId);
    expect(run?.tool.driver.rules.some((rule) => rule.helpUri.endsWith('docs/secrets.md#anthropic-api-key'))).toBe(true);
  });

  it('a baseline accepts known secrets and survives edits around them', () => {
    const copy = repo({ 'src/a.ts': `const t = '${githubToken()}';\n` });
    const baseline = join(copy, 'baseline.json');
    expect(cordon(['secrets', copy, '--write-baseline', baseline]).status).toBe(1);
    expect(cordon(['secrets', copy, '--baseline', baseline]).status).toBe(0);
    const text = readFileSync(join(copy, 'src/a.ts'), 'utf8');
    writeFileSync(join(copy, 'src/a.ts'), `// moved down\n\n${text}`);
    expect(cordon(['secrets', copy, '--baseline', baseline]).status).toBe(0);
    writeFileSync(join(copy, 'src/b.ts'), `const t = '${githubToken()}';\n`);
    expect(cordon(['secrets', copy, '--baseline', baseline]).status).toBe(1);
  });

  it('an inline allow comment suppresses one line', () => {
    const copy = repo({ 'src/a.ts': `const t = '${githubToken()}'; // cordon:allow-secret rotated, kept as a fixture\n` });
    const { status, out } = scan(copy);
    expect(status).toBe(0);
    expect(out.findings[0]?.suppressed).toEqual({ kind: 'inline', reason: null });
  });
});

describe('cordon secrets --history and --staged', () => {
  it('attributes secrets to the commit that added them, including ones deleted since', () => {
    const token = githubToken();
    const dir = repo({ 'README.md': 'hello\n' }, true);
    writeFileSync(join(dir, 'deploy.sh'), `#!/bin/sh\n\nexport GH_TOKEN=${token}\n`);
    run(dir, ['add', '-A']);
    run(dir, ['commit', '-q', '-m', 'add deploy']);
    const sha = run(dir, ['rev-parse', 'HEAD']).trim();
    run(dir, ['rm', '-q', 'deploy.sh']);
    run(dir, ['commit', '-q', '-m', 'remove deploy']);
    expect(scan(dir).out.findings).toEqual([]);
    const { status, out } = scan(dir, ['--history']);
    expect(status).toBe(1);
    // Commits that only delete lines add nothing to scan.
    expect(out.stats.commitsScanned).toBe(2);
    const finding = out.findings.find((f) => f.path === 'deploy.sh');
    expect(finding?.start.line).toBe(3);
    expect(finding?.message).toContain(sha.slice(0, 12));
    expect(finding?.message).not.toContain(token);
    // --since the commit that added it: nothing new.
    expect(scan(dir, ['--history', '--since', sha]).out.findings).toEqual([]);
  });

  it('--staged scans only what is about to be committed', () => {
    const dir = repo({ 'README.md': 'hello\n' }, true);
    writeFileSync(join(dir, 'notes.txt'), `token ${githubToken()}\n`);
    expect(scan(dir, ['--staged']).out.findings).toEqual([]);
    run(dir, ['add', 'notes.txt']);
    const { status, out } = scan(dir, ['--staged']);
    expect(status).toBe(1);
    expect(out.findings.map((f) => `${f.path}:${f.start.line}`)).toEqual(['notes.txt:1']);
  });

  it('--history outside git says so and scans the working tree instead', () => {
    const dir = repo({ 'a.txt': `${githubToken()}\n` });
    const result = scan(dir, ['--history']);
    expect(result.stderr).toMatch(/not a git work tree/);
    expect(result.out.findings).toHaveLength(1);
    expect(cordon(['secrets', dir, '--staged']).status).toBe(2);
  });
});

describe('cordon secrets --write-claudeignore', () => {
  it('adds secret files and defaults, keeps the user\'s lines, and is idempotent', () => {
    const dir = repo({ '.claudeignore': '# mine\nbuild/\n', 'config/prod.env': 'PASSWORD=hunter2hunter2\n', '.claude/settings.json': '{\n  "model": "opus",\n  "permissions": { "deny": ["Bash(curl:*)"] }\n}\n' });
    const settings = join(dir, '.claude/settings.json');
    const first = cordon(['secrets', dir, '--write-claudeignore', '--settings', settings, '--exit-zero']);
    expect(first.status).toBe(0);
    const ignore = readFileSync(join(dir, '.claudeignore'), 'utf8');
    expect(ignore.startsWith('# mine\nbuild/\n')).toBe(true);
    expect(ignore).toContain('/config/prod.env');
    const merged = JSON.parse(readFileSync(settings, 'utf8')) as { model: string; permissions: { deny: string[] } };
    expect(merged.model).toBe('opus');
    expect(merged.permissions.deny).toContain('Bash(curl:*)');
    expect(merged.permissions.deny).toContain('Read(./config/prod.env)');
    const before = [readFileSync(join(dir, '.claudeignore'), 'utf8'), readFileSync(settings, 'utf8')];
    cordon(['secrets', dir, '--write-claudeignore', '--settings', settings, '--exit-zero']);
    expect([readFileSync(join(dir, '.claudeignore'), 'utf8'), readFileSync(settings, 'utf8')]).toEqual(before);
  });

  it('refuses to rewrite a settings file it cannot parse, and names the position', () => {
    const dir = repo({ 's.json': '{\n  "a": 1,\n}\n' });
    const result = cordon(['secrets', dir, '--write-claudeignore', '--settings', join(dir, 's.json')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/s\.json:3:1/);
    expect(readFileSync(join(dir, 's.json'), 'utf8')).toBe('{\n  "a": 1,\n}\n');
  });
});
