// `cordon policy explain` and `cordon policy test`: the engine's decision for one call, and for a case file.

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import pc from 'picocolors';
import { loadConfig } from '../config/load.js';
import { EXIT, UsageError } from '../core/errors.js';
import { ROLES, type Role } from '../config/policy-schema.js';
import { loadHookPolicy } from '../hook/load-policy.js';
import { loadShellParser } from '../parse/shell.js';
import { parseCases, runCase, tally, type CaseResult } from '../policy/corpus.js';
import { judgeToolCall } from '../policy/engine.js';
import type { Verdict } from '../policy/verdict.js';

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface ExplainOptions {
  tool?: string;
  input?: string;
  json?: string;
  policy?: string;
  role?: string;
  cwd?: string;
  format?: 'text' | 'json';
}

export async function policyExplainCommand(options: ExplainOptions, io: Io): Promise<number> {
  let tool: string;
  let input: unknown;
  let cwd = resolve(options.cwd ?? process.cwd());
  if (options.json !== undefined) {
    const text = options.json === '-' ? readFileSync(0, 'utf8') : readFileSync(options.json, 'utf8');
    const payload = parseJsonArg(text, options.json === '-' ? 'stdin' : options.json) as { tool_name?: unknown; tool_input?: unknown; cwd?: unknown };
    if (typeof payload.tool_name !== 'string') throw new UsageError('the hook payload has no tool_name');
    tool = payload.tool_name;
    input = payload.tool_input;
    if (typeof payload.cwd === 'string' && options.cwd === undefined) cwd = payload.cwd;
  } else {
    if (!options.tool || options.input === undefined) throw new UsageError('give --tool and --input, or --json with a whole hook payload');
    tool = options.tool;
    input = parseJsonArg(options.input, '--input');
  }
  await loadShellParser();
  const { policy, source } = loadHookPolicy(cwd, options.policy, process.env, parseRole(options.role));
  const verdict = judgeToolCall(policy, { tool, input, cwd, home: process.env.HOME || homedir() });
  if (options.format === 'json') {
    io.stdout.write(`${JSON.stringify({ tool, decision: verdict.decision, category: verdict.category, rule: verdict.rule, reason: verdict.reason, span: verdict.span ?? null, role: policy.role, policy: source ?? null }, null, 2)}\n`);
  } else {
    io.stdout.write(explainText(tool, input, verdict, policy.role, source));
  }
  return EXIT.ok;
}

function explainText(tool: string, input: unknown, verdict: Verdict, role: string, source: string | undefined): string {
  const colour = verdict.decision === 'allow' ? pc.green : verdict.decision === 'ask' ? pc.yellow : pc.red;
  const lines = [
    `${colour(verdict.decision.toUpperCase())}  ${tool}${verdict.category ? `  category ${verdict.category}` : ''}  rule ${verdict.rule}`,
    `  ${verdict.reason}`,
  ];
  const command = tool === 'Bash' && input && typeof input === 'object' ? (input as { command?: unknown }).command : undefined;
  if (typeof command === 'string' && verdict.span) {
    const { start, end } = verdict.span;
    const lineStart = command.lastIndexOf('\n', start - 1) + 1;
    const lineEndAt = command.indexOf('\n', start);
    const lineEnd = lineEndAt === -1 ? command.length : lineEndAt;
    const line = command.slice(lineStart, lineEnd);
    const width = Math.max(1, Math.min(end, lineEnd) - start);
    lines.push('', `  ${line}`, `  ${' '.repeat(start - lineStart)}${'^'.repeat(width)}`);
  }
  lines.push('', `  role ${role}, policy ${source ?? 'built-in implement preset'}`, '');
  return lines.join('\n');
}

export interface PolicyTestOptions {
  policy?: string;
  format?: 'text' | 'json';
}

/** Exit 0 when every case gets its expected decision, 1 with the mismatches listed, 2 for a broken case file. */
export async function policyTestCommand(file: string, options: PolicyTestOptions, io: Io): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const { cases, problems } = parseCases(text);
  for (const problem of problems) io.stderr.write(`${file}:${problem.line}: ${problem.message}\n`);
  await loadShellParser();
  const { config } = loadConfig(process.cwd(), options.policy);
  const results: CaseResult[] = cases.map((one) => runCase(config, one));
  const mismatches = results.filter((r) => !r.passed);
  const deny = tally(results.filter((r) => r.case.expect === 'deny'));
  const allow = tally(results.filter((r) => r.case.expect === 'allow'));
  if (options.format === 'json') {
    io.stdout.write(
      `${JSON.stringify(
        {
          file,
          cases: results.length,
          denied: { expected: deny.total, got: deny.passed },
          allowed: { expected: allow.total, got: allow.passed },
          mismatches: mismatches.map((r) => ({ id: r.case.id, expect: r.case.expect, decision: r.verdict.decision, category: r.verdict.category, rule: r.verdict.rule, reason: r.verdict.reason })),
          problems,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    for (const r of mismatches) {
      const line = cases.find((c) => c.id === r.case.id)?.line;
      io.stdout.write(`${file}:${line}: ${r.case.id}: expected ${r.case.expect}, got ${r.verdict.decision} (${r.verdict.rule}: ${r.verdict.reason})\n`);
    }
    const pct = (t: { passed: number; total: number; rate: number }) => `${t.passed}/${t.total} (${(t.rate * 100).toFixed(2)} %)`;
    io.stdout.write(`${results.length} cases: deny as expected ${pct(deny)}, allow as expected ${pct(allow)}, ${mismatches.length} mismatch${mismatches.length === 1 ? '' : 'es'}\n`);
  }
  if (problems.length > 0) return EXIT.usage;
  return mismatches.length > 0 ? EXIT.findings : EXIT.ok;
}

function parseJsonArg(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where} is not JSON: ${(error as Error).message}`);
  }
}

export function parseRole(role: string | undefined): Role | undefined {
  if (role === undefined) return undefined;
  if (!ROLES.includes(role as Role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}, not ${JSON.stringify(role)}`);
  return role as Role;
}
