// Judges a Bash command: every command it would really run, every redirection, against every check.

import { effectiveCommands } from '../bash-commands.js';
import type { PolicyFs } from '../fs.js';
import type { ResolvedPolicy } from '../roles.js';
import { verdictOf, type Hit, type Span, type Verdict } from '../verdict.js';
import { commandSpan, type BashCheck, type BashContext } from './context.js';
import { BASH_CHECKS } from './checks.js';

export interface BashRequest {
  command: string;
  cwd: string;
  home: string;
}

/** Script files run by the command are judged too, down to this many levels. */
const MAX_SCRIPT_DEPTH = 3;
/** Longer commands are denied unread: nothing an agent needs is this long, and judging must stay fast. */
export const MAX_COMMAND_LENGTH = 100_000;

export function judgeBash(policy: ResolvedPolicy, request: BashRequest, fs: PolicyFs, checks: readonly BashCheck[] = BASH_CHECKS): Verdict {
  if (typeof request.command !== 'string') return { decision: 'deny', category: null, rule: 'bad-input', reason: 'the Bash command is not a string' };
  if (request.command.length > MAX_COMMAND_LENGTH) {
    return { decision: 'deny', category: null, rule: 'too-long', reason: `the command is ${request.command.length} characters, over the ${MAX_COMMAND_LENGTH} that are judged` };
  }
  const hits = bashHits(policy, request, fs, checks, 0);
  return verdictOf(policy, hits, 'no check objected to the command');
}

export function bashHits(policy: ResolvedPolicy, request: BashRequest, fs: PolicyFs, checks: readonly BashCheck[], depth: number): Hit[] {
  const parsed = effectiveCommands(request.command);
  const ctx: BashContext = {
    policy,
    fs,
    cwd: request.cwd,
    home: request.home,
    script: request.command,
    parsed,
    depth,
    judgeNested(text: string, label: string, span: Span): Hit[] {
      if (depth + 1 > MAX_SCRIPT_DEPTH) return [{ category: null, rule: 'too-deep', reason: `${label}: scripts nested deeper than ${MAX_SCRIPT_DEPTH} levels`, span }];
      return bashHits(policy, { ...request, command: text }, fs, checks, depth + 1).map((hit) => ({ ...hit, reason: `${label}: ${hit.reason}`, span }));
    },
  };
  const hits: Hit[] = [];
  for (const problem of parsed.problems) hits.push({ category: null, rule: 'parse-error', reason: `cannot judge the command: ${problem}` });
  hits.push(...roleHits(ctx));
  for (const check of checks) {
    if (check.script) hits.push(...check.script(ctx));
    if (check.command) for (const command of parsed.commands) hits.push(...check.command(command, ctx));
    if (check.redirect) for (const redirect of parsed.redirects) hits.push(...check.redirect(redirect, ctx));
  }
  return hits.sort((a, b) => (a.span?.start ?? -1) - (b.span?.start ?? -1));
}

/** Roles without Bash, and roles limited to a list of command prefixes (review, fix-tests). */
function roleHits(ctx: BashContext): Hit[] {
  const { policy } = ctx;
  if (policy.bash === 'any') return [];
  if (policy.bash === 'none') return [{ category: null, rule: 'tool-not-in-role', reason: `the ${policy.role} role may not run Bash` }];
  const allowed = policy.bashCommands.map((prefix) => prefix.trim().split(/\s+/));
  const hits: Hit[] = [];
  for (const command of ctx.parsed.commands) {
    const words = [command.program, ...command.args];
    const ok = !command.dynamic && allowed.some((prefix) => prefix.every((word, i) => words[i] === word));
    if (!ok) hits.push({ category: null, rule: 'command-not-in-role', reason: `the ${policy.role} role may run only ${policy.bashCommands.join(', ') || 'nothing'}; not ${command.program}`, span: commandSpan(command) });
  }
  return hits;
}
