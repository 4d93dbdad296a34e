// One concurrent writer for concurrency.test.ts: appends COUNT records to FILE from the built module once told to go.

import { appendRecord } from '../../../dist/auditlog/append.js';
import { maskDeep } from '../../../dist/auditlog/mask.js';

const [file, writer, count] = process.argv.slice(2);

// Compile the secret scanner before the start line, so every writer begins appending at once.
maskDeep('warm up');
process.stdout.write('ready\n');

process.stdin.once('data', () => {
  const start = Date.now();
  for (let n = 0; n < Number(count); n++) {
    appendRecord(file, { session: `writer-${writer}`, event: 'pre-tool-use', tool: 'Bash', input: { command: `echo ${writer}-${n}` }, decision: 'allow' });
  }
  process.stdout.write(`${JSON.stringify({ start, end: Date.now() })}\n`);
  process.exit(0);
});
