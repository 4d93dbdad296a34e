// The model API broker of `cordon run`: the sandbox talks to it with a placeholder key; it adds the real credential outside, forwards, masks echoes and counts tokens.

import { chmodSync, rmSync } from 'node:fs';
import { request as httpRequest, createServer, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { BrokerCredential } from './credential.js';
import type { TokenUsage } from './types.js';

export { brokerCredential, sandboxModelEnv, PLACEHOLDER, type BrokerCredential } from './credential.js';

export interface ModelBroker {
  socketPath: string;
  usage(): TokenUsage;
  close(): Promise<void>;
}

export interface ModelBrokerOptions {
  socketPath: string;
  credential: BrokerCredential;
  maxTokens?: number;
  onUsage?: (usage: TokenUsage) => void;
}

const DROPPED_HEADERS = new Set(['x-api-key', 'authorization', 'proxy-authorization', 'host', 'connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'accept-encoding', 'content-length']);

export async function startModelBroker(options: ModelBrokerOptions): Promise<ModelBroker> {
  const usage: TokenUsage = { requests: 0, inputTokens: 0, outputTokens: 0, refused: 0 };
  const { credential } = options;
  const secret = Buffer.from(credential.value);
  const mask = Buffer.from('*'.repeat(secret.length));
  const spent = (): boolean => options.maxTokens !== undefined && usage.inputTokens + usage.outputTokens >= options.maxTokens;

  const server: Server = createServer((req, res) => {
    const isMessages = req.method === 'POST' && /\/v1\/messages(\?|$|\/)/.test(req.url ?? '');
    if (isMessages && spent()) {
      usage.refused++;
      req.resume();
      return sendError(res, 403, 'permission_error', `cordon: the token budget of ${options.maxTokens} is spent`);
    }
    if (isMessages) usage.requests++;
    forward(req, res, isMessages);
  });

  function forward(req: IncomingMessage, res: ServerResponse, isMessages: boolean): void {
    const base = credential.upstream;
    const prefix = base.pathname.replace(/\/$/, '');
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!DROPPED_HEADERS.has(name) && value !== undefined) headers[name] = value;
    headers[credential.header] = credential.header === 'authorization' ? `Bearer ${credential.value}` : credential.value;
    headers['accept-encoding'] = 'identity';
    if (req.headers['content-length'] !== undefined) headers['content-length'] = req.headers['content-length'];
    else if (req.headers['transfer-encoding']) headers['transfer-encoding'] = req.headers['transfer-encoding'];
    const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
    const upstream = send({ protocol: base.protocol, hostname: base.hostname, port: base.port || undefined, method: req.method, path: `${prefix}${req.url ?? '/'}`, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, maskHeaders(answer.headers));
      const scrub = scrubber(secret, mask);
      const counter = isMessages ? usageCounter(answer.headers['content-type'] ?? '', (input, output) => {
        usage.inputTokens += input;
        usage.outputTokens += output;
        options.onUsage?.({ ...usage });
      }) : undefined;
      answer.on('data', (chunk: Buffer) => {
        counter?.push(chunk);
        const out = scrub.push(chunk);
        if (out.length > 0) res.write(out);
      });
      answer.on('end', () => {
        counter?.end();
        res.end(scrub.end());
      });
      answer.on('error', () => res.destroy());
    });
    upstream.on('error', () => {
      if (!res.headersSent) sendError(res, 502, 'api_error', 'cordon: the model API upstream could not be reached');
      else res.destroy();
    });
    req.pipe(upstream);
  }

  function maskHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
    const out: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined || name === 'connection' || name === 'keep-alive') continue;
      out[name] = Array.isArray(value) ? value.map((v) => v.split(credential.value).join('*'.repeat(secret.length))) : value.split(credential.value).join('*'.repeat(secret.length));
    }
    return out;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => resolve());
  });
  chmodSync(options.socketPath, 0o600);
  return {
    socketPath: options.socketPath,
    usage: () => ({ ...usage }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(options.socketPath, { force: true });
    },
  };
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  const body = JSON.stringify({ type: 'error', error: { type, message } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Replaces every occurrence of `secret` in a byte stream with `mask` (same length, so a Content-Length
 * stays right), also when it is split across chunks: the last length-1 bytes are held back each time.
 */
export function scrubber(secret: Buffer, mask: Buffer): { push(chunk: Buffer): Buffer; end(): Buffer } {
  let held = Buffer.alloc(0);
  const replace = (data: Buffer): Buffer => {
    let at = data.indexOf(secret);
    while (at !== -1) {
      mask.copy(data, at);
      at = data.indexOf(secret, at + secret.length);
    }
    return data;
  };
  return {
    push(chunk) {
      const data = replace(Buffer.concat([held, chunk]));
      const keep = Math.min(data.length, secret.length - 1);
      held = Buffer.from(data.subarray(data.length - keep));
      return data.subarray(0, data.length - keep);
    },
    end() {
      const rest = replace(held);
      held = Buffer.alloc(0);
      return rest;
    },
  };
}

/** Reads token usage from a Messages API answer: one JSON body, or the `message_start`/`message_delta` events of a stream. */
export function usageCounter(contentType: string, add: (input: number, output: number) => void): { push(chunk: Buffer): void; end(): void } {
  const streaming = contentType.includes('text/event-stream');
  let text = '';
  const fromUsage = (usage: Record<string, unknown> | undefined, input: boolean, output: boolean): void => {
    if (!usage) return;
    const n = (key: string): number => (typeof usage[key] === 'number' ? (usage[key] as number) : 0);
    add(input ? n('input_tokens') + n('cache_creation_input_tokens') + n('cache_read_input_tokens') : 0, output ? n('output_tokens') : 0);
  };
  const event = (data: string): void => {
    try {
      const value = JSON.parse(data) as { type?: string; message?: { usage?: Record<string, unknown> }; usage?: Record<string, unknown> };
      // message_start brings the input count; message_delta the final output count.
      if (value.type === 'message_start') fromUsage(value.message?.usage, true, false);
      else if (value.type === 'message_delta') fromUsage(value.usage, false, true);
    } catch {
      // not JSON: not a usage event
    }
  };
  return {
    push(chunk) {
      text += chunk.toString('utf8');
      if (!streaming) return;
      let end = text.indexOf('\n\n');
      while (end !== -1) {
        for (const line of text.slice(0, end).split('\n')) if (line.startsWith('data:')) event(line.slice(5).trim());
        text = text.slice(end + 2);
        end = text.indexOf('\n\n');
      }
    },
    end() {
      if (streaming) {
        for (const line of text.split('\n')) if (line.startsWith('data:')) event(line.slice(5).trim());
        return;
      }
      try {
        const value = JSON.parse(text) as { usage?: Record<string, unknown> };
        fromUsage(value.usage, true, true);
      } catch {
        // not a JSON answer
      }
    },
  };
}
