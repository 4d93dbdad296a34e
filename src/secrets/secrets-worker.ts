// Worker-thread entry of a parallel secret scan: scans its share of files and posts the hits back.

import { parentPort, workerData } from 'node:worker_threads';
import { scanFiles } from './scan-files.js';
import type { ScanFile } from './walk.js';

const { files, includeGeneric } = workerData as { files: ScanFile[]; includeGeneric: boolean };
try {
  parentPort?.postMessage({ ok: true, result: scanFiles(files, includeGeneric, (done) => parentPort?.postMessage({ progress: done })) });
} catch (error) {
  parentPort?.postMessage({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
