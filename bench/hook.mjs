// Benchmarks `cordon hook pre-tool-use` on a typical Bash payload against an empty Node hook that only reads stdin, interleaved in the same run.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, table } from './lib.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The package's bin, as `npm install` links it and `cordon hooks install` writes it into the settings. */
const BIN = join(REPO, JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).bin.cordon);
/** Issue 3: the hook's median wall time at most 1.3 times that of a Node process that only reads stdin. */
const TARGET_RATIO = 1.3;
const COMMAND = 'git diff --stat && npm test -- --run src/foo.test.ts';
const EMPTY_HOOK = ['-e', 'require("fs").readFileSync(0)'];

// ---------------------------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const options = { runs: 40, warmup: 3, keep: false, cli: BIN };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--keep') options.keep = true;
    else if (flag === '--cli') options.cli = resolve(inline ?? argv[++i] ?? '');
    else if (flag === '--runs' || flag === '--warmup') {
      const raw = inline ?? argv[++i];
      const value = Number(raw);
      const min = flag === '--runs' ? 1 : 0;
      if (!Number.isInteger(value) || value < min) throw new Error(`${flag} needs an integer >= ${min} (got ${raw === undefined ? 'nothing' : JSON.stringify(raw)})`);
      options[flag.slice(2)] = value;
    } else if (flag === '--help' || flag === '-h') {
      process.stdout.write('usage: node bench/hook.mjs [--runs N] [--warmup N] [--cli FILE (default: the package bin)] [--keep]\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${JSON.stringify(arg)} (expected --runs N, --warmup N, --cli FILE, --keep)`);
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// The world the hook runs in

/** A small git repository with a cordon.yml (so the policy file is read and validated on every call) and the file the command names. */
function makeRepo(dir) {
  const write = (relative, text) => {
    const path = join(dir, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  };
  write('package.json', `${JSON.stringify({ name: 'bench-hook-repo', private: true, scripts: { test: 'vitest' } }, null, 2)}\n`);
  write('src/foo.ts', 'export const foo = (n: number): number => n + 1;\n');
  write('src/foo.test.ts', "import { expect, test } from 'vitest';\nimport { foo } from './foo';\ntest('foo', () => expect(foo(1)).toBe(2));\n");
  write(
    'cordon.yml',
    [
      'version: 1',
      'policy:',
      '  role: implement',
      '  write-scope: ["src/**", "test/**"]',
      '  secret-paths: ["config/credentials.json"]',
      '  allowed-domains: [nodejs.org, "*.github.com"]',
      '  decisions:',
      '    package-install: ask',
      '',
    ].join('\n'),
  );
  write('.claudeignore', 'secrets/\n*.p12\n');
  const git = (...args) => execFileSync('git', ['-C', dir, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  git('-c', 'init.defaultBranch=main', 'init', '-q');
  git('add', '-A');
}

/** What Claude Code 2.1 writes to a PreToolUse hook's stdin for a Bash call. */
function payload(repo) {
  return JSON.stringify({
    session_id: '7c0e5a3e-2f4b-4a8e-9a51-3b1f0b0c9d21',
    transcript_path: join(os.homedir(), '.claude/projects/-repo/7c0e5a3e-2f4b-4a8e-9a51-3b1f0b0c9d21.jsonl'),
    cwd: repo,
    permission_mode: 'default',
    hook_event_name: 'PreToolUse',
    tool_name: 'Bash',
    tool_input: { command: COMMAND, description: 'Show the diff and run the foo tests' },
    tool_use_id: 'toolu_01AbCdEfGhIjKlMnOpQrStUv',
  });
}

// ---------------------------------------------------------------------------------------------
// Measuring

function runOnce(args, options) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { ...options, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error) throw new Error(`could not run ${args.join(' ')}: ${result.error.message}`);
  return { ms, status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function lineCount(file) {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
}

// ---------------------------------------------------------------------------------------------

function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!existsSync(options.cli)) throw new Error(`${options.cli} not found; run \`npm run build\` first (npm run bench:hook does)`);
  const scratch = mkdtempSync(join(os.tmpdir(), 'cordon-bench-hook-'));
  try {
    const repo = join(scratch, 'repo');
    mkdirSync(repo);
    makeRepo(repo);
    const log = join(scratch, 'state', 'audit.jsonl');
    const input = payload(repo);
    // The same small environment for both, and none of the caller's NODE_* variables: NODE_EXTRA_CA_CERTS
    // alone adds about 50 ms to every Node start (flattering the ratio), and V8 flags in NODE_OPTIONS make
    // V8 refuse the hook's code cache. CORDON_LOG keeps the log outside the repository and the user's state.
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? os.homedir(), CORDON_LOG: log, CLAUDE_PROJECT_DIR: repo };
    const spawnOptions = { cwd: repo, env, input };
    const hook = [options.cli, 'hook', 'pre-tool-use'];

    const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    console.log(`node ${process.version}, ${cores} cores (${os.cpus()[0]?.model ?? 'unknown cpu'}), ${options.warmup} warm-up + ${options.runs} interleaved runs each`);
    console.log(`hook: ${options.cli} (environment: PATH, HOME, CORDON_LOG, CLAUDE_PROJECT_DIR only)`);
    console.log(`payload: Bash ${JSON.stringify(COMMAND)}, cwd ${repo} (git repository with cordon.yml), log ${log}`);

    // The hook must allow this call and record it: timing a deny, or a run that failed to log, would measure the wrong path.
    const check = (run, before) => {
      if (run.status !== 0 || run.signal) throw new Error(`the hook did not allow the call (${run.signal ? `signal ${run.signal}` : `exit ${run.status}`})\n${run.stderr.trim() || '(no stderr)'}`);
      if (lineCount(log) !== before + 1) throw new Error(`the hook exited 0 but did not append one record to ${log}`);
    };
    for (let i = 0; i < options.warmup; i++) {
      const before = lineCount(log);
      check(runOnce(hook, spawnOptions), before);
      runOnce(EMPTY_HOOK, spawnOptions);
    }
    const times = { hook: [], empty: [] };
    for (let i = 0; i < options.runs; i++) {
      // Alternating which goes first keeps a slow moment of the machine from landing on one side only.
      const order = i % 2 === 0 ? ['hook', 'empty'] : ['empty', 'hook'];
      for (const which of order) {
        if (which === 'hook') {
          const before = lineCount(log);
          const run = runOnce(hook, spawnOptions);
          check(run, before);
          times.hook.push(run.ms);
        } else {
          const run = runOnce(EMPTY_HOOK, spawnOptions);
          if (run.status !== 0) throw new Error(`the empty hook failed: ${run.stderr.trim()}`);
          times.empty.push(run.ms);
        }
      }
    }

    const stats = (values) => ({ median: median(values), p95: percentile(values, 95), min: Math.min(...values) });
    const hookStats = stats(times.hook);
    const emptyStats = stats(times.empty);
    const ratio = hookStats.median / emptyStats.median;
    const ms = (value) => `${value.toFixed(1)} ms`;
    console.log('');
    console.log(
      table([
        ['process', 'median', 'p95', 'min'],
        ['cordon hook pre-tool-use (Bash)', ms(hookStats.median), ms(hookStats.p95), ms(hookStats.min)],
        [`node ${EMPTY_HOOK.join(' ')}`, ms(emptyStats.median), ms(emptyStats.p95), ms(emptyStats.min)],
        ['difference', ms(hookStats.median - emptyStats.median), ms(hookStats.p95 - emptyStats.p95), ms(hookStats.min - emptyStats.min)],
      ]),
    );
    console.log('');
    console.log(
      table([
        ['metric', 'value', 'target', 'result'],
        ['median ratio, hook / empty hook', `${ratio.toFixed(2)}x`, `<= ${TARGET_RATIO}x`, ratio <= TARGET_RATIO ? 'PASS' : 'MISS'],
        ['p95 ratio, hook / empty hook', `${(hookStats.p95 / emptyStats.p95).toFixed(2)}x`, '', ''],
      ]),
    );
  } finally {
    if (options.keep) console.log(`\nkept ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  process.stderr.write(`bench:hook: error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
