// Remote MCP servers reached over plain `http://` or `ws://`, where anyone on the path can read and change the traffic.

import { isLoopback, mcpServers, urlParts } from '../../mcp-facts.js';
import { defineRule } from '../../rule.js';

export const mcpInsecureTransport = defineRule({
  meta: {
    id: 'mcp-insecure-transport',
    area: 'mcp',
    description: 'remote mcp server is reached over an unencrypted connection',
    severity: 'high',
    confidence: 'high',
    messages: {
      http: 'server `{{server}}` connects to `{{url}}` over plain HTTP',
      websocket: 'server `{{server}}` connects to `{{url}}` over an unencrypted WebSocket',
      bridgeArg: 'server `{{server}}` is launched with `{{url}}`, so it talks to that host over unencrypted {{protocol}}',
    },
    help: 'Use `https://` (or `wss://`). Tool results, prompts and any `Authorization` header travel in the clear over `http://`, and whoever sits on the network can inject tool output the agent will trust. Plain HTTP is fine only for `localhost`, `127.0.0.1` and `[::1]`.',
  },
  inputs: ['mcp-config'],
  check({ input, report }) {
    if (input.kind !== 'mcp-config') return;
    for (const server of mcpServers(input.file)) {
      if (server.url) {
        const parts = urlParts(server.url.value);
        const grade = parts ? insecurity(parts.scheme, parts.host) : undefined;
        if (parts && grade) {
          report({
            messageId: grade.websocket ? 'websocket' : 'http',
            data: { server: server.name, url: parts.display },
            at: { route: server.url.route },
            ...(grade.knownHost ? {} : { severity: 'medium', confidence: 'medium' }),
          });
        }
      }
      // Bridges such as `npx mcp-remote http://host/sse` make a stdio server a remote one.
      for (const entry of server.launch) {
        const url = /(?:^|=)((?:https?|wss?):\/\/\S+)$/i.exec(entry.value)?.[1];
        const parts = url ? urlParts(url) : undefined;
        const grade = parts ? insecurity(parts.scheme, parts.host) : undefined;
        if (parts && grade) {
          report({
            messageId: 'bridgeArg',
            data: { server: server.name, url: parts.display, protocol: grade.websocket ? 'WebSocket' : 'HTTP' },
            at: { route: entry.route },
            ...(grade.knownHost ? {} : { severity: 'medium', confidence: 'medium' }),
          });
        }
      }
    }
  },
});

/** Undefined when the connection is encrypted or stays on this machine. */
function insecurity(scheme: string, host: string | undefined): { websocket: boolean; knownHost: boolean } | undefined {
  if (scheme !== 'http' && scheme !== 'ws') return undefined;
  // A `${HOST}` may well be remote, but we cannot tell: report it with less certainty.
  if (host === undefined) return { websocket: scheme === 'ws', knownHost: false };
  return isLoopback(host) ? undefined : { websocket: scheme === 'ws', knownHost: true };
}
