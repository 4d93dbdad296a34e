// Attacker-written text (issue, PR, comment, branch names …) reaches the agent's prompt or arguments.

import { agentSteps, type TextAt } from '../../agents.js';
import { defineRule } from '../../rule.js';
import { TaintScope, type TaintHit } from '../../taint.js';

export const untrustedPromptInput = defineRule({
  meta: {
    id: 'untrusted-prompt-input',
    area: 'workflow',
    description: 'attacker-controlled text flows into the agent prompt',
    severity: 'high',
    confidence: 'high',
    messages: {
      direct: '`{{source}}` is written into the agent prompt; whoever writes it can instruct the agent',
      indirect: '`{{source}}` reaches the agent prompt through {{via}}; whoever writes it can instruct the agent',
    },
    help: 'Do not build prompts from issue, PR or comment text. Let the agent read that text as data through a read-only tool, restrict its tools and token to what the task needs, and gate the trigger on trusted actors.',
  },
  inputs: ['workflow', 'action'],
  check({ input, report }) {
    if (input.kind !== 'workflow' && input.kind !== 'action') return;
    if (!input.model) return;
    for (const agent of agentSteps(input.model)) {
      const scope = new TaintScope(input.model, agent.job, agent.step);
      const seen = new Set<string>();
      for (const prompt of agent.prompts) {
        for (const hit of hitsIn(prompt, scope, agent.step.run?.route)) {
          const key = `${String(prompt.site.route)}:${hit.index}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const direct = hit.via === 'direct';
          report({
            messageId: direct ? 'direct' : 'indirect',
            data: { source: hit.source, via: direct ? '' : describeVia(hit) },
            at: { route: prompt.site.route, index: hit.index, length: hit.length },
            confidence: direct ? 'high' : 'medium',
          });
        }
      }
    }
  },
});

interface LocatedHit extends TaintHit {
  text: string;
}

/** Hits inside one prompt, as offsets into the string at the prompt's route. */
function hitsIn(prompt: TextAt, scope: TaintScope, runRoute: readonly (string | number)[] | undefined): LocatedHit[] {
  const containing = prompt.site.index === undefined ? prompt.text : undefined;
  if (containing !== undefined) {
    return scope.expressionHits(containing).map((hit) => ({ ...hit, text: containing.slice(hit.index, hit.index + hit.length) }));
  }
  const isRun = runRoute !== undefined && String(runRoute) === String(prompt.site.route);
  const whole = isRun ? (scope.step?.run?.value ?? '') : (scope.step?.with.get(String(prompt.site.route.at(-1)))?.value ?? '');
  const from = prompt.site.index ?? 0;
  const to = from + (prompt.site.length ?? whole.length);
  const hits = isRun ? scope.shellHits(whole) : scope.expressionHits(whole);
  return hits.filter((hit) => hit.index >= from && hit.index < to).map((hit) => ({ ...hit, text: whole.slice(hit.index, hit.index + hit.length) }));
}

function describeVia(hit: LocatedHit): string {
  switch (hit.via) {
    case 'env':
      return `the env indirection \`${hit.text}\``;
    case 'step-output':
      return `the step output \`${hit.text}\``;
    case 'shell-variable':
      return `the shell variable \`${hit.text}\``;
    default:
      return `the command \`${hit.text.split('\n')[0]}\``;
  }
}
