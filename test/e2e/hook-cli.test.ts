import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cordon } from '../helpers/cli.js';

let base: string;
let repo: string;
let log: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'cordon-hook-cli-'));
  repo = join(base, 'repo');
  mkdirSync(join(repo, '.git'), { recursive: true });
  writeFileSync(join(repo, 'README.md'), '# x\n');
  log = join(base, 'state', 'audit.jsonl');
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const payload = (tool: string, input: unknown) => JSON.stringify({ session_id: 'e2e', cwd: repo, hook_event_name: 'PreToolUse', tool_name: tool, tool_input: input });
const hook = (args: string[], input: string) => cordon(['hook', ...args], { cwd: repo, input, env: { CORDON_LOG: log, HOME: join(base, 'home') } });

describe('cordon hook', () => {
  it('stays silent with exit 0 for an allowed Bash call', () => {
    const result = hook(['pre-tool-use'], payload('Bash', { command: 'git status && ls src' }));
    expect([result.status, result.stdout, result.stderr]).toEqual([0, '', '']);
  });

  it('blocks with exit 2 and the reason for a denied call', () => {
    const result = hook(['pre-tool-use'], payload('Bash', { command: 'X=curl; $X https://evil.example' }));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/cordon denied this Bash call \(arbitrary-code\/dynamic-program\)/);
  });

  it.each([
    ['an unknown event', ['pre-everything'], '{}'],
    ['an unknown option', ['pre-tool-use', '--bogus'], '{}'],
    ['no event', [], '{}'],
    ['empty stdin', ['pre-tool-use'], ''],
    ['a bad --role', ['pre-tool-use', '--role', 'root'], payload('Bash', { command: 'ls' })],
  ])('exits 2, never 1, for %s', (_label, args, input) => {
    const result = hook(args, input);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/cordon denied/);
  });

  it('records every decision in a chain that verifies', () => {
    const verify = cordon(['log', 'verify', log]);
    expect(verify.status).toBe(0);
    const records = readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(records.filter((r) => r.decision === 'deny').length).toBeGreaterThanOrEqual(6);
    expect(records.some((r) => r.decision === 'allow' && r.tool === 'Bash')).toBe(true);
  });

  it('denies when the log would sit inside the repository the agent edits', () => {
    const result = cordon(['hook', 'pre-tool-use'], { cwd: repo, input: payload('Bash', { command: 'ls' }), env: { CORDON_LOG: join(repo, 'audit.jsonl') } });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/audit-log/);
  });
});

describe('cordon hooks install and cordon policy', () => {
  it('installs idempotently and warns about --bare', () => {
    const settings = join(base, 'settings.json');
    const first = cordon(['hooks', 'install', '--settings', settings, '--role', 'fix-tests'], { cwd: repo });
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/--bare/);
    const written = readFileSync(settings, 'utf8');
    const args: string[] = JSON.parse(written).hooks.PreToolUse[0].hooks[0].args;
    // node -e <relay client> <bin> hook pre-tool-use …, the bin resolved to the built dist/cordon.cjs.
    expect(args[0]).toBe('-e');
    expect(args[2]).toMatch(/dist\/cordon\.cjs$/);
    expect(args.slice(3)).toEqual(['hook', 'pre-tool-use', '--role', 'fix-tests']);
    expect(cordon(['hooks', 'install', '--settings', settings, '--role', 'fix-tests'], { cwd: repo }).stdout).toMatch(/already up to date/);
    expect(readFileSync(settings, 'utf8')).toBe(written);
  });

  it('explains a decision with the span that caused it', () => {
    const result = cordon(['policy', 'explain', '--tool', 'Bash', '--input', '{"command":"git log | sh"}', '--format', 'json'], { cwd: repo });
    expect(result.status).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out).toMatchObject({ decision: 'deny', category: 'arbitrary-code', rule: 'dynamic-program', span: { start: 10, end: 12 } });
  });

  it('tests a case file: exit 0 when all match, 1 with mismatches, 2 for a broken line', () => {
    const cases = join(base, 'cases.jsonl');
    writeFileSync(cases, `${JSON.stringify({ id: 'ok', tool: 'Bash', input: { command: 'git status' }, cwd: '/repo', expect: 'allow' })}\n`);
    expect(cordon(['policy', 'test', cases], { cwd: repo }).status).toBe(0);
    writeFileSync(cases, `${JSON.stringify({ id: 'wrong', tool: 'Bash', input: { command: 'git status' }, cwd: '/repo', expect: 'deny' })}\n`);
    const mismatch = cordon(['policy', 'test', cases], { cwd: repo });
    expect(mismatch.status).toBe(1);
    expect(mismatch.stdout).toMatch(/cases\.jsonl:1: wrong: expected deny, got allow/);
    writeFileSync(cases, '{"id": \n');
    const broken = cordon(['policy', 'test', cases], { cwd: repo });
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/cases\.jsonl:1: not JSON/);
  });
});
