#!/usr/bin/env node
// cordon's command-line entry: parses argv, runs one command, maps errors to exit codes.

import { Command, CommanderError, Option } from 'commander';
import { ConfigError, EXIT, UsageError } from '../core/errors.js';
import { auditCommand, type AuditCliOptions } from './audit-command.js';
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
