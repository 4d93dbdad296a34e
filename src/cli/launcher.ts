#!/usr/bin/env node
// The package's bin, dist/cordon.cjs: `cordon hook` runs the hook bundle directly, anything else loads the full CLI (dist/cordon.js).

import { fileURLToPath } from 'node:url';
import { runHookBundle } from './hook-loader.js';

// CommonJS on purpose: Node runs an ES module entry through its ES module loader, which alone costs a
// hook 5 to 10 ms, a quarter of a bare Node start. The hook bundle is CommonJS for the same reason.
const argv = process.argv.slice(2);
if (argv[0] === 'hook') {
  // Deny unless the hook answers: a promise left pending would otherwise let Node exit 0, which allows the call.
  process.exitCode = 2;
  void runHookBundle(fileURLToPath(new URL('./hook.cjs', import.meta.url)), argv.slice(1)).then((code) => {
    process.exitCode = code;
  });
} else {
  void import(new URL('./cordon.js', import.meta.url).href);
}
