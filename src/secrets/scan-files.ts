// Scans a list of files for secrets and secret files; runs on the main thread or in a worker.

import { readFileSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { DETECTORS } from './detectors/index.js';
import { secretFile } from './file-names.js';
import { SecretScanner } from './scan.js';
import type { ScanFile } from './walk.js';

/** One secret found, as plain data that can cross a thread boundary. */
export interface RawHit {
  path: string;
  /** 1-based line and column (UTF-16 units) of the secret's first character. */
  line: number;
  column: number;
  length: number;
  /** `secret/<detector-id>` or `secret-file/<kind>`. */
  rule: string;
  secret: string;
  /** The whole source line, unmasked; callers mask it before it is shown anywhere. */
  lineText: string;
  commit?: { sha: string; author: string; date: string };
}

export interface FileProblem {
  path: string;
  problem: 'unreadable' | 'vanished' | 'binary' | 'invalid-utf8';
  detail: string;
}

export interface FilesResult {
  hits: RawHit[];
  problems: FileProblem[];
  bytes: number;
  filesScanned: number;
}

const scanners = new Map<boolean, SecretScanner>();

/** One scanner per process and setting: compiling the detector table is not free. */
export function sharedScanner(includeGeneric: boolean): SecretScanner {
  let scanner = scanners.get(includeGeneric);
  if (!scanner) {
    scanner = new SecretScanner(DETECTORS, { includeGeneric });
    scanners.set(includeGeneric, scanner);
  }
  return scanner;
}

export function scanFiles(files: readonly ScanFile[], includeGeneric: boolean, onProgress?: (done: number) => void): FilesResult {
  const result: FilesResult = { hits: [], problems: [], bytes: 0, filesScanned: 0 };
  const detectorScanner = sharedScanner(includeGeneric);
  files.forEach((file, n) => {
    let buffer: Buffer;
    try {
      buffer = readFileSync(file.absolute);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      result.problems.push({ path: file.path, problem: code === 'ENOENT' ? 'vanished' : 'unreadable', detail: code });
      return;
    }
    if (buffer.subarray(0, 8192).includes(0)) {
      result.problems.push({ path: file.path, problem: 'binary', detail: 'NUL byte in the first 8 KiB' });
      const kind = secretFile(file.path, undefined);
      if (kind && !kind.contentCheck) result.hits.push(fileHit(file.path, kind.kind));
      return;
    }
    if (!isUtf8(buffer)) result.problems.push({ path: file.path, problem: 'invalid-utf8', detail: 'scanned with invalid bytes replaced' });
    const text = buffer.toString('utf8');
    result.bytes += buffer.length;
    result.filesScanned++;
    result.hits.push(...hitsInText(file.path, text, detectorScanner));
    const kind = secretFile(file.path, text);
    if (kind) result.hits.push(fileHit(file.path, kind.kind));
    if (onProgress && n % 200 === 0) onProgress(n);
  });
  return result;
}

/** Secrets in one text, with line and column computed only for the hits. */
export function hitsInText(path: string, text: string, detectorScanner: SecretScanner, lineOffset = 0): RawHit[] {
  const found = detectorScanner.scan(text);
  if (found.length === 0) return [];
  const hits: RawHit[] = [];
  let line = 1;
  let lineStart = 0;
  let cursor = 0;
  for (const hit of found) {
    for (let at = text.indexOf('\n', cursor); at !== -1 && at < hit.index; at = text.indexOf('\n', at + 1)) {
      line++;
      lineStart = at + 1;
    }
    cursor = hit.index;
    const lineEnd = text.indexOf('\n', hit.index);
    hits.push({
      path,
      line: line + lineOffset,
      column: hit.index - lineStart + 1,
      length: hit.length,
      rule: `secret/${hit.detector.id}`,
      secret: hit.secret,
      lineText: text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd).replace(/\r$/, '').slice(0, 1000),
    });
  }
  return hits;
}

/** A secret file is reported by name; its contents are never quoted. */
function fileHit(path: string, kind: string): RawHit {
  return { path, line: 1, column: 1, length: 0, rule: `secret-file/${kind}`, secret: '', lineText: '' };
}
