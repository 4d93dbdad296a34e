// The policy engine: one tool call in, one verdict out. Dispatches by tool; anything it cannot judge is a deny.

import { judgeBash } from './bash/judge.js';
import { nodeFs, type PolicyFs } from './fs.js';
import { judgeMcp } from './mcp.js';
import { judgePath, type PathTool } from './paths.js';
import type { ResolvedPolicy, ToolName } from './roles.js';
import { verdictOf, type Hit, type Verdict } from './verdict.js';
import { judgeWebFetch, judgeWebSearch } from './web.js';

export interface ToolCall {
  tool: string;
  input: unknown;
  /** The hook's cwd, absolute. */
  cwd: string;
  /** The agent's home directory, absolute. */
  home: string;
}

/** Claude Code tools that touch nothing outside the session: planning, todo lists, subagents (whose own calls reach the hook). */
const SESSION_TOOLS = new Set(['Task', 'Agent', 'TodoWrite', 'ExitPlanMode', 'BashOutput', 'KillShell', 'KillBash', 'AskUserQuestion', 'SlashCommand', 'Skill', 'ListMcpResourcesTool']);

const PATH_KEY: Record<PathTool, string> = { Read: 'file_path', Write: 'file_path', Edit: 'file_path', NotebookEdit: 'notebook_path' };

export function judgeToolCall(policy: ResolvedPolicy, call: ToolCall, fs: PolicyFs = nodeFs): Verdict {
  try {
    return judge(policy, call, fs);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { decision: 'deny', category: null, rule: 'internal-error', reason: `the policy engine failed on ${call.tool}: ${message}` };
  }
}

function judge(policy: ResolvedPolicy, call: ToolCall, fs: PolicyFs): Verdict {
  const { tool } = call;
  if (typeof call.input !== 'object' || call.input === null || Array.isArray(call.input)) {
    return { decision: 'deny', category: null, rule: 'bad-input', reason: `the ${tool} input is not a JSON object` };
  }
  const input = call.input as Record<string, unknown>;
  if (SESSION_TOOLS.has(tool)) return { decision: 'allow', category: null, rule: 'session-tool', reason: `${tool} acts only inside the session` };
  if (tool.startsWith('mcp__')) return verdictOf(policy, judgeMcp(policy, tool, input, { cwd: call.cwd, home: call.home, fs }), `${tool} is allowed`);
  if (!isKnownTool(tool)) return { decision: 'deny', category: null, rule: 'unknown-tool', reason: `cordon does not know the tool ${tool}; it denies what it cannot judge` };
  const role = roleHit(policy, tool);
  if (role) return verdictOf(policy, [role], '');

  switch (tool) {
    case 'Bash': {
      const command = input.command;
      if (typeof command !== 'string') return { decision: 'deny', category: null, rule: 'bad-input', reason: 'Bash without a command string' };
      return judgeBash(policy, { command, cwd: call.cwd, home: call.home }, fs);
    }
    case 'Read':
    case 'Write':
    case 'Edit':
    case 'NotebookEdit':
    case 'MultiEdit':
    case 'NotebookRead': {
      const pathTool: PathTool = tool === 'MultiEdit' ? 'Edit' : tool === 'NotebookRead' ? 'Read' : tool;
      const key = tool === 'NotebookRead' ? 'notebook_path' : PATH_KEY[pathTool];
      const path = input[key];
      if (typeof path !== 'string') return { decision: 'deny', category: null, rule: 'bad-input', reason: `${tool} without a ${key} string` };
      const judged = judgePath(policy, { tool: pathTool, path, cwd: call.cwd, home: call.home }, fs);
      return { decision: judged.decision, category: judged.category, rule: judged.rule, reason: judged.reason };
    }
    case 'Glob':
    case 'Grep':
    case 'LS':
      return verdictOf(policy, searchHits(policy, tool, input, call, fs), `${tool} is allowed`);
    case 'WebFetch':
      return verdictOf(policy, judgeWebFetch(policy, input), 'the domain is allowed');
    case 'WebSearch':
      return verdictOf(policy, judgeWebSearch(policy, input), 'the search is limited to allowed domains');
  }
  return { decision: 'deny', category: null, rule: 'unknown-tool', reason: `cordon does not know the tool ${tool}` };
}

type KnownTool = ToolName | 'MultiEdit' | 'NotebookRead' | 'LS';
const KNOWN: ReadonlySet<string> = new Set<KnownTool>(['Read', 'Glob', 'Grep', 'Edit', 'Write', 'NotebookEdit', 'Bash', 'WebFetch', 'WebSearch', 'MultiEdit', 'NotebookRead', 'LS']);

function isKnownTool(tool: string): tool is KnownTool {
  return KNOWN.has(tool);
}

function roleHit(policy: ResolvedPolicy, tool: KnownTool): Hit | undefined {
  const base: ToolName = tool === 'MultiEdit' ? 'Edit' : tool === 'NotebookRead' || tool === 'LS' ? 'Read' : tool;
  if (policy.tools.includes(base)) return undefined;
  return { category: null, rule: 'tool-not-in-role', reason: `the ${policy.role} role may not use ${tool}` };
}

/** Glob, Grep and LS read names and contents under a directory: the directory and any file glob get the secret check. */
function searchHits(policy: ResolvedPolicy, tool: string, input: Record<string, unknown>, call: ToolCall, fs: PolicyFs): Hit[] {
  const hits: Hit[] = [];
  const path = typeof input.path === 'string' && input.path !== '' ? input.path : call.cwd;
  const judged = judgePath(policy, { tool: 'Read', path, cwd: call.cwd, home: call.home }, fs);
  if (judged.decision !== 'allow') hits.push({ category: judged.category, rule: judged.rule, reason: `${tool}: ${judged.reason}` });
  // Grep prints file contents: a glob that names only secret files is a read of them.
  if (tool === 'Grep' && typeof input.glob === 'string' && !/[*?[{]/.test(input.glob)) {
    const file = judgePath(policy, { tool: 'Read', path: `${path}/${input.glob}`, cwd: call.cwd, home: call.home }, fs);
    if (file.decision !== 'allow') hits.push({ category: file.category, rule: file.rule, reason: `${tool}: ${file.reason}` });
  }
  return hits;
}
