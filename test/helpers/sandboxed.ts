// A scratch repository and host around `cordon run`: canaries outside the sandbox, loopback sinks, and a runner that returns the run record.

import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './cli.js';

export const BIN = join(ROOT, 'dist', 'cordon.cjs');

export interface SandboxWorld {
  base: string;
  repo: string;
  /** A stand-in for the host's home: never mounted into the sandbox. */
  hostHome: string;
  /** A host directory outside the repository, for write attempts. */
  outside: string;
  canary: string;
  log: string;
}

export function makeWorld(files: Record<string, string> = {}): SandboxWorld {
  const base = mkdtempSync(join(tmpdir(), 'cordon-sandboxed-'));
  const repo = join(base, 'repo');
  const hostHome = join(base, 'hosthome');
  const outside = join(base, 'outside');
  const canary = `canary-${randomBytes(12).toString('hex')}`;
  for (const dir of [repo, join(hostHome, '.ssh'), join(hostHome, '.aws'), outside]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(hostHome, '.ssh', 'id_rsa'), `${canary}\n`);
  writeFileSync(join(hostHome, '.aws', 'credentials'), `[default]\naws_secret_access_key = ${canary}\n`);
  const all: Record<string, string> = { 'README.md': '# scratch\n', 'src/app.js': 'module.exports = 1;\n', 'CLAUDE.md': 'Be careful.\n', '.github/workflows/ci.yml': 'on: push\n', ...files };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(join(repo, path, '..'), { recursive: true });
    writeFileSync(join(repo, path), text);
  }
  const git = (...args: string[]): void => void execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'init');
  return { base, repo, hostHome, outside, canary, log: join(base, 'audit.jsonl') };
}

export function removeWorld(world: SandboxWorld): void {
  rmSync(world.base, { recursive: true, force: true });
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
  record: RunRecordJson;
  ms: number;
}

export interface RunRecordJson {
  exitCode: number;
  ended?: string;
  sandboxed: boolean;
  limits: { mechanism: string };
  seccomp: { denied: string[] } | { unavailable: string };
  network: { host: string; port: number; allowed: boolean; reason: string; kind: string }[];
  changes: { path: string; change: string }[];
  protectedChanges: { path: string; change: string }[];
  escapingSymlinks: { path: string; target: string }[];
  tokens?: { requests: number; inputTokens: number; outputTokens: number; refused: number };
}

export interface RunOptions {
  flags?: string[];
  env?: NodeJS.ProcessEnv;
  /** Called with cordon's pid once it runs (to signal it). */
  onSpawn?: (pid: number) => void;
  cwd?: string;
}

/** `cordon run [flags] -- command…` in the world's repository, asynchronously (loopback servers in this process keep answering). */
export function runIn(world: SandboxWorld, command: string[], options: RunOptions = {}): Promise<RunResult> {
  const record = join(world.base, `record-${randomBytes(4).toString('hex')}.json`);
  const env: NodeJS.ProcessEnv = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: world.hostHome, LANG: 'C.UTF-8', CORDON_LOG: world.log, ...options.env };
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'run', '--record', record, ...(options.flags ?? []), '--', ...command], { cwd: options.cwd ?? world.repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    if (options.onSpawn) options.onSpawn(child.pid!);
    child.on('close', (status) => {
      const parsed = existsSync(record) ? (JSON.parse(readFileSync(record, 'utf8')) as RunRecordJson) : (undefined as unknown as RunRecordJson);
      resolve({ status, stdout, stderr, record: parsed, ms: Date.now() - started });
    });
  });
}

export const sh = (script: string): string[] => ['bash', '-c', script];

/** A loopback TCP listener that counts connections and bytes; it never answers. */
export interface Sink {
  port: number;
  connections(): number;
  received(): string;
  close(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
  let connections = 0;
  let received = '';
  const server: Server = createServer((socket) => {
    connections++;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    connections: () => connections,
    received: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        setTimeout(resolve, 200).unref();
      }),
  };
}

/** A Unix socket listener in the scratch host directory, counting connections. */
export async function startUnixSink(path: string): Promise<{ connections(): number; close(): Promise<void> }> {
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    socket.on('error', () => undefined);
    socket.end();
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { connections: () => connections, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
