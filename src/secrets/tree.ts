// Scans a file list on several threads when it is large enough to repay starting them.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { scanFiles, type FilesResult } from './scan-files.js';
import type { ScanFile } from './walk.js';

/** Below this many bytes a worker's start-up costs more than it saves. */
const PARALLEL_MIN_BYTES = 16 * 1024 * 1024;

export async function scanTree(files: readonly ScanFile[], options: { threads: number | undefined; includeGeneric: boolean }, onProgress?: (done: number, total: number) => void): Promise<FilesResult> {
  const bytes = files.reduce((sum, file) => sum + file.size, 0);
  const count = Math.max(1, Math.min(options.threads ?? availableParallelism(), 16));
  if (count === 1 || bytes < PARALLEL_MIN_BYTES) return scanFiles(files, options.includeGeneric, (done) => onProgress?.(done, files.length));
  // Largest files first, each to the least-loaded share, so shares finish together.
  const shares: { files: ScanFile[]; bytes: number }[] = Array.from({ length: count }, () => ({ files: [], bytes: 0 }));
  for (const file of [...files].sort((a, b) => b.size - a.size)) {
    const share = shares.reduce((least, candidate) => (candidate.bytes < least.bytes ? candidate : least));
    share.files.push(file);
    share.bytes += file.size;
  }
  const progress = new Array<number>(count).fill(0);
  const results = await Promise.all(
    shares.map(
      (share, index) =>
        new Promise<FilesResult>((resolve, reject) => {
          const worker = new Worker(new URL('./secrets-worker.js', import.meta.url), { workerData: { files: share.files, includeGeneric: options.includeGeneric } });
          let settled = false;
          worker.on('message', (message: { progress: number } | { ok: true; result: FilesResult } | { ok: false; error: string }) => {
            if ('progress' in message) {
              progress[index] = message.progress;
              onProgress?.(progress.reduce((a, b) => a + b, 0), files.length);
              return;
            }
            settled = true;
            if (message.ok) resolve(message.result);
            else reject(new Error(message.error));
          });
          worker.once('error', (error) => {
            settled = true;
            reject(error);
          });
          worker.once('exit', (code) => {
            if (!settled) reject(new Error(`internal error: secret-scan worker exited with code ${code} before reporting`));
          });
        }),
    ),
  );
  const merged: FilesResult = { hits: [], problems: [], bytes: 0, filesScanned: 0 };
  for (const result of results) {
    merged.hits.push(...result.hits);
    merged.problems.push(...result.problems);
    merged.bytes += result.bytes;
    merged.filesScanned += result.filesScanned;
  }
  return merged;
}
