// Eight processes append to one log at the same moment through the built module; the chain must come out whole.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { verifyLog } from '../../../src/auditlog/verify.js';

const WRITERS = 8;
const PER_WRITER = 50;
const CHILD = join(import.meta.dirname, 'append-child.mjs');
const BUILT = join(import.meta.dirname, '..', '..', '..', 'dist', 'auditlog', 'append.js');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cordon-concurrency-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Writer {
  ready: Promise<void>;
  done: Promise<{ start: number; end: number }>;
  go: () => void;
}

function startWriter(file: string, id: number): Writer {
  const child = spawn(process.execPath, [CHILD, file, String(id), String(PER_WRITER)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.startsWith('ready\n')) markReady();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const done = new Promise<{ start: number; end: number }>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      markReady();
      if (code !== 0) reject(new Error(`writer ${id} exited ${code}: ${err}`));
      else resolve(JSON.parse(out.slice('ready\n'.length)) as { start: number; end: number });
    });
  });
  return { ready, done, go: () => child.stdin.end('go\n') };
}

it(`${WRITERS} processes × ${PER_WRITER} appends make one unbroken chain`, async () => {
  expect(existsSync(BUILT), 'dist/auditlog/append.js is missing: run npm run build first').toBe(true);
  const file = join(dir, 'audit.jsonl');
  const writers = Array.from({ length: WRITERS }, (_, id) => startWriter(file, id));
  await Promise.all(writers.map((writer) => writer.ready));
  for (const writer of writers) writer.go();
  const windows = await Promise.all(writers.map((writer) => writer.done));

  // The writers really overlapped: the last to start did so before the first finished.
  expect(Math.max(...windows.map((w) => w.start))).toBeLessThan(Math.min(...windows.map((w) => w.end)));

  const text = readFileSync(file, 'utf8');
  const result = verifyLog(text);
  expect(result.ok ? [] : result.problems).toEqual([]);
  if (!result.ok) return;
  expect(result.records).toHaveLength(WRITERS * PER_WRITER);
  expect(result.records.map((record) => record.seq)).toEqual(Array.from({ length: WRITERS * PER_WRITER }, (_, n) => n));
  // Whole lines only: as many newlines as records, each line one record.
  expect(text.split('\n')).toHaveLength(WRITERS * PER_WRITER + 1);
  // Each writer's records are all there, in the order it wrote them.
  for (let id = 0; id < WRITERS; id++) {
    const mine = result.records.filter((record) => record.session === `writer-${id}`).map((record) => (record.input as { command: string }).command);
    expect(mine).toEqual(Array.from({ length: PER_WRITER }, (_, n) => `echo ${id}-${n}`));
  }
  // No lock or stale-lock file left behind.
  expect(readdirSync(dir)).toEqual(['audit.jsonl']);
}, 20_000);
