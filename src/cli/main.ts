#!/usr/bin/env node
// cordon's command-line entry: parses argv, runs one command, maps errors to exit codes.

import { Command, CommanderError, Option } from 'commander';
import { ConfigError, EXIT, UsageError } from '../core/errors.js';
import { auditCommand, type AuditCliOptions } from './audit-command.js';
import { logShowCommand, logVerifyCommand } from './log-command.js';
import { secretsCommand, type SecretsCliOptions } from './secrets-command.js';
import { VERSION } from './version.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command()
    .name('cordon')
    .description('A perimeter around AI coding agents in CI/CD.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text), writeOut: (text) => process.stdout.write(text) });

  program
    .command('audit')
    .description('Statically audit how agents are set up to run: workflows, agent settings, MCP, instruction files, containers.')
    .argument('[path]', 'repository to audit', '.')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'sarif', 'github', 'markdown']).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(['info', 'low', 'medium', 'high']).default('high'))
    .option('--exit-zero', 'exit 0 even when findings are at or above --fail-on')
    .option('--baseline <file>', 'suppress findings whose fingerprints are in this baseline')
    .option('--write-baseline <file>', 'write the fingerprints of the current findings to this file')
    .option('--rule <id>', 'run only this rule (repeatable)', collect)
    .option('--config <file>', 'use this cordon.yml instead of the one in PATH')
    .option('--color', 'force colour')
    .option('--no-color', 'disable colour')
    .action(async (path: string, options: AuditCliOptions) => {
      exitCode = await auditCommand(path, options, { stdout: process.stdout, stderr: process.stderr, isTTY: Boolean(process.stdout.isTTY) });
    });

  program
    .command('secrets')
    .description('Find credentials in the tree, the git history or the staged change, before the agent does.')
    .argument('[path]', 'repository to scan', '.')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'sarif', 'github', 'markdown']).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(['info', 'low', 'medium', 'high']).default('medium'))
    .option('--exit-zero', 'exit 0 even when findings are at or above --fail-on')
    .option('--history', 'scan every added line in the git history instead of the working tree')
    .option('--since <rev>', 'with --history: only commits after this revision')
    .option('--staged', 'scan the added lines of the staged change (for pre-commit)')
    .option('--baseline <file>', 'suppress findings whose fingerprints are in this baseline')
    .option('--write-baseline <file>', 'write the fingerprints of the current findings to this file')
    .option('--include-generic', 'also report keyword-plus-entropy matches (low severity, noisy)')
    .option('--show-secrets', 'print secrets unmasked (they are masked by default)')
    .option('--threads <n>', 'threads for large trees (default: the number of cores)')
    .option('--write-claudeignore', 'create or update .claudeignore with the secret files found and safe defaults')
    .option('--settings <file>', 'with --write-claudeignore: also merge matching Read() deny rules into this Claude settings file')
    .option('--config <file>', 'use this cordon.yml instead of the one in PATH')
    .option('--color', 'force colour')
    .option('--no-color', 'disable colour')
    .action(async (path: string, options: SecretsCliOptions) => {
      exitCode = await secretsCommand(path, options, { stdout: process.stdout, stderr: process.stderr, isTTY: Boolean(process.stdout.isTTY) });
    });

  const log = program.command('log').description("Check and read the guard hook's hash-chained audit log.");
  log
    .command('verify')
    .description('exit 0 when every record is intact and chained, 1 with the damaged lines otherwise')
    .argument('[file]', 'the log (default: $CORDON_LOG, else the state directory)')
    .option('--json', 'machine-readable result')
    .action((file: string | undefined, options: { json?: boolean }) => {
      exitCode = logVerifyCommand(file, options, { stdout: process.stdout, stderr: process.stderr });
    });
  log
    .command('show')
    .description('print the records, oldest first')
    .argument('[file]', 'the log (default: $CORDON_LOG, else the state directory)')
    .option('--since <time>', 'only records at or after this ISO 8601 time')
    .option('--decision <decision>', 'only allow, deny or ask')
    .option('--json', 'machine-readable rows')
    .action((file: string | undefined, options: { since?: string; decision?: string; json?: boolean }) => {
      exitCode = logShowCommand(file, options, { stdout: process.stdout, stderr: process.stderr });
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof ConfigError || error instanceof UsageError) {
      process.stderr.write(`cordon: error: ${error.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`cordon: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.internal;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
