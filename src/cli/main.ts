// cordon's command-line entry: parses argv, runs one command, maps errors to exit codes (bin.ts calls it).

import { Command, Option } from 'commander';
import { EXIT } from '../core/errors.js';
import { auditCommand, type AuditCliOptions } from './audit-command.js';
import { logShowCommand, logVerifyCommand } from './log-command.js';
import { secretsCommand, type SecretsCliOptions } from './secrets-command.js';
import { VERSION } from './version.js';
import { hookCommand } from './hook-command.js';
import { addRunCommand } from './run-cli.js';
import { exitCodeOf } from './errors.js';
import { hooksInstallCommand, type HooksInstallOptions } from './hooks-command.js';
import { policyExplainCommand, policyTestCommand, type ExplainOptions, type PolicyTestOptions } from './policy-command.js';
import { ROLES } from '../config/policy-schema.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command()
    .name('cordon')
    .description('A perimeter around AI coding agents in CI/CD.')
    .version(VERSION)
    // `cordon run … -- COMMAND`: options after the command belong to the command.
    .enablePositionalOptions()
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

  program
    .command('hook')
    .description('Answer one Claude Code hook event (stdin JSON); exit 2 blocks. Installed by `cordon hooks install`.')
    .argument('<event>', 'pre-tool-use, post-tool-use, user-prompt-submit or session-start')
    .option('--policy <file>', 'the cordon.yml to enforce (default: found from the hook cwd upward, else the implement preset)')
    .option('--role <role>', 'start from this role preset')
    .option('--log <file>', 'the audit log (default: $CORDON_LOG, else the state directory)')
    .allowUnknownOption()
    .action(async () => {
      exitCode = await hookCommand(argv.slice(1));
    });

  const hooks = program.command('hooks').description('Install cordon as Claude Code hooks.');
  hooks
    .command('install')
    .description('merge hook entries for all four events into a Claude settings file (idempotent)')
    .option('--settings <file>', 'the settings file to write', '.claude/settings.json')
    .option('--role <role>', `role preset for the hooks: ${ROLES.join(', ')}`)
    .option('--policy <file>', 'pass this cordon.yml to every hook')
    .option('--log <file>', 'pass this audit log path to every hook')
    .action((options: HooksInstallOptions) => {
      exitCode = hooksInstallCommand(options, { stdout: process.stdout, stderr: process.stderr });
    });

  addRunCommand(program, (code) => (exitCode = code));

  const policy = program.command('policy').description('Ask the policy engine directly.');
  policy
    .command('explain')
    .description('print the decision for one tool call: category, rule and the part of the command that caused it')
    .option('--tool <name>', 'the tool, e.g. Bash, Read, WebFetch, mcp__github__get_issue')
    .option('--input <json>', 'the tool input as JSON, e.g. \'{"command":"curl x"}\'')
    .option('--json <file>', 'a whole hook payload (PreToolUse stdin) from a file, or - for stdin')
    .option('--policy <file>', 'the cordon.yml to use')
    .option('--role <role>', 'start from this role preset')
    .option('--cwd <dir>', 'the working directory of the call (default: the current one)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (options: ExplainOptions) => {
      exitCode = await policyExplainCommand(options, { stdout: process.stdout, stderr: process.stderr });
    });
  policy
    .command('test')
    .description('judge every case of a JSON Lines case file and list the mismatches (exit 1 if any)')
    .argument('<file>', 'cases: {"id","tool","input","cwd","expect":"allow|deny",...} per line')
    .option('--policy <file>', 'the cordon.yml whose policy the cases start from')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (file: string, options: PolicyTestOptions) => {
      exitCode = await policyTestCommand(file, options, { stdout: process.stdout, stderr: process.stderr });
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return exitCodeOf(error);
  }
}
