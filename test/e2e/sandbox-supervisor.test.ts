// The supervisor's servers on their Unix sockets, spoken to directly: the egress proxy and the model API broker (loopback only).

import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer as createHttpServer, request, type IncomingHttpHeaders, type Server as HttpServer } from 'node:http';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerCredential, scrubber, startModelBroker, type ModelBroker } from '../../src/sandbox/broker.js';
import { startEgressProxy, type EgressProxy } from '../../src/sandbox/proxy.js';
import type { NetworkAttempt } from '../../src/sandbox/types.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cordon-supervisor-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Sends raw bytes to a Unix socket and collects the whole answer. */
function exchange(socketPath: string, text: string, echo?: string): Promise<string> {
  return new Promise((resolve) => {
    const c = connect(socketPath);
    let answer = '';
    c.setEncoding('utf8');
    c.on('data', (chunk: string) => {
      answer += chunk;
      if (echo && answer.includes('200 Connection Established') && !answer.includes(echo)) c.write(echo);
      if (echo && answer.includes(`echo:${echo}`)) c.end();
    });
    c.on('close', () => resolve(answer));
    c.on('error', () => resolve(answer));
    c.write(text);
  });
}

describe('the egress proxy', () => {
  let proxy: EgressProxy;
  let echo: Server;
  let echoPort = 0;
  let web: HttpServer;
  let webPort = 0;
  const seenHeaders: IncomingHttpHeaders[] = [];
  const logged: NetworkAttempt[] = [];

  beforeAll(async () => {
    echo = createServer((s) => s.on('data', (d) => s.write(`echo:${String(d)}`)));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    echoPort = (echo.address() as { port: number }).port;
    web = createHttpServer((req, res) => {
      seenHeaders.push(req.headers);
      res.end(`path=${req.url}`);
    });
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    webPort = (web.address() as { port: number }).port;
    const names: Record<string, string[]> = { 'registry.test': ['127.0.0.1'], 'loopy.test': ['127.0.0.1'], 'api.example.test': ['127.0.0.1'] };
    proxy = await startEgressProxy({
      socketPath: join(dir, 'proxy.sock'),
      policy: { allowedDomains: ['registry.test', 'loopy.test', '*.example.test'], allowPrivate: ['registry.test', 'api.example.test'] },
      resolve: async (host) => names[host] ?? [],
      onAttempt: (a) => logged.push(a),
    });
  });
  afterAll(async () => {
    await proxy.close();
    echo.close();
    web.close();
  });

  it('tunnels an allowed CONNECT and records the bytes', async () => {
    const answer = await exchange(proxy.socketPath, `CONNECT registry.test:${echoPort} HTTP/1.1\r\nHost: registry.test\r\n\r\n`, 'ping');
    expect(answer).toContain('200 Connection Established');
    expect(answer).toContain('echo:ping');
    await new Promise((r) => setTimeout(r, 50));
    expect(logged).toContainEqual(expect.objectContaining({ kind: 'connect', host: 'registry.test', port: echoPort, address: '127.0.0.1', allowed: true, bytesOut: 4, bytesIn: 9 }));
  });

  it.each([
    ['an allowed name that resolves to loopback', `loopy.test:${1}`, 'private-address'],
    ['a name off the allowlist', 'evil.example:443', 'not-allowlisted'],
    ['an IP literal', '127.0.0.1:22', 'ip-literal'],
    ['the metadata address', '169.254.169.254:80', 'ip-literal'],
    ['the metadata address as a number', '2852039166:80', 'ip-literal'],
    ['a name that does not resolve', 'nowhere.example.test:443', 'resolve-failed'],
  ])('refuses %s', async (_label, target, reason) => {
    const answer = await exchange(proxy.socketPath, `CONNECT ${target} HTTP/1.1\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 (403|502)/);
    expect(answer).toContain(`X-Cordon-Refused: ${reason}`);
    expect(logged.at(-1)).toMatchObject({ allowed: false, reason });
  });

  it('forwards plain HTTP in origin form, without proxy headers, and logs no query string', async () => {
    const answer = await exchange(proxy.socketPath, `GET http://api.example.test:${webPort}/pkg?token=abc HTTP/1.1\r\nHost: api.example.test\r\nProxy-Authorization: Basic c2VjcmV0\r\n\r\n`);
    expect(answer).toContain('path=/pkg?token=abc');
    expect(seenHeaders.at(-1)?.['proxy-authorization']).toBeUndefined();
    await new Promise((r) => setTimeout(r, 50));
    const entry = logged.find((a) => a.kind === 'http' && a.host === 'api.example.test');
    expect(entry).toMatchObject({ allowed: true, method: 'GET', path: '/pkg' });
    expect(JSON.stringify(logged)).not.toContain('token=abc');
  });

  it('answers a malformed request with 400', async () => {
    const answer = await exchange(proxy.socketPath, 'HELLO\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(logged.at(-1)).toMatchObject({ allowed: false, reason: 'bad-request' });
  });

  it('removes its socket on close', async () => {
    const other = await startEgressProxy({ socketPath: join(dir, 'other.sock'), policy: { allowedDomains: [], allowPrivate: [] } });
    expect(existsSync(other.socketPath)).toBe(true);
    await other.close();
    expect(existsSync(other.socketPath)).toBe(false);
  });
});

describe('the model API broker', () => {
  const realKey = 'sk-ant-api03-REALKEY-0123456789abcdef';
  let upstream: HttpServer;
  let upstreamUrl = '';
  const seen: { url: string; apiKey?: string; authorization?: string }[] = [];
  let broker: ModelBroker;

  beforeAll(async () => {
    upstream = createHttpServer((req, res) => {
      seen.push({ url: req.url ?? '', apiKey: req.headers['x-api-key'] as string | undefined, authorization: req.headers.authorization });
      req.resume();
      if (req.url?.startsWith('/base/v1/messages')) {
        if (req.url.includes('stream')) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write('event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":100,"output_tokens":1}}}\n\n');
          res.write('event: message_delta\ndata: {"type":"message_delta","usa');
          res.end('ge":{"output_tokens":40}}\n\n');
        } else {
          // Echoes the key, split across two writes, as a misbehaving upstream might.
          const body = JSON.stringify({ usage: { input_tokens: 10, output_tokens: 5 }, echo: realKey });
          const cut = body.indexOf('REALKEY') + 3;
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
          res.write(body.slice(0, cut));
          res.end(body.slice(cut));
        }
      } else res.end('ok');
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as { port: number }).port}/base`;
    const credential = brokerCredential({ ANTHROPIC_API_KEY: realKey, ANTHROPIC_BASE_URL: upstreamUrl })!;
    broker = await startModelBroker({ socketPath: join(dir, 'model.sock'), credential, maxTokens: 200 });
  });
  afterAll(async () => {
    await broker.close();
    upstream.close();
  });

  const post = (path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; length?: string }> =>
    new Promise((resolve, reject) => {
      const req = request({ socketPath: broker.socketPath, path, method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'cordon-broker-placeholder', ...headers } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, length: res.headers['content-length'] }));
      });
      req.on('error', reject);
      req.end('{"model":"x"}');
    });

  it('picks the credential the way Claude Code does and keeps the upstream base path', () => {
    expect(brokerCredential({})).toBeUndefined();
    expect(brokerCredential({ ANTHROPIC_AUTH_TOKEN: 't' })).toMatchObject({ envName: 'ANTHROPIC_AUTH_TOKEN', header: 'authorization' });
    expect(brokerCredential({ ANTHROPIC_API_KEY: 'k' })?.upstream.href).toBe('https://api.anthropic.com/');
    expect(() => brokerCredential({ ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: 'file:///etc/passwd' })).toThrow();
  });

  it('adds the real key upstream, drops the sandbox one, and masks an echo of it with the length intact', async () => {
    const answer = await post('/v1/messages', { authorization: 'Bearer stolen' });
    expect(seen.at(-1)).toEqual({ url: '/base/v1/messages', apiKey: realKey, authorization: undefined });
    expect(answer.status).toBe(200);
    expect(answer.body).not.toContain('REALKEY');
    expect(Buffer.byteLength(answer.body)).toBe(Number(answer.length));
    expect(JSON.parse(answer.body).echo).toBe('*'.repeat(realKey.length));
  });

  it('counts tokens from JSON and from a stream split mid-event', async () => {
    const before = broker.usage();
    await post('/v1/messages?stream');
    const after = broker.usage();
    expect(after.inputTokens - before.inputTokens).toBe(100);
    expect(after.outputTokens - before.outputTokens).toBe(40);
  });

  it('refuses model calls once the budget is spent, without asking the upstream', async () => {
    while (broker.usage().inputTokens + broker.usage().outputTokens < 200) await post('/v1/messages?stream');
    const calls = seen.length;
    const refused = await post('/v1/messages');
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body).error.type).toBe('permission_error');
    expect(seen.length).toBe(calls);
    expect(broker.usage().refused).toBeGreaterThan(0);
  });

  it('answers 502 in the API error shape when the upstream is gone', async () => {
    const dead = await startModelBroker({ socketPath: join(dir, 'dead.sock'), credential: brokerCredential({ ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' })! });
    const answer = await new Promise<{ status: number; body: string }>((resolve) => {
      const req = request({ socketPath: dead.socketPath, path: '/v1/messages', method: 'POST' }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += String(c)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.end('{}');
    });
    await dead.close();
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body).type).toBe('error');
    expect(existsSync(dead.socketPath)).toBe(false);
  });

  it('masks a key split across any chunk boundary', () => {
    const secret = Buffer.from('SECRETKEY');
    const mask = Buffer.from('*********');
    const text = 'aaSECRETKEYbbSECRETKEY';
    for (let cut = 0; cut <= text.length; cut++) {
      const s = scrubber(secret, mask);
      const out = Buffer.concat([s.push(Buffer.from(text.slice(0, cut))), s.push(Buffer.from(text.slice(cut))), s.end()]).toString();
      expect(out).toBe('aa*********bb*********');
    }
  });
});
