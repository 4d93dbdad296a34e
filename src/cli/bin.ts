#!/usr/bin/env node
// The `cordon` executable. `cordon hook` is on the agent's hot path, so it loads only what a hook needs.

const argv = process.argv.slice(2);
if (argv[0] === 'hook') {
  try {
    const { hookCommand } = await import('./hook-command.js');
    process.exitCode = await hookCommand(argv.slice(1));
  } catch (error) {
    // Even a failure to load must block: exit 1 would let the tool call run.
    process.stderr.write(`cordon denied (internal-error): ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
} else {
  const { main } = await import('./main.js');
  process.exitCode = await main(argv);
}
