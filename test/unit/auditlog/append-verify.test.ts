// appendRecord and verifyLog together: the round trip, each kind of tampering, and the refusals that keep the log closed.

import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendRecord } from '../../../src/auditlog/append.js';
import { AuditLogError } from '../../../src/auditlog/errors.js';
import { GENESIS, canonicalJson, recordHash, sha256, type AuditEntry, type AuditRecord } from '../../../src/auditlog/record.js';
import { showLog, verifyLog, type LogProblem } from '../../../src/auditlog/verify.js';
import { fakeAnthropicKey, fakeGithubToken } from './fake-secrets.js';

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cordon-auditlog-'));
  file = join(dir, 'state', 'cordon', 'audit.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function entry(n: number, extra: Partial<AuditEntry> = {}): AuditEntry {
  return { session: 'sess-1', event: 'pre-tool-use', tool: 'Bash', input: { command: `echo ${n}` }, decision: 'allow', ...extra };
}

/** A log of `count` records; returns its lines without the final newline. */
function writeLog(count: number): string[] {
  for (let n = 0; n < count; n++) appendRecord(file, entry(n, n === 2 ? { decision: 'deny', category: 'network', rule: 'egress', reason: 'curl to a host not allowed' } : {}));
  return readFileSync(file, 'utf8').slice(0, -1).split('\n');
}

const text = (lines: string[]): string => `${lines.join('\n')}\n`;
const kinds = (problems: LogProblem[]): [number, string][] => problems.map((problem) => [problem.line, problem.kind]);

function problemsOf(content: string): LogProblem[] {
  const result = verifyLog(content);
  if (result.ok) throw new Error('expected the log to fail verification');
  return result.problems;
}

function catchError(action: () => unknown): AuditLogError {
  try {
    action();
  } catch (error) {
    if (error instanceof AuditLogError) return error;
    throw error;
  }
  throw new Error('expected an AuditLogError');
}

describe('append and verify round trip', () => {
  it('chains records from GENESIS with seq 0..n-1', () => {
    const written: AuditRecord[] = [];
    for (let n = 0; n < 5; n++) written.push(appendRecord(file, entry(n)));
    const result = verifyLog(readFileSync(file, 'utf8'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.records).toEqual(written);
    expect(result.records.map((record) => record.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(result.records[0]?.prev).toBe(GENESIS);
    const lines = readFileSync(file, 'utf8').slice(0, -1).split('\n');
    expect(result.records[3]?.prev).toBe(sha256(lines[2] ?? ''));
    expect(result.head).toBe(sha256(lines[4] ?? ''));
    // The next record carries the published head.
    expect(appendRecord(file, entry(5)).prev).toBe(result.head);
  });

  it('writes one canonical line per record, with its own hash', () => {
    const record = appendRecord(file, entry(0, { time: '2025-06-01T00:00:00.000Z' }));
    expect(readFileSync(file, 'utf8')).toBe(`${canonicalJson(record)}\n`);
    expect(record.hash).toBe(recordHash(record));
    expect(record.time).toBe('2025-06-01T00:00:00.000Z');
  });

  it('an empty log verifies with no records', () => {
    expect(verifyLog('')).toEqual({ ok: true, records: [], head: GENESIS });
  });

  it('creates the directory 0700 and the file 0600', () => {
    appendRecord(file, entry(0));
    expect(statSync(join(dir, 'state')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'state', 'cordon')).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'state', 'cordon'))).toEqual(['audit.jsonl']);
  });

  it('never writes a secret: input, reason and tool are masked', () => {
    const ghp = fakeGithubToken();
    const ant = fakeAnthropicKey();
    appendRecord(file, {
      session: 'sess-1',
      event: 'post-tool-use',
      tool: 'Bash',
      input: { command: `curl -H "Authorization: token ${ghp}" https://api.github.com`, env: { ANTHROPIC_API_KEY: ant }, nested: [[`x${ant}`]] },
      decision: 'deny',
      reason: `tool output contained ${ant}`,
    });
    const written = readFileSync(file, 'utf8');
    expect(written).not.toContain(ghp);
    expect(written).not.toContain(ant);
    // Not even the part after the mask's visible prefix.
    expect(written).not.toContain(ghp.slice(10));
    expect(written).not.toContain(ant.slice(20));
    expect(written).toContain('ghp_…(40 chars)');
    expect(verifyLog(written).ok).toBe(true);
  });
});

describe('verifyLog finds tampering', () => {
  it('an edited field: hash on that line, chain on the next', () => {
    const lines = writeLog(5);
    lines[2] = (lines[2] ?? '').replace('"decision":"deny"', '"decision":"allow"');
    expect(kinds(problemsOf(text(lines)))).toEqual([
      [3, 'hash'],
      [4, 'chain'],
    ]);
  });

  it('an edited field with its hash recomputed: chain on the next line', () => {
    const lines = writeLog(5);
    const record = JSON.parse(lines[2] ?? '') as AuditRecord;
    const forged = { ...record, decision: 'allow' as const };
    lines[2] = canonicalJson({ ...forged, hash: recordHash(forged) });
    expect(kinds(problemsOf(text(lines)))).toEqual([[4, 'chain']]);
  });

  it('an edited last record: hash on the last line', () => {
    const lines = writeLog(5);
    lines[4] = (lines[4] ?? '').replace('echo 4', 'echo 5');
    expect(kinds(problemsOf(text(lines)))).toEqual([[5, 'hash']]);
  });

  it('a deleted record: chain and seq where it was', () => {
    const lines = writeLog(5);
    lines.splice(2, 1);
    expect(kinds(problemsOf(text(lines)))).toEqual([
      [3, 'chain'],
      [3, 'seq'],
    ]);
  });

  it('a deleted first record', () => {
    const lines = writeLog(3);
    lines.shift();
    expect(kinds(problemsOf(text(lines)))).toEqual([
      [1, 'chain'],
      [1, 'seq'],
    ]);
  });

  it('two records swapped', () => {
    const lines = writeLog(5);
    [lines[1], lines[2]] = [lines[2] ?? '', lines[1] ?? ''];
    const problems = problemsOf(text(lines));
    expect(problems[0]).toMatchObject({ line: 2, kind: 'chain' });
    expect(kinds(problems)).toEqual([
      [2, 'chain'],
      [2, 'seq'],
      [3, 'chain'],
      [3, 'seq'],
      [4, 'chain'],
      [4, 'seq'],
    ]);
  });

  it('a replayed record', () => {
    const lines = writeLog(3);
    lines.push(lines[1] ?? '');
    expect(kinds(problemsOf(text(lines)))).toEqual([
      [4, 'chain'],
      [4, 'seq'],
    ]);
  });

  it.each([
    ['the last line cut in half', (lines: string[]) => `${lines.slice(0, 4).join('\n')}\n${(lines[4] ?? '').slice(0, 40)}`, 5],
    ['only the final newline cut', (lines: string[]) => lines.join('\n'), 5],
    ['the file cut inside line 3', (lines: string[]) => `${lines.slice(0, 2).join('\n')}\n${(lines[2] ?? '').slice(0, 100)}`, 3],
  ])('truncation: %s', (_name, cut, line) => {
    const lines = writeLog(5);
    expect(kinds(problemsOf(cut(lines)))).toEqual([[line, 'truncated']]);
  });

  it('a line that is not JSON, and an empty line', () => {
    const lines = writeLog(4);
    lines[1] = '{"v":1,';
    expect(kinds(problemsOf(text(lines)))).toEqual([
      [2, 'bad-json'],
      [3, 'chain'],
    ]);
    const blank = writeLogLines();
    blank.splice(1, 0, '');
    expect(kinds(problemsOf(text(blank)))).toEqual([
      [2, 'bad-json'],
      [3, 'chain'],
    ]);
  });

  it('a record that breaks the schema', () => {
    const lines = writeLog(3);
    lines[1] = (lines[1] ?? '').replace('"v":1', '"v":2');
    expect(kinds(problemsOf(text(lines)))).toEqual([
      [2, 'schema'],
      [3, 'chain'],
    ]);
  });
});

/** The current file's lines, for a second tamper in the same test. */
function writeLogLines(): string[] {
  return readFileSync(file, 'utf8').slice(0, -1).split('\n');
}

describe('appendRecord fails closed', () => {
  it('refuses to chain onto an incomplete last line', () => {
    writeLog(2);
    appendFileSync(file, '{"v":1,"seq":2');
    expect(catchError(() => appendRecord(file, entry(9))).code).toBe('corrupt-log');
  });

  it('refuses to chain onto an edited last record', () => {
    const lines = writeLog(2);
    lines[1] = (lines[1] ?? '').replace('echo 1', 'echo 7');
    writeFileSync(file, text(lines));
    expect(catchError(() => appendRecord(file, entry(9))).code).toBe('corrupt-log');
    expect(readFileSync(file, 'utf8')).toBe(text(lines));
  });

  it('rejects an invalid record and writes nothing', () => {
    writeLog(1);
    const before = readFileSync(file, 'utf8');
    expect(catchError(() => appendRecord(file, entry(1, { time: 'yesterday' }))).code).toBe('invalid-record');
    expect(catchError(() => appendRecord(file, entry(1, { input: { n: Number.NaN } }))).code).toBe('invalid-record');
    expect(catchError(() => appendRecord(file, { ...entry(1), extra: true } as AuditEntry)).code).toBe('invalid-record');
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(readdirSync(join(dir, 'state', 'cordon'))).toEqual(['audit.jsonl']);
  });

  it('does not follow a symlink at the log path', () => {
    writeLog(1);
    const target = join(dir, 'elsewhere.jsonl');
    writeFileSync(target, '');
    const link = join(dir, 'state', 'cordon', 'link.jsonl');
    symlinkSync(target, link);
    expect(catchError(() => appendRecord(link, entry(0))).code).toBe('io');
    expect(readFileSync(target, 'utf8')).toBe('');
  });

  it('times out on a live lock', () => {
    writeLog(1);
    writeFileSync(`${file}.lock`, 'someone else');
    const started = Date.now();
    expect(catchError(() => appendRecord(file, entry(1), { lockWaitMs: 100 })).code).toBe('lock-timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(readFileSync(`${file}.lock`, 'utf8')).toBe('someone else');
  });

  it('breaks a stale lock and goes on', () => {
    writeLog(1);
    const lock = `${file}.lock`;
    writeFileSync(lock, 'a writer that died');
    const old = new Date(Date.now() - 11_000);
    utimesSync(lock, old, old);
    const record = appendRecord(file, entry(1), { lockWaitMs: 1_000 });
    expect(record.seq).toBe(1);
    expect(readdirSync(join(dir, 'state', 'cordon'))).toEqual(['audit.jsonl']);
    expect(verifyLog(readFileSync(file, 'utf8')).ok).toBe(true);
  });
});

describe('showLog', () => {
  it('filters by time and decision and keeps the problems next to the rows', () => {
    appendRecord(file, entry(0, { time: '2025-01-01T00:00:00.000Z' }));
    appendRecord(file, entry(1, { time: '2025-01-02T00:00:00.000Z', decision: 'deny', rule: 'egress' }));
    appendRecord(file, entry(2, { time: '2025-01-03T00:00:00.000Z' }));
    const content = readFileSync(file, 'utf8');
    expect(showLog(content).rows.map((row) => row.seq)).toEqual([0, 1, 2]);
    expect(showLog(content, { since: '2025-01-02T00:00:00Z' }).rows.map((row) => row.seq)).toEqual([1, 2]);
    expect(showLog(content, { since: new Date('2025-01-02T12:00:00Z') }).rows.map((row) => row.seq)).toEqual([2]);
    const denied = showLog(content, { decision: 'deny' });
    expect(denied.rows).toEqual([{ line: 2, seq: 1, time: '2025-01-02T00:00:00.000Z', session: 'sess-1', event: 'pre-tool-use', tool: 'Bash', decision: 'deny', rule: 'egress', summary: 'echo 1' }]);
    expect(denied.problems).toEqual([]);
    const lines = content.slice(0, -1).split('\n');
    lines[0] = (lines[0] ?? '').replace('echo 0', 'echo 9');
    const tampered = showLog(text(lines));
    expect(tampered.rows.map((row) => row.seq)).toEqual([0, 1, 2]);
    expect(kinds(tampered.problems)).toEqual([
      [1, 'hash'],
      [2, 'chain'],
    ]);
  });

  it('makes agent-written text safe to print and short', () => {
    appendRecord(file, entry(0, { input: { command: `echo a\u202eb\nrm -rf x\u001b[2J${'y'.repeat(300)}` }, reason: 'line1\nline2' }));
    const [row] = showLog(readFileSync(file, 'utf8')).rows;
    expect(row?.summary).toMatch(/^echo a\ufffdb ⏎ rm -rf x\ufffd\[2Jy+…$/);
    expect([...(row?.summary ?? '')]).toHaveLength(160);
    expect(row?.reason).toBe('line1 ⏎ line2');
  });

  it('rejects a since that is not a date', () => {
    expect(() => showLog('', { since: 'last tuesday' })).toThrow(/not a date/);
  });
});
