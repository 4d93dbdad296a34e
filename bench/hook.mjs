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

/** The PreToolUse handler `cordon hooks install` writes, as [command, ...args]. */
function installedHook(cli, settings, env) {
  const installed = spawnSync(process.execPath, [cli, 'hooks', 'install', '--settings', settings], { env, encoding: 'utf8' });
  if (installed.status !== 0) throw new Error(`cordon hooks install failed: ${installed.stderr.trim()}`);
  const handler = JSON.parse(readFileSync(settings, 'utf8')).hooks.PreToolUse[0].hooks[0];
  return [handler.command, ...handler.args];
}

/** Asks the hook server in `socketDir` for its pid (the relay's status request), so the bench can stop it. */
async function serverPid(socketDir) {
  const { connect } = await import('node:net');
  const { readdirSync } = await import('node:fs');
  const sockets = existsSync(socketDir) ? readdirSync(socketDir).filter((name) => name.endsWith('.sock')) : [];
  const pids = await Promise.all(
    sockets.map(
      (name) =>
        new Promise((done) => {
          const chunks = [];
          const c = connect(join(socketDir, name));
          c.on('data', (d) => chunks.push(d));
          c.on('error', () => done(undefined));
          c.on('close', () => {
            try {
              done(JSON.parse(Buffer.concat(chunks).toString('utf8')).pid);
            } catch {
              done(undefined);
            }
          });
          c.end(JSON.stringify({ v: 1, op: 'status' }));
        }),
    ),
  );
  return pids.filter((pid) => typeof pid === 'number');
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!existsSync(options.cli)) throw new Error(`${options.cli} not found; run \`npm run build\` first (npm run bench:hook does)`);
  const scratch = mkdtempSync(join(os.tmpdir(), 'cordon-bench-hook-'));
  // The bench's own TMPDIR: its hook server gets a socket directory of its own and is stopped at the end.
  const tmp = join(scratch, 'tmp');
  mkdirSync(tmp);
  const socketDir = join(tmp, `cordon-${process.getuid()}`);
  try {
    const repo = join(scratch, 'repo');
    mkdirSync(repo);
    makeRepo(repo);
    const log = join(scratch, 'state', 'audit.jsonl');
    const input = payload(repo);
    // The same small environment for all, and none of the caller's NODE_* variables: NODE_EXTRA_CA_CERTS
    // alone adds about 50 ms to every Node start (flattering the ratio), and V8 flags in NODE_OPTIONS make
    // V8 refuse the hook's code cache. CORDON_LOG keeps the log outside the repository and the user's state.
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? os.homedir(), TMPDIR: tmp, CORDON_LOG: log, CLAUDE_PROJECT_DIR: repo };
    const [command, ...args] = installedHook(options.cli, join(scratch, 'settings.json'), env);
    if (command !== process.execPath) throw new Error(`the installed hook runs ${command}, not this Node (${process.execPath})`);
    const variants = {
      served: { args, env },
      inProcess: { args, env: { ...env, CORDON_HOOK_SERVER: 'off' } },
      empty: { args: EMPTY_HOOK, env },
    };
    const runVariant = (which) => runOnce(variants[which].args, { cwd: repo, env: variants[which].env, input });

    const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    console.log(`node ${process.version}, ${cores} cores (${os.cpus()[0]?.model ?? 'unknown cpu'}), ${options.warmup} warm-up + ${options.runs} interleaved runs each`);
    console.log(`hook: the PreToolUse handler \`cordon hooks install\` writes (node -e <relay client> ${options.cli} hook pre-tool-use)`);
    console.log('environment: PATH, HOME, TMPDIR, CORDON_LOG, CLAUDE_PROJECT_DIR only');
    console.log(`payload: Bash ${JSON.stringify(COMMAND)}, cwd ${repo} (git repository with cordon.yml), log ${log}`);

    // The hook must allow this call and record it: timing a deny, or a run that failed to log, would measure the wrong path.
    const checked = (which) => {
      const before = lineCount(log);
      const run = runVariant(which);
      if (which === 'empty') {
        if (run.status !== 0) throw new Error(`the empty hook failed: ${run.stderr.trim()}`);
        return run;
      }
      if (run.status !== 0 || run.signal) throw new Error(`the hook did not allow the call (${run.signal ? `signal ${run.signal}` : `exit ${run.status}`})\n${run.stderr.trim() || '(no stderr)'}`);
      if (lineCount(log) !== before + 1) throw new Error(`the hook exited 0 but did not append one record to ${log}`);
      return run;
    };
    // The first call finds no server: it decides in-process and starts one.
    const first = checked('served');
    for (let waited = 0; (await serverPid(socketDir)).length === 0; waited += 50) {
      if (waited > 10_000) throw new Error('no hook server answered 10 s after the first call');
      await new Promise((done) => setTimeout(done, 50));
    }
    for (let i = 0; i < options.warmup; i++) for (const which of Object.keys(variants)) checked(which);
    const times = { served: [], inProcess: [], empty: [] };
    for (let i = 0; i < options.runs; i++) {
      // Rotating which goes first keeps a slow moment of the machine from landing on one side only.
      const order = Object.keys(variants);
      for (let k = 0; k < order.length; k++) {
        const which = order[(i + k) % order.length];
        times[which].push(checked(which).ms);
      }
    }
    const served = await serverPid(socketDir);
    if (served.length !== 1) throw new Error(`expected one hook server, found ${served.length}`);

    const stats = (values) => ({ median: median(values), p95: percentile(values, 95), min: Math.min(...values) });
    const s = { served: stats(times.served), inProcess: stats(times.inProcess), empty: stats(times.empty) };
    const ms = (value) => `${value.toFixed(1)} ms`;
    const row = (label, x) => [label, ms(x.median), ms(x.p95), ms(x.min), `${(x.median / s.empty.median).toFixed(2)}x`];
    console.log('');
    console.log(
      table([
        ['process', 'median', 'p95', 'min', 'median / empty'],
        row('cordon hook, relayed to the hook server', s.served),
        row('cordon hook, in-process (CORDON_HOOK_SERVER=off)', s.inProcess),
        row(`node ${EMPTY_HOOK.join(' ')}`, s.empty),
      ]),
    );
    console.log(`first call (no server yet: decides in-process and starts one): ${ms(first.ms)}`);
    const ratio = s.served.median / s.empty.median;
    console.log('');
    console.log(
      table([
        ['metric', 'value', 'target', 'result'],
        ['median ratio, installed hook / empty hook', `${ratio.toFixed(2)}x`, `<= ${TARGET_RATIO}x`, ratio <= TARGET_RATIO ? 'PASS' : 'MISS'],
        ['p95 ratio, installed hook / empty hook', `${(s.served.p95 / s.empty.p95).toFixed(2)}x`, '', ''],
      ]),
    );
    for (const pid of served) process.kill(pid);
  } finally {
    for (const pid of await serverPid(socketDir).catch(() => [])) process.kill(pid);
    if (options.keep) console.log(`\nkept ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (error) {
  process.stderr.write(`bench:hook: error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
