// The egress proxy of `cordon run`: HTTP CONNECT and plain HTTP on a Unix socket outside the sandbox, every attempt decided by egress.ts and recorded.

import { chmodSync, rmSync } from 'node:fs';
import { promises as dns } from 'node:dns';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { decide, parseIpLiteral } from './egress.js';
import type { EgressPolicy, NetworkAttempt } from './types.js';

export interface EgressProxyOptions {
  socketPath: string;
  policy: EgressPolicy;
  /** Resolves a name to its addresses; injected in tests. */
  resolve?: (host: string) => Promise<string[]>;
  onAttempt?: (attempt: NetworkAttempt) => void;
  connectTimeoutMs?: number;
}

export interface EgressProxy {
  socketPath: string;
  attempts(): NetworkAttempt[];
  close(): Promise<void>;
}

/** A request head larger than this is refused: no client needs more, and it bounds memory. */
const MAX_HEAD = 16 * 1024;

const defaultResolve = async (host: string): Promise<string[]> => (await dns.lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

export async function startEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  const attempts: NetworkAttempt[] = [];
  const open = new Set<Socket>();
  const resolveName = options.resolve ?? defaultResolve;
  const timeout = options.connectTimeoutMs ?? 10_000;

  const record = (attempt: NetworkAttempt): void => {
    attempts.push(attempt);
    options.onAttempt?.(attempt);
  };

  const server: Server = createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) {
        if (head.length > MAX_HEAD) {
          client.off('data', onData);
          refuse(client, 400, 'bad-request');
          record(failed('http', '', 0, 'bad-request', Date.now()));
        }
        return;
      }
      client.off('data', onData);
      client.pause();
      void handle(client, head.subarray(0, end).toString('latin1'), head.subarray(end + 4));
    };
    client.on('data', onData);
  });

  async function handle(client: Socket, headText: string, rest: Buffer): Promise<void> {
    const started = Date.now();
    const [requestLine = '', ...headerLines] = headText.split('\r\n');
    const [method = '', target = '', version = ''] = requestLine.split(' ');
    const connectMethod = method.toUpperCase() === 'CONNECT';
    const kind: NetworkAttempt['kind'] = connectMethod ? 'connect' : 'http';
    let host: string;
    let port: number;
    let path = '/';
    if (!/^HTTP\/1\.[01]$/.test(version)) return void (refuse(client, 400, 'bad-request'), record(failed(kind, '', 0, 'bad-request', started)));
    if (connectMethod) {
      const parsed = splitHostPort(target, 443);
      if (!parsed) return void (refuse(client, 400, 'bad-request'), record(failed(kind, '', 0, 'bad-request', started)));
      ({ host, port } = parsed);
    } else {
      let url: URL;
      try {
        url = new URL(target);
      } catch {
        return void (refuse(client, 400, 'bad-request'), record(failed(kind, '', 0, 'bad-request', started)));
      }
      if (url.protocol !== 'http:') return void (refuse(client, 400, 'bad-request'), record(failed(kind, url.hostname, 0, 'bad-request', started)));
      host = url.hostname.replace(/^\[|\]$/g, '');
      port = url.port ? Number(url.port) : 80;
      path = `${url.pathname}${url.search}`;
    }
    host = host.toLowerCase().replace(/\.$/, '');
    const logged = { method: kind === 'http' ? method : undefined, path: kind === 'http' ? path.split('?')[0] : undefined };
    let addresses: string[] | undefined;
    if (parseIpLiteral(host) === undefined) {
      try {
        addresses = await resolveName(host);
      } catch {
        addresses = [];
      }
    }
    const decision = decide({ host, port }, addresses, options.policy);
    if (!decision.allowed) {
      refuse(client, decision.reason === 'resolve-failed' ? 502 : decision.reason === 'bad-request' ? 400 : 403, decision.reason);
      return record({ ...failed(kind, host, port, decision.reason, started), ...withoutUndefined(logged) });
    }
    const upstream = connect({ host: decision.address!, port });
    open.add(upstream);
    let bytesOut = 0;
    let bytesIn = 0;
    let connected = false;
    let done = false;
    const finish = (reason: string, allowed: boolean): void => {
      if (done) return;
      done = true;
      record({ time: new Date(started).toISOString(), kind, host, port, address: decision.address!, allowed, reason, bytesOut, bytesIn, durationMs: Date.now() - started, ...withoutUndefined(logged) });
    };
    upstream.setTimeout(timeout, () => {
      if (!connected) upstream.destroy(new Error('connect timeout'));
    });
    upstream.on('error', () => {
      if (!connected) refuse(client, 502, 'upstream-error');
      else client.destroy();
      finish(connected ? 'allowlist' : 'upstream-error', connected);
    });
    upstream.on('close', () => {
      open.delete(upstream);
      client.end();
      finish('allowlist', true);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('data', (chunk: Buffer) => (bytesIn += chunk.length));
    client.on('data', (chunk: Buffer) => (bytesOut += chunk.length));
    upstream.on('connect', () => {
      connected = true;
      upstream.setTimeout(0);
      if (connectMethod) {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      } else {
        // Origin-form request line, no hop-by-hop or proxy headers, one request per connection.
        const headers = headerLines.filter((line) => !/^(proxy-[\w-]*|connection|keep-alive|te|trailer|upgrade):/i.test(line));
        const request = `${method} ${path} ${version}\r\n${headers.join('\r\n')}${headers.length ? '\r\n' : ''}Connection: close\r\n\r\n`;
        upstream.write(request);
        bytesOut += Buffer.byteLength(request);
      }
      if (rest.length > 0) {
        upstream.write(rest);
        bytesOut += rest.length;
      }
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => resolve());
  });
  chmodSync(options.socketPath, 0o600);

  return {
    socketPath: options.socketPath,
    attempts: () => [...attempts],
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(options.socketPath, { force: true });
    },
  };
}

function splitHostPort(target: string, defaultPort: number): { host: string; port: number } | undefined {
  const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(target) ?? /^([^:]+)(?::(\d+))?$/.exec(target);
  if (!match) return undefined;
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  return match[1] && Number.isInteger(port) ? { host: match[1], port } : undefined;
}

function refuse(client: Socket, status: number, reason: string): void {
  const text = { 400: 'Bad Request', 403: 'Forbidden', 502: 'Bad Gateway' }[status] ?? 'Error';
  const body = `cordon: ${reason}\n`;
  client.end(`HTTP/1.1 ${status} ${text}\r\nX-Cordon-Refused: ${reason}\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
}

function failed(kind: NetworkAttempt['kind'], host: string, port: number, reason: string, started: number): NetworkAttempt {
  return { time: new Date(started).toISOString(), kind, host, port, allowed: false, reason, bytesOut: 0, bytesIn: 0, durationMs: Date.now() - started };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
