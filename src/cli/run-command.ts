// `cordon run [options] -- COMMAND [ARGS...]`: the command in a sandbox; its exit status, or 2 when the sandbox cannot be made.

import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appendRecord } from '../auditlog/append.js';
import { logPath } from '../auditlog/location.js';
import { ROLES, type Role } from '../config/policy-schema.js';
import { domainPatternProblem, parseSize } from '../config/sandbox-schema.js';
import { EXIT, UsageError } from '../core/errors.js';
import { loadHookPolicy } from '../hook/load-policy.js';
import { findOnPath } from '../sandbox/bwrap.js';
import { SandboxUnavailableError } from '../sandbox/preflight.js';
import { repositoryOf, runSandboxed } from '../sandbox/run.js';
import type { NetworkAttempt } from '../sandbox/types.js';

export interface RunOptions {
  role?: string;
  policy?: string;
  allowDomain?: string[];
  mountRo?: string[];
  env?: string[];
  timeout?: string;
  memory?: string;
  maxTokens?: string;
  maxProcesses?: string;
  log?: string;
  record?: string;
  unsafeNoSandbox?: boolean;
}

interface Io {
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export async function runCommand(command: string[], options: RunOptions, io: Io): Promise<number> {
  if (command.length === 0) throw new UsageError('cordon run needs a command after --, e.g. cordon run -- claude -p "…"');
  if (options.role !== undefined && !ROLES.includes(options.role as Role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}, not ${JSON.stringify(options.role)}`);
  // A broken policy stops the run here, before anything starts (ConfigError: file:line:column, exit 2).
  const loaded = loadHookPolicy(io.cwd, options.policy, io.env, options.role as Role | undefined);
  const sandbox = loaded.config.sandbox;
  const repo = repositoryOf(io.cwd);

  const domains = [...sandbox['allowed-domains'], ...(options.allowDomain ?? [])];
  for (const domain of options.allowDomain ?? []) {
    const problem = domainPatternProblem(domain);
    if (problem) throw new UsageError(`--allow-domain ${JSON.stringify(domain)}: ${problem}`);
  }
  const timeout = options.timeout === undefined ? sandbox.timeout : positiveInt('--timeout', options.timeout);
  const memoryText = options.memory ?? (sandbox.memory === undefined ? undefined : String(sandbox.memory));
  const memoryBytes = memoryText === undefined ? undefined : parseSize(memoryText);
  if (memoryText !== undefined && memoryBytes === undefined) throw new UsageError(`--memory ${JSON.stringify(memoryText)}: expected a size like 512M or 4G`);
  const maxTokens = options.maxTokens === undefined ? sandbox['max-tokens'] : positiveInt('--max-tokens', options.maxTokens);
  const maxProcesses = options.maxProcesses === undefined ? sandbox['max-processes'] : positiveInt('--max-processes', options.maxProcesses);

  const log = logPath(options.log, io.env, repo);
  // Claude Code under a configured policy gets cordon's hooks, decided out here (see sandbox/run.ts).
  const configured = loaded.source !== undefined || options.role !== undefined || options.policy !== undefined;
  const guarded = configured && isClaudeCode(command[0]!, io.env.PATH);
  const guardArgs = ['--log', log, ...(loaded.source ? ['--policy', loaded.source] : []), ...(options.role ? ['--role', options.role] : [])];
  const onNetwork = (attempt: NetworkAttempt): void => {
    appendRecord(log, {
      session: `run-${process.pid}`,
      event: 'network',
      decision: attempt.allowed ? 'allow' : 'deny',
      rule: attempt.reason,
      reason: `${attempt.kind} ${attempt.host}:${attempt.port} ${attempt.allowed ? 'allowed' : 'refused'} (${attempt.bytesOut} bytes out, ${attempt.bytesIn} in)`,
      input: { host: attempt.host, port: attempt.port, ...(attempt.method ? { method: attempt.method, path: attempt.path } : {}) },
    });
  };

  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => controller.abort(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  try {
    const { exitCode, record } = await runSandboxed(
      {
        command,
        cwd: io.cwd,
        role: loaded.policy.role,
        repoWritable: loaded.policy.repo === 'read-write',
        protectedPaths: loaded.policy.protectedPaths,
        egress: { allowedDomains: domains, allowPrivate: sandbox['allow-private'] },
        mountReadOnly: [...sandbox['mount-ro'], ...(options.mountRo ?? [])].map((p) => resolve(io.cwd, p)),
        envNames: [...sandbox.env, ...(options.env ?? [])],
        limits: { timeoutSeconds: timeout, ...(memoryBytes ? { memoryBytes } : {}), maxProcesses, ...(maxTokens ? { maxTokens } : {}) },
        uid: sandbox.uid,
        hostEnv: io.env,
        initScript: sandboxInitScript(),
        unsafeNoSandbox: Boolean(options.unsafeNoSandbox),
        onNetwork,
        ...(guarded ? { guard: { args: guardArgs, env: credentialEnv(io.env) } } : {}),
      },
      controller.signal,
    );
    const recordPath = options.record ? resolve(io.cwd, options.record) : defaultRecordPath(io.env);
    mkdirSync(dirname(recordPath), { recursive: true });
    writeFileSync(recordPath, `${JSON.stringify(record, null, 2)}\n`);
    if (record.ended === 'timeout') io.stderr.write(`cordon run: timed out after ${timeout} s; the sandbox was killed\n`);
    if (record.ended === 'cancelled') io.stderr.write('cordon run: cancelled; the sandbox was killed\n');
    for (const change of record.protectedChanges) io.stderr.write(`cordon run: protected path changed: ${change.path} (${change.change})\n`);
    for (const link of record.escapingSymlinks) io.stderr.write(`cordon run: symlink out of the repository: ${link.path} -> ${link.target}\n`);
    io.stderr.write(`cordon run: record ${recordPath}\n`);
    return exitCode;
  } catch (error) {
    if (error instanceof SandboxUnavailableError) {
      io.stderr.write(`cordon run: ${error.message}\nFix it with:\n${error.fixes.map((fix) => `  ${fix}`).join('\n')}\nor run unsandboxed, knowingly, with --unsafe-no-sandbox.\n`);
      return EXIT.usage;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
}

/** `claude`, or a path that resolves into the @anthropic-ai/claude-code package. */
function isClaudeCode(program: string, searchPath: string | undefined): boolean {
  if (basename(program) === 'claude') return true;
  const found = program.includes('/') ? program : findOnPath(program, searchPath);
  try {
    return found !== undefined && realpathSync(found).includes(`${sep}@anthropic-ai${sep}claude-code`);
  } catch {
    return false;
  }
}

/** The host's model credentials, so the hooks mask them in the log and flag them in tool output should one ever appear. */
function credentialEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const names = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN'];
  return Object.fromEntries(names.flatMap((name) => (env[name] ? [[name, env[name]!]] : [])));
}

/** dist/sandbox-init.cjs: next to this file's chunk's parent when bundled (dist/chunks/), or one up from dist/cli/. */
function sandboxInitScript(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'sandbox-init.cjs'), join(here, '..', 'sandbox-init.cjs')];
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`sandbox-init.cjs not found next to ${here}: run npm run build`);
  return found;
}

function positiveInt(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(`${flag} needs a positive integer, not ${JSON.stringify(text)}`);
  return value;
}

function defaultRecordPath(env: NodeJS.ProcessEnv): string {
  const state = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(env.HOME || homedir(), '.local', 'state');
  return join(state, 'cordon', 'runs', `run-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}.json`);
}
