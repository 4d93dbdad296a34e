// Checks an audit log's hashes, chain and sequence, and selects records for display.

import { UsageError } from '../core/errors.js';
import { displayLine } from '../core/unicode.js';
import { AuditRecordSchema, GENESIS, canonicalJson, recordHash, sha256, type AuditRecord, type Decision, type JsonValue } from './record.js';

/**
 * `hash`: the record's content no longer matches its own hash (edited). `chain`: its `prev` is not the
 * hash of the line before it (a record deleted, inserted or moved, or the line before edited).
 * `seq`: a gap or a step back in the sequence. `truncated`: the last line has no newline, a torn or
 * cut write.
 */
export type ProblemKind = 'bad-json' | 'schema' | 'hash' | 'chain' | 'seq' | 'truncated';

export interface LogProblem {
  /** 1-based line number in the log. */
  line: number;
  kind: ProblemKind;
  detail: string;
}

export type VerifyResult =
  /** `head` is the hash the next record will carry as `prev`: publish it to detect a cut-off tail later. */
  | { ok: true; records: AuditRecord[]; head: string }
  | { ok: false; problems: LogProblem[] };

interface ReadLine {
  line: number;
  record?: AuditRecord;
}

/**
 * Verifies every line. After a problem the check re-synchronises on the damaged line, so one deleted
 * record gives problems on one line, not on every line after it. Removing records from the end
 * leaves a valid shorter chain; only a `head` kept elsewhere shows that.
 */
export function verifyLog(text: string): VerifyResult {
  const { lines, problems } = check(text);
  if (problems.length > 0) return { ok: false, problems };
  const records = lines.flatMap((entry) => (entry.record ? [entry.record] : []));
  return { ok: true, records, head: lines.length > 0 ? lastHead(text) : GENESIS };
}

function lastHead(text: string): string {
  const body = text.slice(0, -1);
  return sha256(body.slice(body.lastIndexOf('\n') + 1));
}

function check(text: string): { lines: ReadLine[]; problems: LogProblem[] } {
  const problems: LogProblem[] = [];
  const lines: ReadLine[] = [];
  if (text === '') return { lines, problems };
  const raw = text.split('\n');
  const tail = raw.pop() ?? '';
  const complete = tail === '';
  // An unterminated fragment stays in the list to be reported, never hashed into the chain.
  if (!complete) raw.push(tail);
  let expectedPrev = GENESIS;
  let expectedSeq: number | undefined = 0;
  raw.forEach((lineText, index) => {
    const line = index + 1;
    const report = (kind: ProblemKind, detail: string): void => {
      problems.push({ line, kind, detail });
    };
    const isLast = index === raw.length - 1;
    if (isLast && !complete) {
      report('truncated', 'the last line has no newline: the write was cut off');
      lines.push({ line });
      return;
    }
    const previousPrev = expectedPrev;
    const previousSeq = expectedSeq;
    expectedPrev = sha256(lineText);
    expectedSeq = undefined;
    let json: unknown;
    try {
      if (lineText.trim() === '') throw new SyntaxError('empty line');
      json = JSON.parse(lineText);
    } catch (error) {
      report('bad-json', error instanceof Error ? error.message : String(error));
      lines.push({ line });
      return;
    }
    const parsed = AuditRecordSchema.safeParse(json);
    if (!parsed.success) {
      report('schema', parsed.error.issues.map((issue) => `${issue.path.join('.') || '(record)'}: ${issue.message}`).join('; '));
      const seq = (json as { seq?: unknown } | null)?.seq;
      if (Number.isSafeInteger(seq)) expectedSeq = (seq as number) + 1;
      lines.push({ line });
      return;
    }
    const record = parsed.data;
    if (recordHash(record) !== record.hash) report('hash', `record ${record.seq} does not match its hash: it was edited`);
    if (record.prev !== previousPrev) {
      report('chain', line === 1 ? 'the first record does not start the chain: records before it are missing' : `prev is not the hash of line ${line - 1}: a record was removed, inserted or moved, or line ${line - 1} was edited`);
    }
    if (previousSeq !== undefined && record.seq !== previousSeq) report('seq', `expected seq ${previousSeq}, found ${record.seq}`);
    expectedSeq = record.seq + 1;
    lines.push({ line, record });
  });
  return { lines, problems };
}

export interface ShowFilter {
  /** Only records at or after this time (a Date or an ISO 8601 string). */
  since?: Date | string;
  decision?: Decision;
}

export interface LogRow {
  line: number;
  seq: number;
  time: string;
  session: string;
  event: AuditRecord['event'];
  tool?: string;
  decision?: Decision;
  category?: string;
  rule?: string;
  /** Safe to print: control and hidden characters made visible, one line. */
  reason?: string;
  /** The gist of the input (a command, a path, a URL), safe to print, at most SUMMARY_LENGTH characters. */
  summary?: string;
}

const SUMMARY_LENGTH = 160;

/**
 * The records to show, oldest first, with the verification problems next to them: showing a log is
 * not vouching for it, so the caller prints both.
 */
export function showLog(text: string, filter: ShowFilter = {}): { rows: LogRow[]; problems: LogProblem[] } {
  const since = filter.since === undefined ? undefined : filter.since instanceof Date ? filter.since.getTime() : Date.parse(filter.since);
  if (since !== undefined && Number.isNaN(since)) throw new UsageError(`not a date: ${String(filter.since)}`);
  const { lines, problems } = check(text);
  const rows: LogRow[] = [];
  for (const { line, record } of lines) {
    if (!record) continue;
    if (since !== undefined && Date.parse(record.time) < since) continue;
    if (filter.decision !== undefined && record.decision !== filter.decision) continue;
    const row: LogRow = { line, seq: record.seq, time: record.time, session: record.session, event: record.event };
    if (record.tool !== undefined) row.tool = printable(record.tool);
    if (record.decision !== undefined) row.decision = record.decision;
    if (record.category !== undefined) row.category = printable(record.category);
    if (record.rule !== undefined) row.rule = printable(record.rule);
    if (record.reason !== undefined) row.reason = printable(record.reason);
    if (record.input !== undefined) row.summary = clip(printable(summarize(record.input)), SUMMARY_LENGTH);
    rows.push(row);
  }
  return { rows, problems };
}

/** The field a reader looks for first in the common tools' inputs, else the whole input. */
function summarize(input: JsonValue): string {
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
    for (const key of ['command', 'file_path', 'notebook_path', 'path', 'url', 'query', 'pattern', 'prompt']) {
      const value = input[key];
      if (typeof value === 'string') return value;
    }
  }
  return typeof input === 'string' ? input : canonicalJson(input);
}

/** Agent-written text reaches the reviewer's terminal: bidi controls and escapes must not act there. */
function printable(text: string): string {
  return displayLine(text.replace(/\r?\n/g, ' ⏎ ')).text;
}

function clip(text: string, length: number): string {
  const chars = [...text];
  return chars.length <= length ? text : `${chars.slice(0, length - 1).join('')}…`;
}
