// A scripted Anthropic Messages-API server on loopback that plays one tool call or text answer per turn and records what the agent sends back.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One model turn: call a tool with this input, or answer with text and end the turn. */
export type Turn = { tool: string; input: Record<string, unknown> } | { text: string };

export interface RecordedRequest {
  method: string;
  /** Path and query string, e.g. `/v1/messages?beta=true`. */
  url: string;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  /** What the server did with it: played a script turn, answered a side request, counted tokens, or something else. */
  kind: 'turn' | 'side' | 'count_tokens' | 'probe' | 'other';
  /** The credential headers it carried (`x-api-key`, `authorization`), to see what reached the upstream. */
  credentials: { apiKey?: string; authorization?: string };
  /** The script index served, for `kind: 'turn'`. */
  turn?: number;
}

export interface ToolResult {
  toolUseId: string;
  /** The tool name of the scripted call it answers, when it was one of ours. */
  tool: string | undefined;
  /** Text of the result: a string content as is, text blocks joined with newlines. */
  content: string;
  isError: boolean;
}

export interface MessagesServerOptions {
  script: Turn[];
  /** The server closes itself after this long, whatever happens. Default 120 s. */
  timeoutMs?: number;
  /** Answer to requests that carry no tools (titles, summaries). */
  sideText?: string;
  /** Answer once the script is used up. */
  exhaustedText?: string;
}

export interface MessagesServer {
  /** `http://127.0.0.1:PORT`, the value for `ANTHROPIC_BASE_URL`. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Every tool_result the agent sent, once per tool_use_id, in the order first seen. */
  toolResults: ToolResult[];
  /** How many script turns were served. */
  turnsServed(): number;
  close(): Promise<void>;
}

const MAX_BODY = 32 * 1024 * 1024;

interface MessagesBody {
  model?: string;
  stream?: boolean;
  tools?: unknown[];
  messages?: { role?: string; content?: unknown }[];
}

type ContentBlock = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export async function startMessagesServer(options: MessagesServerOptions): Promise<MessagesServer> {
  const { script } = options;
  const sideText = options.sideText ?? 'Scripted session';
  const exhaustedText = options.exhaustedText ?? 'The script has no more turns.';
  const requests: RecordedRequest[] = [];
  const toolResults: ToolResult[] = [];
  const seenResults = new Set<string>();
  const toolNames = new Map<string, string>();
  let nextTurn = 0;
  let nextId = 0;

  const server = createServer((req, res) => {
    // Bound to 127.0.0.1 already; refusing anything else keeps the check local to the handler too.
    if (!isLoopback(req.socket.remoteAddress)) {
      res.writeHead(403).end();
      return;
    }
    readBody(req)
      .then((raw) => handle(req, res, raw))
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: String(error) } }));
      });
  });

  function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const body = parseJson(raw);
    const credentials = {
      ...(typeof req.headers['x-api-key'] === 'string' ? { apiKey: req.headers['x-api-key'] } : {}),
      ...(typeof req.headers.authorization === 'string' ? { authorization: req.headers.authorization } : {}),
    };
    if (method === 'HEAD' || (method === 'GET' && path === '/')) {
      requests.push({ method, url, credentials, body: raw, kind: 'probe' });
      res.writeHead(200, { 'content-type': 'text/plain' }).end();
      return;
    }
    if (method === 'POST' && path === '/v1/messages/count_tokens') {
      requests.push({ method, url, credentials, body, kind: 'count_tokens' });
      sendJson(res, { input_tokens: Math.max(1, Math.ceil(raw.length / 4)) });
      return;
    }
    if (method !== 'POST' || path !== '/v1/messages' || typeof body !== 'object' || body === null) {
      requests.push({ method, url, credentials, body: body ?? raw, kind: 'other' });
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: `no route ${method} ${path}` } }));
      return;
    }
    const request = body as MessagesBody;
    collectToolResults(request);
    const model = typeof request.model === 'string' ? request.model : 'claude-scripted';
    let blocks: ContentBlock[];
    if (!Array.isArray(request.tools) || request.tools.length === 0) {
      requests.push({ method, url, credentials, body, kind: 'side' });
      blocks = [{ type: 'text', text: sideText }];
    } else {
      const turn = nextTurn < script.length ? nextTurn : undefined;
      if (turn !== undefined) nextTurn += 1;
      requests.push({ method, url, credentials, body, kind: 'turn', ...(turn === undefined ? {} : { turn }) });
      blocks = [turnBlock(turn === undefined ? { text: exhaustedText } : (script[turn] as Turn))];
    }
    if (request.stream === true) sendStream(res, model, blocks);
    else sendJson(res, message(model, blocks, blocks.length));
  }

  function turnBlock(turn: Turn): ContentBlock {
    if ('text' in turn) return { type: 'text', text: turn.text };
    nextId += 1;
    const id = `toolu_scripted_${String(nextId).padStart(4, '0')}`;
    toolNames.set(id, turn.tool);
    return { type: 'tool_use', id, name: turn.tool, input: turn.input };
  }

  // The agent resends the whole conversation each time; record each tool_result once.
  function collectToolResults(request: MessagesBody): void {
    for (const message of request.messages ?? []) {
      if (message.role !== 'user' || !Array.isArray(message.content)) continue;
      for (const block of message.content as Record<string, unknown>[]) {
        if (block?.type !== 'tool_result' || typeof block.tool_use_id !== 'string' || seenResults.has(block.tool_use_id)) continue;
        seenResults.add(block.tool_use_id);
        toolResults.push({ toolUseId: block.tool_use_id, tool: toolNames.get(block.tool_use_id), content: resultText(block.content), isError: block.is_error === true });
      }
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      clearTimeout(timer);
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closed;
  };
  const timer = setTimeout(() => void close(), options.timeoutMs ?? 120_000);
  timer.unref();

  return { url: `http://127.0.0.1:${port}`, port, requests, toolResults, turnsServed: () => nextTurn, close };
}

function message(model: string, content: ContentBlock[], outputTokens: number): Record<string, unknown> {
  const stop = content.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn';
  return {
    id: `msg_scripted_${Date.now().toString(36)}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: outputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}

/** The event sequence of a streamed answer, one content block after another. */
export function streamEvents(model: string, blocks: ContentBlock[]): { event: string; data: Record<string, unknown> }[] {
  const full = message(model, blocks, 1);
  const events: { event: string; data: Record<string, unknown> }[] = [
    { event: 'message_start', data: { type: 'message_start', message: { ...full, content: [], stop_reason: null, usage: { input_tokens: 10, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } } } },
  ];
  blocks.forEach((block, index) => {
    if (block.type === 'text') {
      events.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'text', text: '' } } });
      events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text } } });
    } else {
      events.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } } });
      // Split the JSON like the real API does, so the client's partial-JSON assembly is exercised.
      const json = JSON.stringify(block.input);
      const cut = Math.floor(json.length / 2);
      for (const part of [json.slice(0, cut), json.slice(cut)]) {
        events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part } } });
      }
    }
    events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  });
  events.push({ event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: full.stop_reason, stop_sequence: null }, usage: { output_tokens: 20 } } });
  events.push({ event: 'message_stop', data: { type: 'message_stop' } });
  return events;
}

function sendStream(res: ServerResponse, model: string, blocks: ContentBlock[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'request-id': 'req_scripted' });
  for (const { event, data } of streamEvents(model, blocks)) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  res.end();
}

function sendJson(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_scripted' });
  res.end(JSON.stringify(value));
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) => {
      const block = part as { type?: unknown; text?: unknown };
      return block?.type === 'text' && typeof block.text === 'string' ? block.text : `[${String(block?.type)}]`;
    })
    .join('\n');
}

function parseJson(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::ffff:127.0.0.1' || address === '::1';
}
