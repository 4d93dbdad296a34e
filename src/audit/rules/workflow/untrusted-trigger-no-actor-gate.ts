// Agent jobs that outsiders can start (issues, comments, reviews …) with nothing checking who they are.

import type { JobModel } from '../../../parse/workflow.js';
import { agentSteps, type AgentStep } from '../../agents.js';
import { defineRule, type Report } from '../../rule.js';
import { actorGate, outsiderTriggers } from '../../workflow-facts.js';

type MessageId = 'noGate' | 'actionDefaultOnly';

export const untrustedTriggerNoActorGate = defineRule({
  meta: {
    id: 'untrusted-trigger-no-actor-gate',
    area: 'workflow',
    description: 'an agent job that outsiders can trigger has no actor gate',
    severity: 'medium',
    confidence: 'high',
    messages: {
      noGate: 'job `{{job}}` runs the agent on {{triggers}}, which anyone can cause, and nothing checks who did',
      actionDefaultOnly: 'job `{{job}}` runs the agent on {{triggers}} and relies only on claude-code-action\'s built-in write-access check',
    },
    help: 'Gate agent jobs on who triggered them: `if: contains(fromJSON(\'["OWNER","MEMBER","COLLABORATOR"]\'), github.event.comment.author_association)`, an explicit actor allow-list, a permission-check step, or an environment with required reviewers.',
  },
  inputs: ['workflow'],
  check({ input, report }) {
    if (input.kind !== 'workflow' || !input.model) return;
    const workflow = input.model;
    const triggers = outsiderTriggers(workflow);
    if (triggers.length === 0) return;
    const names = triggers.map((trigger) => `\`${trigger}\``).join(', ');
    const byJob = new Map<JobModel, AgentStep[]>();
    for (const agent of agentSteps(workflow)) byJob.set(agent.job, [...(byJob.get(agent.job) ?? []), agent]);
    for (const [job, agents] of byJob) {
      const ungated = agents.filter((agent) => !actorGate(workflow, job, agent.step));
      const findings = ungated.map((agent) => judge(agent, job.id, names));
      // One finding per job: the most certain one says the most.
      const best = findings.sort((a, b) => RANK[b.confidence ?? 'high'] - RANK[a.confidence ?? 'high'])[0];
      if (best) report(best);
    }
  },
});

const RANK = { low: 0, medium: 1, high: 2 } as const;

function judge(agent: AgentStep, job: string, triggers: string): Report<MessageId> {
  const at = { route: agent.job.route, part: 'key' as const };
  // The action refuses actors without write access unless `allowed_non_write_users` opens it (reported by
  // open-to-non-write-users); the CLI and the base action check nothing.
  const opened = (agent.step.with.get('allowed_non_write_users')?.value.trim() ?? '') !== '';
  if (agent.via !== 'action' || opened) return { messageId: 'noGate', data: { job, triggers }, at };
  return { messageId: 'actionDefaultOnly', data: { job, triggers }, at, confidence: 'low' };
}
