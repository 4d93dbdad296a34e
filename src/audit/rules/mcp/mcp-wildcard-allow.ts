// MCP tool grants that approve whole servers, or every server, instead of named tools.

import type { YamlFile } from '../../../parse/yaml-doc.js';
import { mcpServers } from '../../mcp-facts.js';
import { defineRule, type RepoView } from '../../rule.js';

/** Server names and launch lines that suggest the server can change things (repos, files, chats, databases, clouds, browsers). */
const WRITE_CAPABLE = /github|gitlab|bitbucket|\bgit\b|filesystem|\bfs\b|\bfiles?\b|shell|terminal|exec|command|bash|docker|kube|k8s|aws|gcp|google-cloud|azure|cloudflare|vercel|netlify|heroku|postgres|mysql|sqlite|mongo|redis|supabase|firebase|database|\bdb\b|sql|slack|discord|teams|email|gmail|mail|linear|jira|atlassian|confluence|notion|asana|trello|stripe|browser|puppeteer|playwright|selenium|computer/i;

export const mcpWildcardAllow = defineRule({
  meta: {
    id: 'mcp-wildcard-allow',
    area: 'mcp',
    description: 'mcp tools are approved by wildcard instead of by name',
    severity: 'medium',
    confidence: 'high',
    messages: {
      serverAutoApprove: 'server `{{server}}` auto-approves every one of its tools (`{{key}}: {{value}}`)',
      allServers: '`{{entry}}` lets the agent call every tool of every MCP server without asking',
      serverPattern: '`{{entry}}` lets the agent call every tool of every MCP server whose name matches `{{server}}` without asking, including servers a later change adds',
      wholeServer: '`{{entry}}` lets the agent call every tool of MCP server `{{server}}` without asking{{writes}}',
      toolPattern: '`{{entry}}` lets the agent call every tool of MCP server `{{server}}` that matches `{{tool}}` without asking{{writes}}',
    },
    help: 'List the tools the task needs by name (`mcp__github__get_issue`), and keep tools that write, send or delete behind a prompt: a wildcard also approves tools the server adds in a later version.',
  },
  inputs: ['mcp-config', 'claude-settings'],
  check({ input, repo, report }) {
    if (input.kind === 'mcp-config') {
      for (const server of mcpServers(input.file)) {
        for (const key of ['alwaysAllow', 'autoApprove']) {
          const value = server.raw[key];
          if (value === true) {
            report({ messageId: 'serverAutoApprove', data: { server: server.name, key, value: 'true' }, at: { route: [...server.route, key], part: 'entry' } });
          } else if (Array.isArray(value)) {
            value.forEach((item, index) => {
              if (item === '*') report({ messageId: 'serverAutoApprove', data: { server: server.name, key, value: '["*"]' }, at: { route: [...server.route, key, index] } });
            });
          }
        }
      }
      return;
    }
    if (input.kind !== 'claude-settings') return;
    const allow = permissionsAllow(input.file);
    allow.forEach((entry, index) => {
      if (typeof entry !== 'string') return;
      const grant = parseMcpGrant(entry);
      if (!grant) return;
      const at = { route: ['permissions', 'allow', index] };
      if (grant.scope === 'all') {
        report({ messageId: 'allServers', data: { entry }, at });
        return;
      }
      if (grant.scope === 'serverPattern') {
        report({ messageId: 'serverPattern', data: { entry, server: grant.server }, at });
        return;
      }
      const writes = writeHint(grant.server, repo);
      // Granting all of a read-only server (docs lookup, search) is a convenience, not a hazard worth the noise.
      const grade = writes ? {} : { severity: 'low' as const, confidence: 'medium' as const };
      if (grant.scope === 'server') report({ messageId: 'wholeServer', data: { entry, server: grant.server, writes: writes ?? '' }, at, ...grade });
      else report({ messageId: 'toolPattern', data: { entry, server: grant.server, tool: grant.tool, writes: writes ?? '' }, at, ...grade });
    });
  },
});

function permissionsAllow(file: YamlFile): unknown[] {
  const value = file.value as { permissions?: { allow?: unknown } } | undefined;
  const allow = value?.permissions?.allow;
  return Array.isArray(allow) ? allow : [];
}

export type McpGrant =
  | { scope: 'all' }
  | { scope: 'serverPattern'; server: string }
  | { scope: 'server'; server: string }
  | { scope: 'toolPattern'; server: string; tool: string };

/**
 * Reads an allow entry: `mcp__*` (every server), `mcp__git*` (servers by name pattern), `mcp__srv`
 * or `mcp__srv__*` (whole server), `mcp__srv__create_*` (a tool pattern). Named tools return undefined.
 */
export function parseMcpGrant(entry: string): McpGrant | undefined {
  const text = entry.trim();
  const match = /^mcp__(.*)$/.exec(text);
  if (!match) return /^mcp_*\*$/.test(text) ? { scope: 'all' } : undefined;
  const rest = match[1] as string;
  const split = rest.indexOf('__');
  const server = split === -1 ? rest : rest.slice(0, split);
  const tool = split === -1 ? undefined : rest.slice(split + 2);
  if (server === '' || /^\*+$/.test(server)) return { scope: 'all' };
  if (server.includes('*')) return { scope: 'serverPattern', server };
  if (tool === undefined || tool === '' || /^\*+$/.test(tool)) return { scope: 'server', server };
  return tool.includes('*') ? { scope: 'toolPattern', server, tool } : undefined;
}

/** `, and it can …` when the server looks able to change things, judged by its name and by its `.mcp.json` entry if the repo has one. */
function writeHint(server: string, repo: RepoView): string | undefined {
  const described = [server];
  for (const other of repo.inputs) {
    if (other.kind !== 'mcp-config') continue;
    for (const defined of mcpServers(other.file)) {
      if (defined.name !== server) continue;
      described.push(...defined.launch.map((word) => word.value));
      if (defined.url) described.push(defined.url.value);
    }
  }
  const match = described.map((text) => WRITE_CAPABLE.exec(text)?.[0]).find(Boolean);
  return match ? ` (\`${match.toLowerCase()}\` servers can write, send or delete)` : undefined;
}
