// The per-user hook server: answers relay clients (relay.ts) with the same `hookCommand` an in-process hook runs.

import { chmodSync, lstatSync, mkdirSync, statSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { hookCommand } from '../cli/hook-command.js';
import { loadShellParser } from '../parse/shell.js';
import { MAX_REQUEST_BYTES, RelayRequestSchema, type RelayAnswer, type RelayStatus } from './relay.js';
import { privateDirProblem } from './socket.js';

const ORPHAN_CHECK_MS = 30_000;

export interface HookServerOptions {
  /** The bin the clients name (dist/cordon.cjs); a client naming another is sent away. */
  bin: string;
  /** Files whose change makes the server stale: it then answers `stale` and exits, and the client decides in-process. */
  watched: readonly string[];
  socket: string;
  idleMs: number;
  /**
   * cordon run: the hook options (policy, role, log) and overriding environment come from the
   * supervisor, never from the caller, who may be the agent itself knocking on the socket: a request
   * may name only the event. The supervisor's working directory is left alone.
   */
  fixed?: { args: readonly string[]; env: Readonly<Record<string, string>> };
}

/**
 * Listens on `options.socket` until `idleMs` pass without a call. Resolves once listening; the process
 * then lives on its event loop. Throws when the socket directory is not private to this user or another
 * server already answers there.
 */
export async function serveHooks(options: HookServerOptions): Promise<Server> {
  ensurePrivateDir(dirname(options.socket));
  const identity = identityOf(options.watched);
  // The grammar is the slowest part of a first Bash call: load it before anyone waits for it.
  const grammar = loadShellParser();
  let served = 0;
  // Calls are decided one at a time: each changes the working directory for its own duration.
  let queue: Promise<void> = Promise.resolve();
  let idle: NodeJS.Timeout | undefined;
  let stopping = false;

  // Half-open: the client ends its side when the request is complete and still reads the answer.
  const server = createServer({ allowHalfOpen: true }, (connection) => {
    armIdle();
    const chunks: Buffer[] = [];
    let size = 0;
    connection.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        reply(connection, { error: `request larger than ${MAX_REQUEST_BYTES} bytes` });
        return;
      }
      chunks.push(chunk);
    });
    connection.on('error', () => connection.destroy());
    connection.on('end', () => {
      if (size > MAX_REQUEST_BYTES) return;
      queue = queue.then(async () => reply(connection, await answer(Buffer.concat(chunks).toString('utf8'))));
    });
  });

  async function answer(text: string): Promise<RelayAnswer | RelayStatus> {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { error: 'the request is not JSON' };
    }
    const parsed = RelayRequestSchema.safeParse(json);
    if (!parsed.success) return { error: `malformed request: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
    const request = parsed.data;
    if ('op' in request) return { pid: process.pid, bin: options.bin, served };
    if (request.bin !== options.bin) return { error: `this server answers for ${options.bin}, not ${request.bin}` };
    if (identityOf(options.watched) !== identity) {
      stop();
      return { error: 'stale: cordon changed since the hook server started' };
    }
    if (request.argv[0] !== 'hook') return { error: 'the relay only runs cordon hook' };
    let argv = request.argv.slice(1);
    if (options.fixed) {
      if (argv.length !== 1) return { error: 'the supervisor sets the hook options: a request names only the event' };
      argv = [argv[0]!, ...options.fixed.args];
    }
    const env = options.fixed ? { ...request.env, ...options.fixed.env } : request.env;
    await grammar.catch(() => undefined);
    if (!options.fixed) enterDirectory(request.cwd);
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await hookCommand(argv, {
      stdin: () => request.stdin,
      stdout: (text) => stdout.push(text),
      stderr: (text) => stderr.push(text),
      env,
      cwd: () => request.cwd,
    });
    served++;
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  }

  function armIdle(): void {
    if (idle) clearTimeout(idle);
    idle = setTimeout(stop, options.idleMs);
  }

  function stop(): void {
    if (stopping) return;
    stopping = true;
    if (idle) clearTimeout(idle);
    server.close();
    removeSocket(options.socket, socketIdentity);
    // Calls already accepted are still answered; then nothing holds the event loop and the process ends.
    void queue.then(() => server.unref());
  }

  await listen(server, options.socket);
  chmodSync(options.socket, 0o600);
  const socketIdentity = inodeOf(options.socket);
  armIdle();
  // A server whose socket was removed or replaced (its directory cleaned up, a successor) can never be reached again.
  setInterval(() => {
    if (inodeOf(options.socket) !== socketIdentity) stop();
  }, ORPHAN_CHECK_MS).unref();
  return server;
}

function reply(connection: Socket, answer: RelayAnswer | RelayStatus): void {
  if (connection.destroyed) return;
  connection.end(JSON.stringify(answer));
}

/** A directory only this user can enter: created 0700 when missing, refused when a link, someone else's or open to others. */
export function ensurePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const problem = privateDirProblem(lstatSync(dir));
  if (problem) throw new Error(`${dir} ${problem}`);
}

/** Listens on `path`. A socket file nobody answers on is a dead server's and is replaced; a live one is not. */
async function listen(server: Server, path: string): Promise<void> {
  try {
    await listenOnce(server, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    if (await answers(path)) throw new Error(`a hook server already answers on ${path}`);
    unlinkSync(path);
    await listenOnce(server, path);
  }
}

function listenOnce(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(path, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

function enterDirectory(cwd: string): void {
  try {
    process.chdir(cwd);
  } catch {
    process.chdir('/');
  }
}

/** Device, inode, size and modification time of each file: enough to notice a reinstall or rebuild. */
function identityOf(files: readonly string[]): string {
  return files
    .map((file) => {
      try {
        const stat = statSync(file);
        return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}`;
      } catch {
        return 'missing';
      }
    })
    .join('|');
}

function inodeOf(path: string): number | undefined {
  try {
    return lstatSync(path).ino;
  } catch {
    return undefined;
  }
}

/** Removes the socket only if it is still the one this server made (a successor may have replaced it). */
function removeSocket(path: string, inode: number | undefined): void {
  if (inode === undefined || inodeOf(path) !== inode) return;
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
