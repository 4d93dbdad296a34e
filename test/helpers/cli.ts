// Runs the built CLI (dist/) as a child process, the way users and CI run it.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
/** The bundled CLI, as the package's bin runs it. */
export const CLI = join(ROOT, 'dist', 'cordon.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function cordon(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; prefix?: string[]; cli?: string; input?: string } = {}): CliResult {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...options.env };
  delete env.FORCE_COLOR;
  const [command, ...rest] = [...(options.prefix ?? []), process.execPath, options.cli ?? CLI, ...args];
  const result = spawnSync(command as string, rest, { cwd: options.cwd ?? ROOT, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, input: options.input ?? '' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
