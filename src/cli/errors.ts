// How a command's failure becomes stderr text and an exit code: usage and configuration errors 2, anything else 3.

import { CommanderError } from 'commander';
import { ConfigError, EXIT, UsageError } from '../core/errors.js';

export function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (error instanceof ConfigError || error instanceof UsageError) {
    process.stderr.write(`cordon: error: ${error.message}\n`);
    return EXIT.usage;
  }
  process.stderr.write(`cordon: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT.internal;
}
