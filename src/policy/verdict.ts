// What the engine answers for one tool call, and how several findings fold into one answer.

import type { PolicyCategory } from '../config/policy-schema.js';
import type { ResolvedPolicy } from './roles.js';

export type Decision = 'allow' | 'deny' | 'ask';

export interface Span {
  start: number;
  end: number;
}

export interface Verdict {
  decision: Decision;
  /** The category whose decision applied; null for an allow and for a call the engine could not judge (always a deny). */
  category: PolicyCategory | null;
  /** Kebab-case id of the check that decided (`network-client`, `secret-path`, `parse-error`). */
  rule: string;
  reason: string;
  /** For Bash: the part of the command that caused the decision, as offsets into `command`. */
  span?: Span;
}

/** One thing a check found; the policy turns its category into deny or ask. A null category always denies. */
export interface Hit {
  category: PolicyCategory | null;
  rule: string;
  reason: string;
  span?: Span;
}

const RANK: Record<Decision, number> = { allow: 0, ask: 1, deny: 2 };

export function decisionOf(policy: ResolvedPolicy, hit: Hit): Decision {
  return hit.category === null ? 'deny' : policy.decisions[hit.category];
}

/** The strictest hit wins; among equals, the first (hits come in source order). No hit is an allow. */
export function verdictOf(policy: ResolvedPolicy, hits: readonly Hit[], allowReason: string): Verdict {
  let best: { hit: Hit; decision: Decision } | undefined;
  for (const hit of hits) {
    const decision = decisionOf(policy, hit);
    if (!best || RANK[decision] > RANK[best.decision]) best = { hit, decision };
  }
  if (!best) return { decision: 'allow', category: null, rule: 'allowed', reason: allowReason };
  const { hit, decision } = best;
  return { decision, category: hit.category, rule: hit.rule, reason: hit.reason, ...(hit.span ? { span: hit.span } : {}) };
}

export function denyUnjudgeable(rule: string, reason: string): Verdict {
  return { decision: 'deny', category: null, rule, reason };
}
