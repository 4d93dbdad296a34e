// Resource limits of a run: a cgroup (v2, else v1) for memory and processes when one can be made, else rlimits; the run record says which.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LimitsInForce } from './types.js';

export interface LimitsRequest {
  timeoutSeconds: number;
  memoryBytes?: number;
  maxProcesses: number;
  maxTokens?: number;
}

export interface Limits {
  inForce: LimitsInForce;
  /** Puts a process (and so its future children) under the limits; call before it forks. */
  enter(pid: number): void;
  /** Kills every process still in the cgroup (no-op for rlimits). */
  killAll(): void;
  /** Removes the cgroup. */
  remove(): void;
}

const CGROUP_ROOT = '/sys/fs/cgroup';

/** The best mechanism this host allows, set up and empty; nothing is limited until enter(). */
export function prepareLimits(request: LimitsRequest, runId: string): Limits {
  const base = { timeoutSeconds: request.timeoutSeconds, ...(request.memoryBytes ? { memoryBytes: request.memoryBytes } : {}), maxProcesses: request.maxProcesses, ...(request.maxTokens ? { maxTokens: request.maxTokens } : {}) };
  const notes: string[] = [];
  try {
    const v2 = cgroupV2(request, runId);
    if (v2) return { ...v2, inForce: { mechanism: 'cgroup-v2', ...base } };
  } catch (error) {
    notes.push(`cgroup v2: ${(error as Error).message}`);
  }
  try {
    const v1 = cgroupV1(request, runId);
    if (v1) return { ...v1, inForce: { mechanism: 'cgroup-v1', ...base, ...(notes.length ? { note: notes.join('; ') } : {}) } };
  } catch (error) {
    notes.push(`cgroup v1: ${(error as Error).message}`);
  }
  notes.push('per-process rlimits only: RLIMIT_NPROC does not bind a sandbox whose uid maps to root, and memory is limited per process (address space)');
  return {
    inForce: { mechanism: 'rlimit', ...base, note: notes.join('; ') },
    enter: (pid) => applyRlimits(pid, request),
    killAll: () => undefined,
    remove: () => undefined,
  };
}

/** This process's own cgroup path in a hierarchy, from /proc/self/cgroup (`0::/path` for v2, `N:controller:/path` for v1). */
function ownCgroup(controller: string | undefined): string | undefined {
  const lines = readFileSync('/proc/self/cgroup', 'utf8').split('\n');
  for (const line of lines) {
    const [id, controllers, path] = line.split(':');
    if (path === undefined) continue;
    if (controller === undefined ? id === '0' && controllers === '' : controllers!.split(',').includes(controller)) return path;
  }
  return undefined;
}

type Mechanism = Omit<Limits, 'inForce'>;

function cgroupV2(request: LimitsRequest, runId: string): Mechanism | undefined {
  const mount = existsSync(join(CGROUP_ROOT, 'cgroup.controllers')) ? CGROUP_ROOT : existsSync(join(CGROUP_ROOT, 'unified', 'cgroup.controllers')) ? join(CGROUP_ROOT, 'unified') : undefined;
  const own = ownCgroup(undefined);
  if (!mount || own === undefined) return undefined;
  const parent = join(mount, own);
  const available = readFileSync(join(parent, 'cgroup.controllers'), 'utf8').trim().split(/\s+/);
  const wanted = ['pids', ...(request.memoryBytes ? ['memory'] : [])];
  const missing = wanted.filter((c) => !available.includes(c));
  if (missing.length > 0) throw new Error(`controllers ${missing.join(', ')} not delegated here`);
  const enabled = readFileSync(join(parent, 'cgroup.subtree_control'), 'utf8').trim().split(/\s+/);
  for (const controller of wanted) if (!enabled.includes(controller)) writeFileSync(join(parent, 'cgroup.subtree_control'), `+${controller}`);
  const dir = join(parent, `cordon-${runId}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'pids.max'), String(request.maxProcesses));
  if (request.memoryBytes) {
    writeFileSync(join(dir, 'memory.max'), String(request.memoryBytes));
    if (existsSync(join(dir, 'memory.swap.max'))) writeFileSync(join(dir, 'memory.swap.max'), '0');
  }
  return {
    enter: (pid) => writeFileSync(join(dir, 'cgroup.procs'), String(pid)),
    killAll: () => {
      if (existsSync(join(dir, 'cgroup.kill'))) writeFileSync(join(dir, 'cgroup.kill'), '1');
      else killListed(join(dir, 'cgroup.procs'));
    },
    remove: () => removeWhenEmpty(dir),
  };
}

function cgroupV1(request: LimitsRequest, runId: string): Mechanism | undefined {
  const dirs: string[] = [];
  const make = (controller: string): string => {
    const own = ownCgroup(controller);
    const mount = join(CGROUP_ROOT, controller);
    if (own === undefined || !existsSync(join(mount, 'cgroup.procs'))) throw new Error(`no ${controller} hierarchy`);
    const dir = join(mount, own, `cordon-${runId}`);
    mkdirSync(dir);
    dirs.push(dir);
    return dir;
  };
  try {
    const pids = make('pids');
    writeFileSync(join(pids, 'pids.max'), String(request.maxProcesses));
    if (request.memoryBytes) {
      const memory = make('memory');
      writeFileSync(join(memory, 'memory.limit_in_bytes'), String(request.memoryBytes));
      // Without a swap limit the sandbox could page its way past the memory limit.
      if (existsSync(join(memory, 'memory.memsw.limit_in_bytes'))) writeFileSync(join(memory, 'memory.memsw.limit_in_bytes'), String(request.memoryBytes));
    }
  } catch (error) {
    for (const dir of dirs) removeWhenEmpty(dir);
    throw error;
  }
  return {
    enter: (pid) => {
      for (const dir of dirs) writeFileSync(join(dir, 'cgroup.procs'), String(pid));
    },
    killAll: () => killListed(join(dirs[0]!, 'cgroup.procs')),
    remove: () => {
      for (const dir of dirs) removeWhenEmpty(dir);
    },
  };
}

/** SIGKILL every listed process until the list stays empty (a fork bomb keeps refilling it for a moment). */
function killListed(procs: string): void {
  for (let round = 0; round < 50; round++) {
    let pids: number[];
    try {
      pids = readFileSync(procs, 'utf8').split('\n').filter(Boolean).map(Number);
    } catch {
      return;
    }
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

function removeWhenEmpty(dir: string): void {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      rmdirSync(dir);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      // EBUSY while the last processes are still exiting: wait a moment (teardown is synchronous).
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
    }
  }
}

/** util-linux prlimit on the running process: processes, address space, core dumps. */
function applyRlimits(pid: number, request: LimitsRequest): void {
  const args = ['--pid', String(pid), `--nproc=${request.maxProcesses}`, '--core=0'];
  if (request.memoryBytes) args.push(`--as=${request.memoryBytes}`);
  const result = spawnSync('prlimit', args, { stdio: 'ignore' });
  if (result.status !== 0) throw new Error('prlimit failed: no resource limits could be set');
}
