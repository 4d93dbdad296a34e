// The `cordon run` command line, shared by the full CLI and the run's own bundle (dist/run.cjs).

import type { Command } from 'commander';
import { ROLES } from '../config/policy-schema.js';
import { runCommand, type RunOptions } from './run-command.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function addRunCommand(program: Command, done: (code: number) => void): void {
  program
    .command('run')
    .description('Run a command (the agent) in a sandbox: only the repository visible, no host credentials, egress through an allowlisting proxy, the model API key never inside.')
    .argument('<command...>', 'the command and its arguments, after --')
    .option('--role <role>', `role preset: ${ROLES.join(', ')} (review and security-analysis mount the repository read-only)`)
    .option('--policy <file>', 'the cordon.yml to use (default: found from the current directory upward)')
    .option('--allow-domain <domain>', 'allow egress to this host or *.suffix (repeatable)', collect)
    .option('--mount-ro <path>', 'mount this host path read-only at the same place (repeatable)', collect)
    .option('--env <name>', 'pass this environment variable in (repeatable)', collect)
    .option('--timeout <seconds>', 'wall-clock limit')
    .option('--memory <size>', 'memory limit of the whole sandbox, e.g. 4G')
    .option('--max-processes <n>', 'process limit of the whole sandbox')
    .option('--max-tokens <n>', 'model tokens after which the broker refuses further calls')
    .option('--log <file>', 'the audit log for network attempts and hook decisions (default: $CORDON_LOG, else the state directory)')
    .option('--record <file>', 'where to write the run record (JSON)')
    .option('--unsafe-no-sandbox', 'run without isolation when bubblewrap cannot be used (said on stderr and in the record)')
    .passThroughOptions()
    .action(async (command: string[], options: RunOptions) => {
      done(await runCommand(command, options, { stderr: process.stderr, env: process.env, cwd: process.cwd() }));
    });
}
