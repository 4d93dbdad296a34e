// Appends one hash-chained record to the audit log, safely when several hook processes write at once.

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { AuditLogError } from './errors.js';
import { maskDeep, type MaskOptions } from './mask.js';
import { AuditRecordSchema, GENESIS, recordHash, recordLine, sha256, type AuditEntry, type AuditRecord, type JsonValue } from './record.js';

export interface AppendOptions {
  /** How long to wait for another writer's lock before giving up (and so denying). */
  lockWaitMs?: number;
  /** Age after which a lock counts as abandoned; see STALE_LOCK_MS. */
  staleLockMs?: number;
  now?: () => Date;
  /** Secrets the caller knows of (say, from its environment), masked wherever they occur. */
  mask?: MaskOptions;
}

/**
 * A writer holds the lock while it reads one line and appends one line: well under a millisecond
 * unless the disk stalls. A lock this old was left by a process that died between taking and
 * releasing it (killed by the hook timeout, OOM), and every later hook would deny until a human
 * removed it. A live holder this slow loses its lock, notices before writing (`lock-lost`) and fails
 * closed instead of forking the chain.
 */
export const STALE_LOCK_MS = 10_000;

/** Longer than STALE_LOCK_MS, so a waiter outlives an abandoned lock and breaks it instead of denying. */
const LOCK_WAIT_MS = 15_000;

const CHUNK = 64 * 1024;

/**
 * Appends `entry` as the next record of `file`, masking secrets in every field, and returns the record
 * written. Throws AuditLogError on any failure; nothing is written then, unless the write or its fsync
 * itself fails, in which case a torn line may remain for verifyLog to report.
 */
export function appendRecord(file: string, entry: AuditEntry, options: AppendOptions = {}): AuditRecord {
  let masked: AuditEntry;
  try {
    masked = maskEntry(entry, options.mask);
  } catch (error) {
    throw asAuditLogError(error, 'invalid-record', 'cannot mask the record');
  }
  const lockPath = `${file}.lock`;
  try {
    // `recursive` applies the mode to every directory it creates; existing ones are left as they are.
    fs.mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw asAuditLogError(error, 'io', `cannot create the directory of ${file}`);
  }
  const token = acquireLock(lockPath, options.lockWaitMs ?? LOCK_WAIT_MS, options.staleLockMs ?? STALE_LOCK_MS);
  try {
    return appendLocked(file, masked, lockPath, token, options.now ?? (() => new Date()));
  } finally {
    releaseLock(lockPath, token);
  }
}

/** The free-text fields are masked together, so a secret found in the input is masked in the reason too. */
function maskEntry(entry: AuditEntry, options: MaskOptions | undefined): AuditEntry {
  const fields = { tool: entry.tool, input: entry.input, category: entry.category, rule: entry.rule, reason: entry.reason };
  const present = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Record<string, JsonValue>;
  return { ...entry, ...(maskDeep(present, options) as Partial<AuditEntry>) };
}

function appendLocked(file: string, entry: AuditEntry, lockPath: string, token: string, now: () => Date): AuditRecord {
  let fd: number;
  try {
    // O_NOFOLLOW: a symlink planted at the log's path must not redirect the record somewhere else.
    fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    throw asAuditLogError(error, 'io', `cannot open ${file}`);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new AuditLogError('io', `${file} is not a regular file`);
    const last = lastLine(fd, stat.size, file);
    let seq = 0;
    let prev = GENESIS;
    if (last !== undefined) {
      const previous = parseLast(last, file);
      seq = previous.seq + 1;
      prev = sha256(last);
    }
    const unsigned = { ...entry, v: 1 as const, seq, time: entry.time ?? now().toISOString(), prev };
    const parsed = AuditRecordSchema.safeParse({ ...unsigned, hash: GENESIS });
    if (!parsed.success) {
      throw new AuditLogError('invalid-record', `invalid audit record: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(record)'}: ${issue.message}`).join('; ')}`);
    }
    const record: AuditRecord = { ...parsed.data, hash: recordHash(parsed.data) };
    const line = recordLine(record);
    // The last check before the write: a lock broken as stale under us means another writer may be
    // chaining onto the same line right now.
    if (readLockToken(lockPath) !== token) throw new AuditLogError('lock-lost', `the lock ${lockPath} was broken while held; nothing written`);
    // One write(2) of the whole line with O_APPEND, then fsync: a record the hook reported is on disk.
    fs.appendFileSync(fd, `${line}\n`);
    fs.fsyncSync(fd);
    if (stat.size === 0) syncDirectory(dirname(file));
    return record;
  } catch (error) {
    throw asAuditLogError(error, 'io', `cannot append to ${file}`);
  } finally {
    fs.closeSync(fd);
  }
}

/** The last line of the file without its newline, read backwards in chunks; undefined for an empty file. */
function lastLine(fd: number, size: number, file: string): string | undefined {
  if (size === 0) return undefined;
  const chunks: Buffer[] = [];
  let end = size;
  let first = true;
  while (end > 0) {
    const start = Math.max(0, end - CHUNK);
    const chunk = Buffer.alloc(end - start);
    readFully(fd, chunk, start);
    let body = chunk;
    if (first) {
      // A log that does not end in a newline holds a torn last write; chaining onto it would glue
      // the next record to the fragment.
      if (chunk[chunk.length - 1] !== 0x0a) throw new AuditLogError('corrupt-log', `${file} does not end with a newline: its last record is incomplete (run cordon log verify)`);
      body = chunk.subarray(0, chunk.length - 1);
      first = false;
    }
    const newline = body.lastIndexOf(0x0a);
    if (newline >= 0) {
      chunks.unshift(body.subarray(newline + 1));
      return Buffer.concat(chunks).toString('utf8');
    }
    chunks.unshift(body);
    end = start;
  }
  return Buffer.concat(chunks).toString('utf8');
}

function readFully(fd: number, buffer: Buffer, position: number): void {
  let done = 0;
  while (done < buffer.length) {
    const n = fs.readSync(fd, buffer, done, buffer.length - done, position + done);
    if (n === 0) throw new AuditLogError('io', 'the log shrank while it was read');
    done += n;
  }
}

/** The previous record, checked in full: an edited last record must not be silently chained over. */
function parseLast(line: string, file: string): AuditRecord {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new AuditLogError('corrupt-log', `the last line of ${file} is not JSON (run cordon log verify)`);
  }
  const parsed = AuditRecordSchema.safeParse(json);
  if (!parsed.success) throw new AuditLogError('corrupt-log', `the last line of ${file} is not an audit record (run cordon log verify)`);
  if (recordHash(parsed.data) !== parsed.data.hash) throw new AuditLogError('corrupt-log', `the last record of ${file} does not match its hash (run cordon log verify)`);
  return parsed.data;
}

/** A new file's directory entry is only durable once the directory itself is synced. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms and file systems cannot fsync a directory; the record itself is already synced.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Hooks run synchronously start to end, so the wait blocks the thread rather than returning a promise. */
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/** Takes the lock file with O_EXCL and returns the token written into it, which proves ownership later. */
function acquireLock(lockPath: string, waitMs: number, staleMs: number): string {
  const token = `${process.pid}@${hostname()} ${randomBytes(8).toString('hex')}`;
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    let fd: number | undefined;
    try {
      fd = fs.openSync(lockPath, 'wx', 0o600);
      fs.writeSync(fd, token);
      return token;
    } catch (error) {
      if (fd !== undefined) {
        // Created but not written: remove it so no one waits on an empty lock for STALE_LOCK_MS.
        try {
          fs.rmSync(lockPath, { force: true });
        } catch {
          // Left behind, it is broken as stale later; the write failure is what the caller must see.
        }
        throw asAuditLogError(error, 'io', `cannot write the lock ${lockPath}`);
      }
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw asAuditLogError(error, 'io', `cannot create the lock ${lockPath}`);
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
    breakIfStale(lockPath, staleMs);
    if (Date.now() >= deadline) throw new AuditLogError('lock-timeout', `timed out after ${waitMs} ms waiting for the lock ${lockPath}`);
    // Short random sleeps, growing a little: waiters do not wake in lockstep, and a free lock is seen soon.
    sleep(1 + Math.random() * Math.min(10, 1 + attempt));
  }
}

/**
 * Removes an abandoned lock. Two waiters can see the same stale lock; renaming it aside is atomic, so
 * only one of them gets it, and the other's rename either fails or takes a *fresh* lock someone just
 * created. Comparing token and mtime tells the two apart, and a fresh lock taken by mistake is linked
 * back; if that fails, its owner finds its token gone before writing and fails closed.
 */
function breakIfStale(lockPath: string, staleMs: number): void {
  let stat: fs.Stats;
  let content: string;
  try {
    stat = fs.statSync(lockPath);
    if (Date.now() - stat.mtimeMs < staleMs) return;
    content = fs.readFileSync(lockPath, 'utf8');
  } catch {
    return; // released meanwhile
  }
  const aside = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    fs.renameSync(lockPath, aside);
  } catch {
    return; // another waiter broke it first
  }
  try {
    const moved = fs.statSync(aside);
    if (moved.mtimeMs !== stat.mtimeMs || fs.readFileSync(aside, 'utf8') !== content) {
      try {
        fs.linkSync(aside, lockPath);
      } catch {
        // A third writer took the free path meanwhile; the fresh lock's owner will see `lock-lost`.
      }
    }
  } finally {
    fs.rmSync(aside, { force: true });
  }
}

function readLockToken(lockPath: string): string | undefined {
  try {
    return fs.readFileSync(lockPath, 'utf8');
  } catch {
    return undefined;
  }
}

function releaseLock(lockPath: string, token: string): void {
  // Only our own lock: if ours was broken as stale, the file there now belongs to someone else.
  if (readLockToken(lockPath) !== token) return;
  try {
    fs.rmSync(lockPath, { force: true });
  } catch {
    // Not thrown: the record is already written, and a lock left behind is broken as stale later.
  }
}

function asAuditLogError(error: unknown, code: 'io' | 'invalid-record', message: string): AuditLogError {
  if (error instanceof AuditLogError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new AuditLogError(code, `${message}: ${detail}`, { cause: error });
}
