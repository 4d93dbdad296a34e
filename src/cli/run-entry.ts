// The entry of dist/run.cjs: `cordon run` without loading the rest of the CLI (the bin sends `run` here).

import { Command } from 'commander';
import { exitCodeOf } from './errors.js';
import { addRunCommand } from './run-cli.js';
import { VERSION } from './version.js';

export async function runMain(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command()
    .name('cordon')
    .version(VERSION)
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text), writeOut: (text) => process.stdout.write(text) });
  addRunCommand(program, (code) => (exitCode = code));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return exitCodeOf(error);
  }
}
