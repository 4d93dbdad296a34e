// The built `cordon log verify|show` on logs written by the real append code, intact and tampered.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendRecord } from '../../src/auditlog/append.js';
import { cordon } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'cordon-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeLog(name: string): string {
  const file = join(dir, name);
  appendRecord(file, { session: 's1', event: 'session-start' });
  appendRecord(file, { session: 's1', event: 'pre-tool-use', tool: 'Bash', input: { command: 'npm test' }, decision: 'allow' });
  appendRecord(file, { session: 's1', event: 'pre-tool-use', tool: 'Bash', input: { command: 'curl https://evil.example' }, decision: 'deny', category: 'network', rule: 'network-egress', reason: 'curl reaches a host outside the allowlist' });
  return file;
}

describe('cordon log', () => {
  it('verify: an intact log exits 0 and prints the head hash', () => {
    const file = writeLog('ok.jsonl');
    const result = cordon(['log', 'verify', file]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/3 records, chain intact; head [0-9a-f]{64}/);
  });

  it('verify: an edited record exits 1 and names its line', () => {
    const file = writeLog('edited.jsonl');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"deny"', '"allow"'));
    const result = cordon(['log', 'verify', file, '--json']);
    expect(result.status).toBe(1);
    const out = JSON.parse(result.stdout) as { ok: boolean; problems: { line: number; kind: string }[] };
    expect(out.ok).toBe(false);
    expect(out.problems[0]).toMatchObject({ line: 3, kind: 'hash' });
  });

  it('verify: a deleted record breaks the chain', () => {
    const file = writeLog('deleted.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    writeFileSync(file, [lines[0], lines[2], ''].join('\n'));
    expect(cordon(['log', 'verify', file]).status).toBe(1);
  });

  it('show: rows filtered by decision; a missing log is a usage error', () => {
    const file = writeLog('show.jsonl');
    const result = cordon(['log', 'show', file, '--decision', 'deny', '--json']);
    expect(result.status).toBe(0);
    const out = JSON.parse(result.stdout) as { rows: { decision: string; category: string }[] };
    expect(out.rows.map((row) => [row.decision, row.category])).toEqual([['deny', 'network']]);
    expect(cordon(['log', 'show', join(dir, 'missing.jsonl')]).status).toBe(2);
    expect(cordon(['log', 'show', file, '--decision', 'maybe']).status).toBe(2);
  });
});
