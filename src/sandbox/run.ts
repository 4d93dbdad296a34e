// `cordon run`: sets up the sandbox and its supervisors (egress proxy, model broker), runs the command, tears everything down and writes the run record.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { HOME_INSIDE, RUN_DIR_INSIDE, installationOf, isInside, planBwrap, privateSystemEntries } from './bwrap.js';
import type { ModelBroker } from './broker.js';
import { brokerCredential, sandboxModelEnv } from './credential.js';
import { proxyVariables, sandboxEnv } from './env.js';
import { BRIDGES_VARIABLE, signalNumber } from './init.js';
import { prepareLimits, type Limits, type LimitsRequest } from './limits.js';
import { diagnoseBwrapFailure, findBwrap } from './preflight.js';
import { seccompFilter } from './seccomp.js';
import { startEgressProxy, type EgressProxy } from './proxy.js';
import type { Server } from 'node:net';
import { HOOK_SOCKET_VARIABLE } from '../hook/socket.js';
import { diffSnapshots, escapingSymlinks, protectedChanges, snapshot } from './snapshot.js';
import type { EgressPolicy, NetworkAttempt, RunRecord } from './types.js';

/** Fixed inside: the sandbox has its own network namespace, so nothing else can hold these ports. */
export const PROXY_PORT = 3128;
export const MODEL_PORT = 3129;
/** Seconds between SIGTERM and SIGKILL when a run is cancelled or times out. */
const GRACE_MS = 2_000;

export interface RunRequest {
  command: readonly string[];
  /** Where the command starts; its repository (git top level, else this directory) is what the sandbox sees. */
  cwd: string;
  role: string;
  repoWritable: boolean;
  protectedPaths: readonly string[];
  egress: EgressPolicy;
  mountReadOnly: readonly string[];
  envNames: readonly string[];
  limits: LimitsRequest;
  uid: number;
  hostEnv: NodeJS.ProcessEnv;
  /** The built sandbox init (dist/sandbox-init.cjs). */
  initScript: string;
  unsafeNoSandbox?: boolean;
  /** Told about each network attempt as it ends (the audit log). */
  onNetwork?: (attempt: NetworkAttempt) => void;
  /** Told once the sandbox is up, with bwrap's pid (tests signal cordon itself instead). */
  onStarted?: (pid: number) => void;
  /**
   * Claude Code under a policy: its hooks are installed through a read-only settings file and relayed to
   * a hook server in this process, outside the sandbox. `args` are the hook options (policy, role, log),
   * `env` overrides what the hook sees of the caller's environment.
   */
  guard?: { args: readonly string[]; env: Readonly<Record<string, string>> };
}

export interface RunOutcome {
  exitCode: number;
  record: RunRecord;
}

/** The repository a run is about: the git top level above `cwd`, else `cwd` itself; symlinks resolved. */
export function repositoryOf(cwd: string): string {
  let dir = realpathSync(cwd);
  for (;;) {
    if (existsSync(join(dir, '.git'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return realpathSync(cwd);
    dir = parent;
  }
}

export async function runSandboxed(request: RunRequest, signals: AbortSignal): Promise<RunOutcome> {
  const startedAt = new Date();
  const repo = repositoryOf(request.cwd);
  const cwd = realpathSync(request.cwd);
  if (!isInside(repo, cwd)) throw new Error(`${request.cwd} is not inside ${repo}`);
  const bwrap = request.unsafeNoSandbox ? undefined : findBwrap(request.hostEnv.PATH, request.hostEnv.CORDON_BWRAP);
  const runId = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const runDir = mkdtempSync(join(tmpdir(), 'cordon-run-'));
  chmodSync(runDir, 0o700);
  const inside = join(runDir, 'inside');
  const home = join(runDir, 'home');
  const tmp = join(runDir, 'tmp');
  const empty = join(runDir, 'empty');
  for (const dir of [inside, home, tmp, empty, join(empty, 'dir')]) mkdirSync(dir, { recursive: true });
  // The hook server insists on a private socket directory; the sandbox user maps to this process's uid.
  chmodSync(inside, 0o700);
  writeFileSync(join(empty, 'file'), '');
  chmodSync(join(empty, 'dir'), 0o555);
  chmodSync(join(empty, 'file'), 0o444);
  // The sandbox user owns its home and /tmp; when cordon runs as root the sandbox uid maps to root anyway.
  chmodSync(home, 0o700);
  chmodSync(tmp, 0o1777);
  writeFileSync(join(inside, 'init.cjs'), '');

  const network: NetworkAttempt[] = [];
  let proxy: EgressProxy | undefined;
  let broker: ModelBroker | undefined;
  let hooks: Server | undefined;
  let limits: Limits | undefined;
  let placeholders: string[] = [];
  const before = snapshot(repo);
  let exitCode = 1;
  let ended: RunRecord['ended'];
  const filter = request.unsafeNoSandbox ? undefined : seccompFilter();
  try {
    proxy = await startEgressProxy({
      socketPath: join(inside, 'proxy.sock'),
      policy: request.egress,
      onAttempt: (attempt) => {
        network.push(attempt);
        request.onNetwork?.(attempt);
      },
    });
    const credential = brokerCredential(request.hostEnv);
    // node:http and node:https cost ~15 ms to load: only a run with a model credential pays it.
    if (credential) broker = await (await import('./broker.js')).startModelBroker({ socketPath: join(inside, 'model.sock'), credential, ...(request.limits.maxTokens ? { maxTokens: request.limits.maxTokens } : {}) });

    let command = [...request.command];
    const guardEnv: Record<string, string> = {};
    if (request.guard && !request.unsafeNoSandbox) {
      // The policy engine and the grammar load only for a guarded run: a plain one starts sooner.
      const [{ serveHooks }, { mergeHooks }] = await Promise.all([import('../hook/server.js'), import('../hook/install.js')]);
      hooks = await serveHooks({
        bin: `${RUN_DIR_INSIDE}/cordon.cjs`,
        watched: [],
        socket: join(inside, 'hook.sock'),
        idleMs: (request.limits.timeoutSeconds + 60) * 1000,
        fixed: { args: request.guard.args, env: { ...request.guard.env, CLAUDE_PROJECT_DIR: repo } },
      });
      const settings = mergeHooks(undefined, 'settings.json', { node: process.execPath, script: `${RUN_DIR_INSIDE}/cordon.cjs`, extraArgs: [] }).text;
      writeFileSync(join(inside, 'settings.json'), settings);
      chmodSync(join(inside, 'settings.json'), 0o444);
      guardEnv[HOOK_SOCKET_VARIABLE] = `${RUN_DIR_INSIDE}/hook.sock`;
      // Flag settings outrank the repository's own (a committed disableAllHooks: true loses).
      command = [command[0]!, '--settings', `${RUN_DIR_INSIDE}/settings.json`, ...command.slice(1)];
    }

    const proxyUrl = `http://127.0.0.1:${PROXY_PORT}`;
    const fixed: Record<string, string> = {
      ...guardEnv,
      HOME: request.unsafeNoSandbox ? home : HOME_INSIDE,
      TMPDIR: request.unsafeNoSandbox ? tmp : '/tmp',
      ...proxyVariables(proxyUrl),
      ...(credential ? sandboxModelEnv(credential, MODEL_PORT) : {}),
    };
    const bridges = [`${PROXY_PORT}=${RUN_DIR_INSIDE}/proxy.sock`, ...(broker ? [`${MODEL_PORT}=${RUN_DIR_INSIDE}/model.sock`] : [])].join(',');
    const { env } = sandboxEnv(request.hostEnv, request.envNames, { ...fixed, [BRIDGES_VARIABLE]: bridges });
    limits = prepareLimits(request.limits, runId);

    let child: ChildProcess;
    if (!bwrap) {
      process.stderr.write('cordon run: WARNING --unsafe-no-sandbox: the command runs on the host, unisolated; only the environment is filtered\n');
      const { [BRIDGES_VARIABLE]: _bridges, ...plain } = env;
      child = spawn(command[0]!, command.slice(1), { cwd, env: plain, stdio: 'inherit', detached: true });
    } else {
      const readOnly = [...installationOf(command[0]!, request.hostEnv.PATH), ...installationOf(process.execPath, undefined), ...request.mountReadOnly.map((p) => realpathSync(p))];
      const hidden = process.getuid?.() === 0 ? privateSystemEntries() : [];
      const plan = planBwrap({ repo, repoWritable: request.repoWritable, protectedPaths: request.protectedPaths, home, tmp, runDir: inside, readOnly, cwd, uid: request.uid, env, empty, hidden });
      placeholders = plan.placeholders;
      // The init script is bound over the empty file the run directory holds for it.
      const filterArgs = filter ? ['--seccomp', '5'] : [];
      const args = [...plan.args, '--ro-bind', request.initScript, `${RUN_DIR_INSIDE}/init.cjs`, '--info-fd', '3', '--block-fd', '4', ...filterArgs, '--', process.execPath, `${RUN_DIR_INSIDE}/init.cjs`, '--', ...command];
      // bwrap stays the sandbox's PID 1, and /proc/1/environ is readable inside: it gets no environment
      // of ours (--clearenv and --setenv build the command's).
      child = spawn(bwrap, args, { stdio: ['inherit', 'inherit', 'pipe', 'pipe', 'pipe', 'pipe'], detached: true, env: {} });
      // bwrap reads the filter program to its end before it runs anything.
      ((child.stdio as readonly unknown[])[5] as NodeJS.WritableStream).end(filter?.program ?? Buffer.alloc(0));
    }

    // bwrap closes its ends of the sync pipes as it pleases: those errors are not the run's.
    for (const stream of child.stdio.slice(2)) stream?.on('error', () => undefined);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const failedToSpawn = new Promise<Error>((resolve) => child.on('error', resolve));
    let stderrTail = '';
    if (bwrap) {
      // bwrap's own stderr is the command's too: passed through, the tail kept to diagnose a failed set-up.
      child.stderr!.on('data', (chunk: Buffer) => {
        process.stderr.write(chunk);
        stderrTail = (stderrTail + chunk.toString('utf8')).slice(-4096);
      });
      const info = await readInfo(child);
      if (!info) {
        await exited;
        throw diagnoseBwrapFailure(stderrTail);
      }
      // The sandbox's first process, before it runs anything: all it starts inherits the cgroup. (The
      // outer bwrap only waits; every write to a v1 cgroup costs milliseconds.)
      limits.enter(info);
      (child.stdio[4] as NodeJS.WritableStream).end('go');
    } else {
      limits.enter(child.pid!);
    }
    request.onStarted?.(child.pid!);

    const stop = (why: 'timeout' | 'cancelled'): void => {
      if (ended) return;
      ended = why;
      killTree(child, 'SIGTERM');
      setTimeout(() => {
        killTree(child, 'SIGKILL');
        limits?.killAll();
      }, GRACE_MS).unref();
    };
    const timer = setTimeout(() => stop('timeout'), request.limits.timeoutSeconds * 1000);
    const onAbort = (): void => stop('cancelled');
    signals.addEventListener('abort', onAbort);
    const result = await Promise.race([exited, failedToSpawn.then((error) => ({ code: 127, signal: null, error }))]);
    clearTimeout(timer);
    signals.removeEventListener('abort', onAbort);
    if ('error' in result) process.stderr.write(`cordon run: cannot start ${bwrap ?? request.command[0]}: ${(result.error as Error).message}\n`);
    exitCode = result.code ?? 128 + signalNumber(result.signal);
    // A run cut short never looks like a success, whatever the command managed to return.
    if (ended === 'timeout') exitCode = 124;
    else if (ended === 'cancelled' && exitCode < 128) exitCode = 128 + signalNumber(signals.reason as NodeJS.Signals);
    else if (!ended && result.signal) ended = 'signal';
  } finally {
    limits?.killAll();
    limits?.remove();
    await proxy?.close();
    await broker?.close();
    if (hooks) await new Promise<void>((resolve) => hooks!.close(() => resolve()));
    for (const path of placeholders) removePlaceholder(path);
    rmSync(runDir, { recursive: true, force: true });
  }
  const after = snapshot(repo);
  const changes = diffSnapshots(before, after);
  const record: RunRecord = {
    version: 1,
    command: [...request.command],
    role: request.role,
    repo,
    sandboxed: !request.unsafeNoSandbox,
    ...(request.unsafeNoSandbox ? { unsafe: '--unsafe-no-sandbox: the command ran on the host without isolation' } : {}),
    limits: limits!.inForce,
    seccomp: filter ? { denied: filter.denied } : { unavailable: request.unsafeNoSandbox ? 'no sandbox' : `no filter written for ${process.arch}` },
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    exitCode,
    ...(ended ? { ended } : {}),
    network,
    ...(broker ? { tokens: broker.usage() } : {}),
    changes,
    protectedChanges: protectedChanges(changes, request.protectedPaths),
    escapingSymlinks: escapingSymlinks(repo, after),
  };
  return { exitCode, record };
}

/** bwrap's --info-fd JSON (`{"child-pid": N}`), or undefined when it exits before writing it. */
function readInfo(child: ChildProcess): Promise<number | undefined> {
  return new Promise((resolve) => {
    let text = '';
    const stream = child.stdio[3] as NodeJS.ReadableStream;
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
      const match = /"child-pid"\s*:\s*(\d+)/.exec(text);
      if (match) resolve(Number(match[1]));
    });
    stream.on('end', () => resolve(undefined));
    stream.on('error', () => resolve(undefined));
  });
}

function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    // The child leads its own process group (detached): the group goes, helpers included.
    process.kill(-child.pid!, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // gone
    }
  }
}

/** A stand-in bwrap created for a missing protected path: removed only while it is still an empty file or directory. */
function removePlaceholder(path: string): void {
  try {
    const stat = statSync(path);
    if (stat.isDirectory() && readdirSync(path).length === 0) rmdirSync(path);
    else if (stat.isFile() && stat.size === 0) unlinkSync(path);
  } catch {
    // already gone
  }
}
