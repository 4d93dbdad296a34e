// MCP tool calls: the allowlist of servers and tools, merge and approval tools, and path arguments.

import type { PolicyFs } from './fs.js';
import { judgePath } from './paths.js';
import type { ResolvedPolicy } from './roles.js';
import type { Hit } from './verdict.js';

/** `mcp__server__tool` → { server, tool }; server names may contain single underscores, tools may too. */
export function parseMcpName(name: string): { server: string; tool: string } | undefined {
  const match = /^mcp__(.+?)__(.+)$/.exec(name);
  return match ? { server: match[1]!, tool: match[2]! } : undefined;
}

const MERGE_OR_APPROVE = /(^|_)(merge|approve|approval)(_|$)|create_(pull_request_)?review|submit_(pending_)?(pull_request_)?review|enable_auto_merge/i;
const PATH_KEYS = /^(path|paths|file|files|file_path|filepath|filename|relative_path|source|destination|target|dir|directory|notebook_path|root)$/i;
const WRITE_TOOL = /write|edit|create|move|rename|delete|remove|upload|put|patch|replace|insert|mkdir|append/i;

export function judgeMcp(policy: ResolvedPolicy, toolName: string, input: Record<string, unknown>, context: { cwd: string; home: string; fs: PolicyFs }): Hit[] {
  const parsed = parseMcpName(toolName);
  if (!parsed) return [{ category: null, rule: 'bad-input', reason: `${toolName} is not an mcp__server__tool name` }];
  const { server, tool } = parsed;
  const hits: Hit[] = [];
  // A merge or an approval is a human's decision, whatever the allowlist says.
  if (MERGE_OR_APPROVE.test(tool) || (typeof input.event === 'string' && input.event.toUpperCase() === 'APPROVE')) {
    hits.push({ category: 'merge-approval', rule: 'mcp-merge-approval', reason: `${toolName} merges or approves; that stays with a human` });
  }
  const allowed = policy.allowedMcp.includes(server) || policy.allowedMcp.includes(`${server}__${tool}`);
  if (!allowed) {
    hits.push({ category: 'network', rule: 'mcp-not-allowed', reason: `MCP tool ${server}__${tool} is not on the allowed-mcp list${policy.allowedMcp.length === 0 ? ' (it is empty)' : ` (${policy.allowedMcp.join(', ')})`}` });
  }
  // Whatever the server, an argument that names a local path gets the same checks as Read and Write.
  const writes = WRITE_TOOL.test(tool);
  for (const path of pathArguments(input)) {
    const judgement = judgePath(policy, { tool: writes ? 'Write' : 'Read', path, cwd: context.cwd, home: context.home }, context.fs);
    if (judgement.decision !== 'allow') hits.push({ category: judgement.category, rule: judgement.rule, reason: `${toolName}: ${judgement.reason}` });
  }
  return hits;
}

function pathArguments(input: Record<string, unknown>): string[] {
  const found: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (!PATH_KEYS.test(key)) continue;
    for (const item of Array.isArray(value) ? value : [value]) if (typeof item === 'string' && item !== '' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(item)) found.push(item);
  }
  return found;
}
