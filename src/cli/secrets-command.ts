// `cordon secrets`: scan the tree, history or staged change; render; optionally write .claudeignore.

import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EXIT, UsageError } from '../core/errors.js';
import { atLeast, SEVERITIES, type Severity } from '../core/severity.js';
import { loadConfig } from '../config/load.js';
import { FORMATS, render, type Format } from '../render/index.js';
import { DEFAULT_CLAUDEIGNORE, patternForSecretFile, updateClaudeignore } from '../secrets/claudeignore.js';
import { NotAGitRepository } from '../secrets/git.js';
import { mergeDenyRules, SettingsMergeError } from '../secrets/settings-merge.js';
import { runSecrets, type SecretsResult } from '../secrets/run.js';
import { readBaseline, writeBaseline } from './baseline.js';
import { oneOf } from './options.js';
import { VERSION } from './version.js';

export interface SecretsCliOptions {
  format: string;
  output?: string;
  failOn: string;
  exitZero?: boolean;
  baseline?: string;
  writeBaseline?: string;
  history?: boolean;
  since?: string;
  staged?: boolean;
  includeGeneric?: boolean;
  showSecrets?: boolean;
  threads?: string;
  writeClaudeignore?: boolean;
  settings?: string;
  config?: string;
  color?: boolean;
}

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  isTTY: boolean;
}

export async function secretsCommand(path: string, options: SecretsCliOptions, io: Io): Promise<number> {
  const format = oneOf(options.format, FORMATS, '--format') as Format;
  const failOn = oneOf(options.failOn, SEVERITIES, '--fail-on') as Severity;
  if (options.history && options.staged) throw new UsageError('--history and --staged cannot be combined');
  if (options.since && !options.history) throw new UsageError('--since goes with --history');
  if (options.settings && !options.writeClaudeignore) throw new UsageError('--settings goes with --write-claudeignore');
  const threads = options.threads === undefined ? undefined : Number(options.threads);
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 64)) throw new UsageError(`--threads must be a whole number from 1 to 64 (got "${options.threads}")`);
  const root = resolve(path);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`${path}: not a directory`);
  const { config } = loadConfig(root, options.config ? resolve(options.config) : undefined);
  const baseline = options.baseline ? readBaseline(resolve(options.baseline)) : undefined;

  const started = performance.now();
  const progress = progressReporter(io);
  const common = { root, includeGeneric: Boolean(options.includeGeneric), showSecrets: Boolean(options.showSecrets), threads, config: config.secrets, baseline, onProgress: progress.update };
  let result: SecretsResult;
  try {
    if (options.history) {
      try {
        result = await runSecrets({ ...common, mode: 'history', since: options.since });
      } catch (error) {
        if (!(error instanceof NotAGitRepository)) throw error;
        // No history to read is not a reason to skip the files that are there.
        io.stderr.write(`cordon: ${error.message}; scanning the working tree instead\n`);
        result = await runSecrets({ ...common, mode: 'tree' });
      }
    } else {
      result = await runSecrets({ ...common, mode: options.staged ? 'staged' : 'tree' });
    }
  } catch (error) {
    if (error instanceof NotAGitRepository) throw new UsageError(error.message);
    throw error;
  } finally {
    progress.done();
  }
  const seconds = (performance.now() - started) / 1000;

  for (const problem of result.stats.problems) io.stderr.write(`cordon: ${problem.path}: ${problem.problem} (${problem.detail})\n`);
  if (options.writeBaseline) {
    const count = writeBaseline(resolve(options.writeBaseline), result.findings);
    io.stderr.write(`cordon: wrote ${count} fingerprints to ${options.writeBaseline}\n`);
  }
  if (options.writeClaudeignore) writeIgnoreFiles(root, result, options.settings ? resolve(options.settings) : undefined, io);

  const { stats } = result;
  const scanned =
    stats.mode === 'tree'
      ? `scanned ${stats.filesScanned} files (${(stats.bytesScanned / 1048576).toFixed(1)} MiB) in ${seconds.toFixed(2)} s; skipped ${stats.skipped.excluded} by rule, ${stats.skipped.large} too large, ${stats.skipped.binary} binary, ${stats.skipped.symlinks} links`
      : `scanned the added lines of ${stats.commitsScanned} ${stats.mode === 'staged' ? 'staged change' : 'commits'} in ${seconds.toFixed(2)} s`;
  const footer = [scanned, ...(options.showSecrets ? ['secrets are shown unmasked (--show-secrets)'] : [])];
  const color = options.color ?? (io.isTTY && !process.env.NO_COLOR && !options.output);
  const text = render(format, { findings: result.findings, rules: result.rules, version: VERSION, command: 'secrets', color, footer, stats });
  if (options.output) writeFileSync(options.output, text);
  else io.stdout.write(text);
  if (options.exitZero) return EXIT.ok;
  return result.findings.some((finding) => !finding.suppressed && atLeast(finding.severity, failOn)) ? EXIT.findings : EXIT.ok;
}

/**
 * Adds the secret files found (and the defaults) to `.claudeignore`, and with `--settings` the
 * matching `Read()` deny rules, since Claude Code itself does not read `.claudeignore`.
 */
function writeIgnoreFiles(root: string, result: SecretsResult, settings: string | undefined, io: Io): void {
  // Secret *files* are hidden; a key pasted into source code must be removed, not hidden from the agent.
  const files = new Set(result.findings.filter((finding) => finding.ruleId.startsWith('secret-file/')).map((finding) => finding.location.path));
  // Only files in the working tree can be ignored; history findings may name files long gone.
  const present = [...files].filter((path) => existsSync(join(root, path)));
  const entries = [...DEFAULT_CLAUDEIGNORE, ...present.map((path) => ({ pattern: patternForSecretFile(path), reason: 'secret found by cordon secrets' }))];
  const ignorePath = join(root, '.claudeignore');
  const update = updateClaudeignore(readIfExists(ignorePath), entries);
  writeFileSync(ignorePath, update.text);
  io.stderr.write(`cordon: .claudeignore: ${update.added.length} patterns added${update.skipped.length ? `, ${update.skipped.length} already decided by your own lines` : ''}\n`);
  if (!settings) return;
  const patterns = entries.map((entry) => entry.pattern).filter((pattern) => !update.skipped.some((skip) => skip.pattern === pattern && skip.cause === 'negated'));
  let merge: ReturnType<typeof mergeDenyRules>;
  try {
    merge = mergeDenyRules(readIfExists(settings), patterns);
  } catch (error) {
    if (error instanceof SettingsMergeError) throw new UsageError(`${settings}:${error.line}:${error.column}: ${error.detail}; the file was not changed`);
    throw error;
  }
  writeFileSync(settings, merge.text);
  io.stderr.write(`cordon: ${settings}: ${merge.added.length} Read() deny rules added\n`);
}

/** A one-line progress counter on a terminal's stderr, shown only for scans that take a moment. */
function progressReporter(io: Io): { update: (done: number, total: number, unit: 'files' | 'commits') => void; done: () => void } {
  const started = Date.now();
  let shown = false;
  if (!io.stderr.isTTY || process.env.CI) return { update: () => {}, done: () => {} };
  return {
    update: (done, total, unit) => {
      if (Date.now() - started < 400) return;
      shown = true;
      io.stderr.write(`\rcordon secrets: ${done}${total ? `/${total}` : ''} ${unit}\u001b[K`);
    },
    done: () => {
      if (shown) io.stderr.write('\r\u001b[K');
    },
  };
}

function readIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}
