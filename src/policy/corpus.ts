// Case files of tool calls with the decision they must get: parsing, the world they are judged in, and the tally.

import { z } from 'zod';
import { CordonConfigSchema, type CordonConfig } from '../config/schema.js';
import { judgeToolCall } from './engine.js';
import { virtualFs, type VirtualEntry } from './fs.js';
import { resolvePolicy } from './roles.js';
import type { Verdict } from './verdict.js';

export const PolicyCaseSchema = z.object({
  id: z.string().min(1),
  tool: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cwd: z.string().startsWith('/').default('/repo'),
  expect: z.enum(['allow', 'deny']),
  category: z.string().optional(),
  class: z.string().optional(),
  why: z.string().optional(),
  policy: z.record(z.string(), z.unknown()).optional(),
  files: z.record(z.string(), z.union([z.string(), z.object({ symlink: z.string() }).strict()])).optional(),
});
export type PolicyCase = z.infer<typeof PolicyCaseSchema>;

/** Where the cases are judged: a virtual machine with a repository, a home, and the repository's installed bins. */
export interface CaseWorld {
  repoRoot: string;
  home: string;
  /** Names in `<repo>/node_modules/.bin`: `npx <bin>` of these runs a local program. */
  bins: readonly string[];
}

/** The world test/fixtures/policy/README.md describes. */
export const CORPUS_WORLD: CaseWorld = {
  repoRoot: '/repo',
  home: '/home/agent',
  bins: ['tsc', 'vitest', 'jest', 'eslint', 'prettier', 'vite', 'esbuild', 'rollup', 'webpack', 'tsx', 'stylelint', 'markdownlint', 'playwright'],
};

export interface CaseProblem {
  line: number;
  message: string;
}

/** Parses JSON Lines; a bad line is reported with its number and the others are kept. */
export function parseCases(text: string): { cases: Array<PolicyCase & { line: number }>; problems: CaseProblem[] } {
  const cases: Array<PolicyCase & { line: number }> = [];
  const problems: CaseProblem[] = [];
  const ids = new Set<string>();
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      problems.push({ line, message: `not JSON: ${(error as Error).message}` });
      return;
    }
    const parsed = PolicyCaseSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      problems.push({ line, message: `${issue?.path.join('.') || 'case'}: ${issue?.message ?? 'invalid'}` });
      return;
    }
    if (ids.has(parsed.data.id)) problems.push({ line, message: `duplicate id ${parsed.data.id}` });
    ids.add(parsed.data.id);
    cases.push({ ...parsed.data, line });
  });
  return { cases, problems };
}

export interface CaseResult {
  case: PolicyCase;
  verdict: Verdict;
  /** An `ask` counts as a deny: under `claude -p` nobody can answer it. */
  passed: boolean;
}

/**
 * Judges one case: the base configuration's policy with the case's `policy` fragment merged over it,
 * in a virtual file system holding the case's `files` and the world's bins.
 */
export function runCase(base: CordonConfig, testCase: PolicyCase, world: CaseWorld = CORPUS_WORLD): CaseResult {
  const entries: Record<string, VirtualEntry> = {};
  for (const bin of world.bins) entries[`${world.repoRoot}/node_modules/.bin/${bin}`] = '#!/usr/bin/env node\n';
  Object.assign(entries, testCase.files ?? {});
  const fs = virtualFs(entries);
  const config = testCase.policy ? CordonConfigSchema.parse({ ...base, policy: { ...base.policy, ...testCase.policy } }) : base;
  const claudeignore = fs.readText(`${world.repoRoot}/.claudeignore`, 1 << 20);
  const policy = resolvePolicy(config, world.repoRoot, claudeignore);
  const verdict = judgeToolCall(policy, { tool: testCase.tool, input: testCase.input, cwd: testCase.cwd, home: world.home }, fs);
  const denied = verdict.decision !== 'allow';
  return { case: testCase, verdict, passed: testCase.expect === 'deny' ? denied : !denied };
}

export interface Tally {
  total: number;
  passed: number;
  /** passed / total, 1 when there is nothing to count. */
  rate: number;
}

export function tally(results: readonly CaseResult[]): Tally {
  const passed = results.filter((r) => r.passed).length;
  return { total: results.length, passed, rate: results.length === 0 ? 1 : passed / results.length };
}
