#!/usr/bin/env node
// The full `cordon` CLI (dist/cordon.js). The package's bin is launcher.ts, which comes here for anything but `cordon hook`.

import { fileURLToPath } from 'node:url';
import { runHookBundle } from './hook-loader.js';

const argv = process.argv.slice(2);
if (argv[0] === 'hook') {
  process.exitCode = 2; // until the hook answers, as in launcher.ts
  // The same bundle the launcher runs, so `node dist/cordon.js hook …` decides exactly as the bin does.
  process.exitCode = await runHookBundle(fileURLToPath(new URL('./hook.cjs', import.meta.url)), argv.slice(1));
} else {
  const { main } = await import('./main.js');
  process.exitCode = await main(argv);
}
