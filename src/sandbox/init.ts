// The first process inside the sandbox (dist/sandbox-init.cjs): bridges loopback ports to the supervisor's sockets, then runs the command.
//
// The sandbox's network namespace has only loopback. Clients inside reach the egress proxy and the model
// broker at 127.0.0.1:<port>; this process forwards each such connection, byte for byte, to a Unix socket
// that the supervisor outside listens on (mounted into /run/cordon). Nothing here decides anything: the
// proxy and the broker do, outside, where the command cannot reach them.

import { spawn } from 'node:child_process';
import { connect, createServer, type Server } from 'node:net';
import { constants } from 'node:os';

/** `PORT=SOCKET,PORT=SOCKET`, removed from the command's environment. */
export const BRIDGES_VARIABLE = 'CORDON_BRIDGES';

export function parseBridges(text: string | undefined): { port: number; socket: string }[] {
  if (!text) return [];
  return text.split(',').map((pair) => {
    const at = pair.indexOf('=');
    const port = Number(pair.slice(0, at));
    const socket = pair.slice(at + 1);
    if (at < 1 || !Number.isInteger(port) || port < 1 || port > 65535 || !socket.startsWith('/')) throw new Error(`bad bridge ${JSON.stringify(pair)}`);
    return { port, socket };
  });
}

function bridge(port: number, socket: string): Promise<Server> {
  const server = createServer((client) => {
    const upstream = connect(socket);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', () => upstream.end());
    upstream.on('close', () => client.end());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

export async function sandboxInit(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const separator = argv.indexOf('--');
  const command = separator === -1 ? [] : argv.slice(separator + 1);
  if (command.length === 0) {
    process.stderr.write('cordon sandbox init: no command\n');
    process.exit(2);
  }
  const servers = await Promise.all(parseBridges(env[BRIDGES_VARIABLE]).map((b) => bridge(b.port, b.socket)));
  const childEnv = { ...env };
  delete childEnv[BRIDGES_VARIABLE];
  const child = spawn(command[0]!, command.slice(1), { stdio: 'inherit', env: childEnv });
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    process.stderr.write(`cordon run: cannot run ${command[0]}: ${error.message}\n`);
    process.exit((error as NodeJS.ErrnoException).code === 'ENOENT' ? 127 : 126);
  });
  child.on('exit', (code, signal) => {
    for (const server of servers) server.close();
    process.exit(code ?? 128 + signalNumber(signal));
  });
}

/** 128 + this is a shell's exit status for a death by `signal`. */
export function signalNumber(signal: NodeJS.Signals | null | undefined): number {
  return (signal && constants.signals[signal]) || 1;
}

if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) {
  sandboxInit(process.argv.slice(2), process.env).catch((error: unknown) => {
    process.stderr.write(`cordon sandbox init: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  });
}
